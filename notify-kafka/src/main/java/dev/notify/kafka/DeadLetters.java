package dev.notify.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter format: an invalid record is copied to the dead-letter topic with its original key, value (the
 * bytes exactly as consumed) and headers, plus these headers (UTF-8 strings). See RECORD-FORMAT.md.
 */
public final class DeadLetters {

    /** Why the record is invalid: a reason code of {@link DecodeResult.Invalid#reason()}. */
    public static final String REASON = "notify.dlt.reason";
    /** The topic the record was consumed from. */
    public static final String SOURCE_TOPIC = "notify.dlt.source.topic";
    /** Its partition, in decimal. */
    public static final String SOURCE_PARTITION = "notify.dlt.source.partition";
    /** Its offset, in decimal. */
    public static final String SOURCE_OFFSET = "notify.dlt.source.offset";
    /** Its timestamp, in milliseconds since the epoch, in decimal. */
    public static final String SOURCE_TIMESTAMP = "notify.dlt.source.timestamp";
    /** The consumer group that rejected it. */
    public static final String GROUP = "notify.dlt.group";
    /** When it was rejected (ISO-8601 instant). */
    public static final String FAILED_AT = "notify.dlt.failed-at";
    /** The notification id, when it could be read. */
    public static final String NOTIFICATION_ID = "notify.dlt.notification-id";

    private DeadLetters() {
    }

    /** The value of header {@code key} of {@code headers} as a string, or {@code null}. */
    public static String header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Builds the dead letter of {@code source}. */
    static ProducerRecord<byte[], byte[]> deadLetter(String deadLetterTopic, String groupId,
                                                     ConsumerRecord<byte[], byte[]> source,
                                                     DecodeResult.Invalid invalid, Instant now) {
        Headers headers = new RecordHeaders();
        for (Header original : source.headers()) {
            headers.add(original);
        }
        add(headers, REASON, invalid.reason());
        add(headers, SOURCE_TOPIC, source.topic());
        add(headers, SOURCE_PARTITION, Integer.toString(source.partition()));
        add(headers, SOURCE_OFFSET, Long.toString(source.offset()));
        add(headers, SOURCE_TIMESTAMP, Long.toString(source.timestamp()));
        add(headers, GROUP, groupId);
        add(headers, FAILED_AT, now.toString());
        if (invalid.id() != null) {
            add(headers, NOTIFICATION_ID, invalid.id());
        }
        return new ProducerRecord<>(deadLetterTopic, null, source.key(), source.value(), headers);
    }

    /** Sends {@code record}; the future completes when the broker acknowledged it, and fails if it did not. */
    static CompletableFuture<Void> send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(null);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    private static void add(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
