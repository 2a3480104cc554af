package dev.notify.kafka;

import dev.notify.core.NotificationRequest;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes notification requests for calling services: each is written in the record format to the topic, keyed
 * by user id (so one user's notifications keep their order), through an idempotent producer with {@code acks=all}.
 *
 * <p>Before publishing, PENDING is recorded in the status store, best effort: the write is bounded by
 * {@link Builder#pendingTimeout} and by {@link Builder#maxPendingInFlight} writes in flight, and its outcome never
 * holds up or fails the publish. A store that is down costs the caller nothing; the statuses are repaired later
 * (the worker's final status wins over PENDING whatever the order of writes).
 *
 * <p>{@link #publish} returns at once (unless the producer's buffer is full or the topic's metadata is unknown, for at
 * most {@code max.block.ms}, 1 s by default); the future completes when Kafka acknowledged the record, or fails:
 * with {@link IllegalArgumentException} for a request the workers would dead-letter (nothing published), or with the
 * producer's exception. Thread-safe.
 */
public final class NotificationPublisher implements AutoCloseable {

    /** Default deadline of the PENDING write: 200 ms. */
    public static final Duration DEFAULT_PENDING_TIMEOUT = Duration.ofMillis(200);
    /** Default bound on PENDING writes in flight (further ones are skipped): 1,024. */
    public static final int DEFAULT_MAX_PENDING_IN_FLIGHT = 1024;
    /** Default {@code max.block.ms} of the producer: 1 s. */
    public static final int DEFAULT_MAX_BLOCK_MS = 1_000;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final StatusStore statusStore;
    private final Duration pendingTimeout;
    private final Semaphore pendingPermits;
    private final Clock clock;
    private final NotificationRecordCodec codec = new NotificationRecordCodec();
    private final Counter published;
    private final Counter refused;
    private final Counter failed;
    private final Counter pendingRecorded;
    private final Counter pendingFailed;
    private final Counter pendingSkipped;

    private NotificationPublisher(Builder builder, Producer<byte[], byte[]> producer) {
        this.producer = producer;
        this.topic = builder.topic;
        this.statusStore = builder.statusStore;
        this.pendingTimeout = builder.pendingTimeout;
        this.pendingPermits = new Semaphore(builder.maxPendingInFlight);
        this.clock = builder.clock;
        MeterRegistry registry = builder.meterRegistry != null ? builder.meterRegistry : new SimpleMeterRegistry();
        this.published = publishes(registry, "acknowledged");
        this.refused = publishes(registry, "invalid");
        this.failed = publishes(registry, "failed");
        this.pendingRecorded = pending(registry, "recorded");
        this.pendingFailed = pending(registry, "failed");
        this.pendingSkipped = pending(registry, "skipped");
    }

    private Counter publishes(MeterRegistry registry, String result) {
        return Counter.builder("notify.publisher.publishes").description("Publishes by result")
                .tag("topic", topic).tag("result", result).register(registry);
    }

    private Counter pending(MeterRegistry registry, String result) {
        return Counter.builder("notify.publisher.pending").description("PENDING status writes by result")
                .tag("topic", topic).tag("result", result).register(registry);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Publishes {@code request}; see the class comment for how the future completes. */
    public CompletableFuture<RecordMetadata> publish(NotificationRequest request) {
        Objects.requireNonNull(request, "request");
        byte[] value = codec.encode(request);
        if (codec.decode(value) instanceof DecodeResult.Invalid invalid) {
            refused.increment();
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "request " + request.id() + " is not valid: " + invalid.reason()));
        }
        recordPending(request);
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, request.userId().getBytes(StandardCharsets.UTF_8), value),
                    (metadata, error) -> {
                        if (error != null) {
                            failed.increment();
                            acknowledged.completeExceptionally(error);
                        } else {
                            published.increment();
                            acknowledged.complete(metadata);
                        }
                    });
        } catch (RuntimeException e) {
            failed.increment();
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    private void recordPending(NotificationRequest request) {
        if (statusStore == null) {
            return;
        }
        if (!pendingPermits.tryAcquire()) {
            pendingSkipped.increment();
            return;
        }
        CompletableFuture<Void> write = new CompletableFuture<>();
        try {
            statusStore.record(StatusUpdate.pending(request, clock.instant())).whenComplete((ok, error) -> {
                if (error != null) {
                    write.completeExceptionally(error);
                } else {
                    write.complete(null);
                }
            });
        } catch (RuntimeException e) {
            write.completeExceptionally(e);
        }
        write.orTimeout(pendingTimeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((ok, error) -> {
            pendingPermits.release();
            (error == null ? pendingRecorded : pendingFailed).increment();
        });
    }

    /** Sends what is buffered and closes the producer within {@code timeout}. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    /** {@link #close(Duration)} with 10 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** A mutable builder; bootstrap servers and topic are required. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic;
        private StatusStore statusStore;
        private Duration pendingTimeout = DEFAULT_PENDING_TIMEOUT;
        private int maxPendingInFlight = DEFAULT_MAX_PENDING_IN_FLIGHT;
        private final Map<String, Object> producerProperties = new LinkedHashMap<>();
        private MeterRegistry meterRegistry;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** {@code bootstrap.servers}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** The topic (lane) to publish to. Required. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Where PENDING is recorded. Default none: no PENDING is written. */
        public Builder statusStore(StatusStore statusStore) {
            this.statusStore = statusStore;
            return this;
        }

        /** Deadline of the PENDING write. Default {@link #DEFAULT_PENDING_TIMEOUT}. */
        public Builder pendingTimeout(Duration pendingTimeout) {
            Objects.requireNonNull(pendingTimeout, "pendingTimeout");
            if (pendingTimeout.isNegative() || pendingTimeout.isZero()) {
                throw new IllegalArgumentException("pendingTimeout must be positive, was " + pendingTimeout);
            }
            this.pendingTimeout = pendingTimeout;
            return this;
        }

        /** PENDING writes in flight at most. Default {@link #DEFAULT_MAX_PENDING_IN_FLIGHT}. */
        public Builder maxPendingInFlight(int maxPendingInFlight) {
            if (maxPendingInFlight < 1) {
                throw new IllegalArgumentException("maxPendingInFlight must be at least 1, was " + maxPendingInFlight);
            }
            this.maxPendingInFlight = maxPendingInFlight;
            return this;
        }

        /**
         * A producer property (TLS, SASL, {@code linger.ms}, {@code max.block.ms}, ...). Acks, idempotence and the
         * serializers are the publisher's.
         */
        public Builder producerProperty(String key, Object value) {
            producerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Where meters go. Default a private registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** The clock of PENDING's event time. Default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public NotificationPublisher build() {
            if (bootstrapServers == null || topic == null) {
                throw new IllegalStateException("bootstrapServers and topic are required");
            }
            Map<String, Object> properties = new HashMap<>(producerProperties);
            properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            properties.put(ProducerConfig.ACKS_CONFIG, "all");
            properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK_MS);
            properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
            properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            return new NotificationPublisher(this, new KafkaProducer<>(properties));
        }

        /** A publisher on {@code producer} (a {@code MockProducer} in tests). */
        NotificationPublisher build(Producer<byte[], byte[]> producer) {
            if (topic == null) {
                throw new IllegalStateException("topic is required");
            }
            return new NotificationPublisher(this, producer);
        }
    }
}
