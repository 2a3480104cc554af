package dev.notify.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.StatusUpdate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaDeliveryJournalTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static StatusUpdate delivered(String id) {
        return new StatusUpdate(id, "u-1", Channel.APNS, DeliveryStatus.DELIVERED, null, "apns-" + id,
                Instant.parse("2026-12-03T09:00:00Z"), Instant.parse("2026-12-03T09:00:01.5Z"), 1);
    }

    @Test
    void should_append_json_keyed_by_notification_id() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        KafkaDeliveryJournal journal = new KafkaDeliveryJournal(producer, "journal", 10, registry);

        journal.append(delivered("n-1"));

        await().atMost(Duration.ofSeconds(5)).until(() -> journal.appended() == 1);
        assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("n-1");
        assertThat(new StatusUpdateCodec().decode(producer.history().get(0).value())).isEqualTo(delivered("n-1"));
        assertThat(journal.failures()).isZero();
        journal.close(Duration.ofSeconds(1));
    }

    @Test
    void should_count_failures_and_never_throw_nor_block() throws Exception {
        // Given a producer whose send blocks (Kafka unreachable: metadata unknown) and a queue of 2
        java.util.concurrent.CountDownLatch unblock = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record,
                    org.apache.kafka.clients.producer.Callback callback) {
                blocked.countDown();
                try {
                    unblock.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        KafkaDeliveryJournal journal = new KafkaDeliveryJournal(producer, "journal", 2, registry);
        journal.append(delivered("n-0"));
        assertThat(blocked.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        // When 1,000 more entries come
        long start = System.nanoTime();
        for (int i = 1; i <= 1_000; i++) {
            journal.append(delivered("n-" + i));
        }

        // Then appends returned at once; the 2 that fit are queued and the 998 others dropped and counted
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(journal.failures()).isEqualTo(998);
        assertThat(registry.get("notify.journal.failures").counter().count()).isEqualTo(998);

        // When the broker comes back and refuses the first entry
        unblock.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 3);
        assertThat(producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("simulated"))).isTrue();
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.completeNext()).isTrue();

        // Then that refusal is counted too, and the others appended
        assertThat(journal.failures()).isEqualTo(999);
        assertThat(journal.appended()).isEqualTo(2);
        journal.close(Duration.ofMillis(200));
        journal.append(delivered("after-close"));
        assertThat(journal.failures()).isEqualTo(1_000);
    }

    @Test
    void should_round_trip_a_failed_update_without_channel() {
        StatusUpdate update = new StatusUpdate("n-9", "u-9", null, DeliveryStatus.FAILED, "invalid-record:not-json",
                null, Instant.parse("2026-12-03T09:00:00Z"), Instant.parse("2026-12-03T09:00:02Z"), 0);
        StatusUpdateCodec codec = new StatusUpdateCodec();
        assertThat(codec.decode(codec.encode(update))).isEqualTo(update);
    }
}
