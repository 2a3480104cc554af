package dev.notify.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.core.inmemory.FaultMode;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.core.inmemory.InMemoryPreferenceStore;
import dev.notify.core.inmemory.InMemoryStatusStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's offset decisions on kafka-clients' MockConsumer and MockProducer. */
class NotificationWorkerTest {

    private static final String TOPIC = "notifications";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    /** Remembers every commit, so that they can be read after the worker closed the consumer. */
    private static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        final Map<TopicPartition, Long> commits = new java.util.concurrent.ConcurrentHashMap<>();

        RecordingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            super.commitSync(offsets);
            offsets.forEach((partition, offset) -> commits.put(partition, offset.offset()));
        }
    }

    private final RecordingConsumer consumer = new RecordingConsumer();
    private final NotificationRecordCodec codec = new NotificationRecordCodec();
    private final Map<Channel, InMemoryDelivery> deliveries = new EnumMap<>(Channel.class);
    private final InMemoryPreferenceStore preferences = new InMemoryPreferenceStore();
    private NotificationWorker worker;
    private Thread thread;

    NotificationWorkerTest() {
        for (Channel channel : Channel.values()) {
            deliveries.put(channel, new InMemoryDelivery(channel));
        }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (worker != null) {
            worker.close();
            thread.join(10_000);
        }
    }

    private BatchProcessor.Builder processor() {
        return BatchProcessor.builder().deliveries(deliveries.values()).statusStore(new InMemoryStatusStore())
                .preferences(preferences);
    }

    private void start(WorkerConfig.Builder config, BatchProcessor processor, MockProducer<byte[], byte[]> producer,
                       Map<TopicPartition, List<byte[]>> records) {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(records.keySet());
            Map<TopicPartition, Long> beginnings = new java.util.HashMap<>();
            records.keySet().forEach(partition -> beginnings.put(partition, 0L));
            consumer.updateBeginningOffsets(beginnings);
            records.keySet().forEach(partition -> consumer.seek(partition, 0));
            records.forEach((partition, values) -> {
                for (int offset = 0; offset < values.size(); offset++) {
                    consumer.addRecord(new ConsumerRecord<>(TOPIC, partition.partition(), offset,
                            "k".getBytes(StandardCharsets.UTF_8), values.get(offset)));
                }
            });
        });
        worker = NotificationWorker.withClients(config.build(), processor, consumer, producer);
        thread = new Thread(worker, "worker-under-test");
        thread.start();
    }

    private static WorkerConfig.Builder config() {
        return WorkerConfig.builder().bootstrapServers("unused:9092").topics(List.of(TOPIC)).groupId("g")
                .clientId("unit").pollTimeout(Duration.ofMillis(10));
    }

    private byte[] record(String id, Channel channel) {
        return codec.encode(ItKit.request(id, "u-" + id, channel));
    }

    private long committed(TopicPartition partition) {
        return consumer.commits.getOrDefault(partition, -1L);
    }

    private long sendsOf(String id) {
        return deliveries.values().stream().mapToLong(delivery -> delivery.sendsOf(id)).sum();
    }

    @Test
    void should_commit_each_partition_up_to_its_first_unhandled_record_and_pause_for_the_backoff() {
        // Given preferences that cannot be read, and SMS allowed without them: only SMS records are handled
        preferences.setMode(FaultMode.FAILING);
        BatchProcessor processor = processor().sendWithoutPreferences(List.of(Channel.SMS)).build();
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());

        // When a batch holds [SMS, SMS, EMAIL, SMS] in partition 0 and [SMS] in partition 1
        start(config().replayBackoff(Duration.ofSeconds(30)), processor, producer, Map.of(
                P0, List.of(record("a", Channel.SMS), record("b", Channel.SMS), record("c", Channel.EMAIL),
                        record("d", Channel.SMS)),
                P1, List.of(record("e", Channel.SMS))));

        // Then partition 0 is committed up to the EMAIL record and sought back to it, partition 1 fully
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(P0) == 2 && committed(P1) == 1);
        assertThat(consumer.position(P0)).isEqualTo(2);
        assertThat(sendsOf("a")).isEqualTo(1);
        assertThat(sendsOf("c")).isZero();
        assertThat(sendsOf("d")).isEqualTo(1);
        // and the partitions stay paused for the replay backoff
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);
    }

    @Test
    void should_not_commit_past_an_invalid_record_the_dead_letter_topic_did_not_acknowledge() {
        // Given a dead-letter producer that fails
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        start(config().replayBackoff(Duration.ofSeconds(30)), processor().build(), producer, Map.of(
                P0, List.of(record("a", Channel.SMS), "garbage".getBytes(StandardCharsets.UTF_8),
                        record("b", Channel.SMS))));

        // When the dead letter is refused
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        assertThat(producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("simulated"))).isTrue();

        // Then the valid records are sent but the commit stops before the invalid one, to consume it again
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(P0) == 1);
        assertThat(consumer.position(P0)).isEqualTo(1);
        assertThat(sendsOf("a")).isEqualTo(1);
        assertThat(sendsOf("b")).isEqualTo(1);
        assertThat(DeadLetters.header(producer.history().get(0).headers(), DeadLetters.REASON)).isEqualTo("not-json");
    }

    @Test
    void should_keep_polling_after_a_failed_poll() {
        // Given a poll that fails once
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        consumer.setPollException(new org.apache.kafka.common.KafkaException("simulated broker error"));

        // When records come afterwards
        start(config(), processor().build(), producer, Map.of(P0, List.of(record("a", Channel.SMS))));

        // Then they are processed and committed
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(P0) == 1);
        assertThat(sendsOf("a")).isEqualTo(1);
        assertThat(thread.isAlive()).isTrue();
    }

    @Test
    void should_abandon_an_unfinished_batch_at_shutdown_without_committing() throws InterruptedException {
        // Given a batch whose sends never answer
        deliveries.values().forEach(delivery -> delivery.behaviour(InMemoryDelivery.NEVER_ANSWER));
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        start(config().shutdownTimeout(Duration.ofMillis(200)), processor().build(), producer,
                Map.of(P0, List.of(record("a", Channel.SMS))));
        await().atMost(Duration.ofSeconds(10)).until(() -> sendsOf("a") == 1);

        // When the worker is closed
        long start = System.nanoTime();
        worker.close();
        thread.join(10_000);

        // Then it stops within the deadline, commits nothing, and closes its clients
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(thread.isAlive()).isFalse();
        assertThat(consumer.closed()).isTrue();
        assertThat(producer.closed()).isTrue();
        worker = null;
    }

    @Test
    void should_finish_the_in_flight_batch_and_commit_at_shutdown() throws InterruptedException {
        // Given a batch whose sends answer only after close() was called
        deliveries.values().forEach(delivery -> delivery.behaviour(InMemoryDelivery.NEVER_ANSWER));
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        InMemoryDelivery sms = deliveries.get(Channel.SMS);
        java.util.concurrent.CompletableFuture<dev.notify.core.DeliveryResult> answer =
                new java.util.concurrent.CompletableFuture<>();
        sms.behaviour((request, attempt, clock) -> answer);
        start(config(), processor().build(), producer, Map.of(P0, List.of(record("a", Channel.SMS))));
        await().atMost(Duration.ofSeconds(10)).until(() -> sendsOf("a") == 1);

        // When the worker is closed and the send then answers
        Thread closer = new Thread(worker::close);
        closer.start();
        answer.complete(new dev.notify.core.DeliveryResult.Accepted("m-1", java.time.Instant.now()));
        closer.join(10_000);
        thread.join(10_000);

        // Then the batch was committed before the consumer closed
        assertThat(thread.isAlive()).isFalse();
        assertThat(committed(P0)).isEqualTo(1);
        worker = null;
    }
}
