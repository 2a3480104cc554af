package dev.notify.kafka;

import dev.notify.core.DeferredDelivery;
import dev.notify.core.NotificationRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@link DeferredDelivery} on a delay topic: the request is written in the record format, keyed by user id, with a
 * {@value #NOT_BEFORE} header (ISO-8601 instant) and a {@value #REASON} header. A {@link DeferredLaneWorker}
 * consuming the delay topic moves each record back to a live topic once it is due.
 *
 * <p>The returned stage completes when Kafka acknowledged the record and fails if it did not; the batch path then
 * treats the notification as not handed on.
 */
public final class KafkaDeferredDelivery implements DeferredDelivery, AutoCloseable {

    /** Default delay topic: {@code notifications.deferred}. */
    public static final String DEFAULT_TOPIC = "notifications.deferred";
    /** Header: the instant before which the record must not be sent again (ISO-8601). */
    public static final String NOT_BEFORE = "notify.not-before";
    /** Header: why it was deferred ({@code quiet-hours}, {@code transient:...}). */
    public static final String REASON = "notify.defer.reason";

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final NotificationRecordCodec codec = new NotificationRecordCodec();

    KafkaDeferredDelivery(Producer<byte[], byte[]> producer, String topic) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /**
     * A deferred lane writing to {@code topic} through a new idempotent producer ({@code acks=all},
     * {@code max.block.ms} 1 s unless given).
     */
    public static KafkaDeferredDelivery create(String bootstrapServers, String topic, Map<String, ?> clientProperties) {
        Map<String, Object> properties = new HashMap<>(clientProperties);
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "notify-deferred");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaDeferredDelivery(new KafkaProducer<>(properties), topic);
    }

    @Override
    public CompletionStage<Void> defer(NotificationRequest request, Instant notBefore, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(NOT_BEFORE, notBefore.toString().getBytes(StandardCharsets.UTF_8));
        headers.add(REASON, String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
        return DeadLetters.send(producer, new ProducerRecord<>(topic, null,
                request.userId().getBytes(StandardCharsets.UTF_8), codec.encode(request), headers));
    }

    /** The instant in the {@value #NOT_BEFORE} header of a deferred record, or {@code null} if absent or bad. */
    public static Instant notBefore(org.apache.kafka.common.header.Headers headers) {
        String value = DeadLetters.header(headers, NOT_BEFORE);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
