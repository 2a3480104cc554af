package dev.notify.kafka;

import dev.notify.core.DeliveryJournal;
import dev.notify.core.StatusUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DeliveryJournal} on a Kafka topic: each {@link StatusUpdate} is appended as JSON ({@link StatusUpdateCodec})
 * keyed by notification id, so that all entries of one notification share a partition and keep their order.
 *
 * <p>{@link #append} never blocks and never throws: it puts the entry in a bounded queue that one sender thread
 * hands to an idempotent producer ({@code acks=all}). When the queue is full (Kafka unreachable for long) or the
 * producer reports an error, the entry is dropped and counted in {@code notify.journal.failures}; the reconciler's
 * other sources (stale PENDING, provider receipts) cover what the journal misses.
 */
public final class KafkaDeliveryJournal implements DeliveryJournal {

    /** Default journal topic: {@code notifications.journal}. */
    public static final String DEFAULT_TOPIC = "notifications.journal";
    /** Default number of entries waiting to be handed to the producer: 100,000. */
    public static final int DEFAULT_QUEUE_CAPACITY = 100_000;

    private static final Logger log = LoggerFactory.getLogger(KafkaDeliveryJournal.class);
    private static final Object STOP = new Object();

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final StatusUpdateCodec codec = new StatusUpdateCodec();
    private final BlockingQueue<Object> queue;
    private final Thread sender;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Counter failureCounter;
    private volatile boolean closed;

    KafkaDeliveryJournal(Producer<byte[], byte[]> producer, String topic, int queueCapacity, MeterRegistry registry) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.failureCounter = Counter.builder("notify.journal.failures")
                .description("Journal entries dropped: queue full or not acknowledged by Kafka")
                .tag("topic", topic).register(registry);
        Gauge.builder("notify.journal.queued", queue, BlockingQueue::size)
                .description("Journal entries waiting for the producer").tag("topic", topic).register(registry);
        this.sender = new Thread(this::sendLoop, "notify-journal-" + topic);
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * A journal writing to {@code topic} through a new producer.
     *
     * @param clientProperties extra producer properties (TLS, SASL, ...); may be empty
     * @param registry where {@code notify.journal.failures} goes; {@code null} for a private registry
     */
    public static KafkaDeliveryJournal create(String bootstrapServers, String topic,
                                              Map<String, ?> clientProperties, MeterRegistry registry) {
        Map<String, Object> properties = new HashMap<>(clientProperties);
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "notify-journal");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaDeliveryJournal(new KafkaProducer<>(properties), topic, DEFAULT_QUEUE_CAPACITY,
                registry != null ? registry : new SimpleMeterRegistry());
    }

    @Override
    public void append(StatusUpdate update) {
        if (update == null || closed || !queue.offer(update)) {
            failed();
        }
    }

    /** Entries acknowledged by Kafka. */
    public long appended() {
        return appended.get();
    }

    /** Entries dropped (queue full, closed, or not acknowledged). */
    public long failures() {
        return failures.get();
    }

    private void sendLoop() {
        while (true) {
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (next == STOP) {
                return;
            }
            StatusUpdate update = (StatusUpdate) next;
            try {
                producer.send(new ProducerRecord<>(topic, update.notificationId().getBytes(StandardCharsets.UTF_8),
                        codec.encode(update)), (metadata, error) -> {
                            if (error == null) {
                                appended.incrementAndGet();
                            } else {
                                failed();
                                log.debug("[journal] entry for {} not appended: {}", update.notificationId(),
                                        error.toString());
                            }
                        });
            } catch (RuntimeException e) {
                failed();
                log.debug("[journal] entry for {} not appended: {}", update.notificationId(), e.toString());
            }
        }
    }

    private void failed() {
        failures.incrementAndGet();
        failureCounter.increment();
    }

    /** Hands over what is queued, waits for it within {@code timeout}, and closes the producer. */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!queue.offer(STOP, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                sender.interrupt();
            }
            sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        queue.remove(STOP);
        int dropped = queue.size();
        if (dropped > 0) {
            failures.addAndGet(dropped);
            failureCounter.increment(dropped);
        }
    }

    /** {@link #close(Duration)} with 10 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
