package dev.notify.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryResult;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.NotificationRequest;
import dev.notify.core.OffsetPolicy;
import dev.notify.core.StatusRecord;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.core.batch.StatusGuardConfig;
import dev.notify.core.inmemory.FaultMode;
import dev.notify.core.inmemory.InMemoryDedupGuard;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker on a real KRaft broker (shared by every test of the JVM). */
class NotificationWorkerIT {

    private final ItKit kit = new ItKit();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryStatusStore store = new InMemoryStatusStore();

    @AfterEach
    void tearDown() {
        kit.close();
    }

    private BatchProcessor.Builder processor() {
        return BatchProcessor.builder()
                .deliveries(kit.deliveries.values())
                .statusStore(store)
                .statusGuard(StatusGuardConfig.custom()
                        .writeTimeout(Duration.ofMillis(200))
                        .waitDurationInOpenState(Duration.ofMillis(200))
                        .build())
                .meterRegistry(registry);
    }

    @Test
    void should_send_ten_thousand_notifications_once_with_two_workers_and_commit_every_offset() throws Exception {
        // Given 10,000 notifications in 4 partitions
        String topic = kit.topic("ten-thousand", 4);
        String group = ItKit.unique("ten-thousand-group");
        List<NotificationRequest> requests = ItKit.requests("tt", 10_000);
        kit.publish(topic, requests);
        BatchProcessor processor = processor().build();

        // When two workers of one group consume them
        long start = System.nanoTime();
        kit.start(NotificationWorker.create(kit.config(topic, group).meterRegistry(registry).build(), processor));
        kit.start(NotificationWorker.create(kit.config(topic, group).meterRegistry(registry).build(), processor));

        // Then each is sent exactly once
        await().atMost(Duration.ofSeconds(90)).until(() -> kit.distinctSent() == 10_000);
        System.out.printf("10,000 notifications sent by 2 workers in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        for (NotificationRequest request : requests) {
            assertThat(kit.sendsOf(request.id())).as("sends of %s", request.id()).isEqualTo(1);
        }
        assertThat(kit.duplicateSends()).isZero();
        // and every offset is committed
        Map<TopicPartition, Long> ends = kit.endOffsets(topic, 4);
        assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kit.committed(group, topic)).isEqualTo(ends));
        // and the lag of each partition goes back to 0
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Collection<Gauge> lags = registry.find(WorkerMetrics.LAG).tag("group", group).gauges();
            assertThat(lags).hasSize(4);
            assertThat(lags).allSatisfy(gauge -> assertThat(gauge.value()).isZero());
        });
        assertThat(store.count(DeliveryStatus.DELIVERED)).isEqualTo(10_000);
        assertThat(registry.get(WorkerMetrics.RECORDS).tag("group", group).counter().count())
                .isGreaterThanOrEqualTo(10_000);
    }

    @Test
    void should_commit_revoked_partitions_when_a_second_worker_joins_mid_run() throws Exception {
        // Given 2,000 notifications in 4 partitions, sends of 5 ms with 4 in flight (about 250 ms a batch)
        String topic = kit.topic("join-mid-run", 4);
        String group = ItKit.unique("join-mid-run-group");
        List<NotificationRequest> requests = ItKit.requests("jmr", 2_000);
        kit.publish(topic, requests);
        kit.behaviour((request, attempt, clock) -> CompletableFuture.supplyAsync(
                () -> (DeliveryResult) new DeliveryResult.Accepted("mem-" + request.id(), clock.instant()),
                CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS)));
        BatchProcessor processor = processor().maxConcurrentSends(4).build();
        WorkerConfig.Builder config = kit.config(topic, group).maxBatchSize(200).meterRegistry(registry);
        NotificationWorker first = kit.start(NotificationWorker.create(
                config.clientId(ItKit.unique("first")).build(), processor));
        await().atMost(Duration.ofSeconds(30)).until(() -> kit.distinctSent() >= 400);

        // When a second worker joins while the first has a batch in flight
        NotificationWorker second = kit.start(NotificationWorker.create(
                config.clientId(ItKit.unique("second")).build(), processor));

        // Then the first hands two partitions over after committing them: nothing is sent twice, without a guard
        await().atMost(Duration.ofSeconds(60)).until(() -> kit.distinctSent() == 2_000);
        Map<TopicPartition, Long> ends = kit.endOffsets(topic, 4);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kit.committed(group, topic)).isEqualTo(ends));
        assertThat(first.partitionsAssigned()).isEqualTo(4);
        assertThat(first.partitionsRevoked()).isEqualTo(2);
        assertThat(second.partitionsAssigned()).isEqualTo(2);
        assertThat(first.partitionsLost() + second.partitionsLost()).isZero();
        assertThat(kit.duplicateSends()).isZero();
    }

    @Test
    void should_dead_letter_poison_pills_and_keep_consuming() throws Exception {
        // Given a valid record, raw bytes, a valid record and a record with a null channel
        String topic = kit.topic("poison", 1);
        String deadLetterTopic = kit.topic("poison-dlt", 1);
        String group = ItKit.unique("poison-group");
        NotificationRequest first = ItKit.request("p-1", "u-1", Channel.SMS);
        NotificationRequest second = ItKit.request("p-2", "u-2", Channel.EMAIL);
        byte[] raw = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 'x'};
        byte[] nullChannel = ("{\"v\":1,\"id\":\"p-bad\",\"userId\":\"u-3\",\"channel\":null,\"to\":\"+15005550006\","
                + "\"body\":\"hi\",\"createdAt\":\"2026-12-03T09:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
        kit.send(List.of(
                new ProducerRecord<>(topic, "u-1".getBytes(), kit.codec.encode(first)),
                new ProducerRecord<>(topic, "u-x".getBytes(), raw),
                new ProducerRecord<>(topic, "u-2".getBytes(), kit.codec.encode(second)),
                new ProducerRecord<>(topic, "u-3".getBytes(), nullChannel)));

        // When a worker consumes them
        kit.start(NotificationWorker.create(kit.config(topic, group).deadLetterTopic(deadLetterTopic)
                .meterRegistry(registry).build(), processor().build()));

        // Then the two valid ones are delivered
        await().atMost(Duration.ofSeconds(30)).until(() -> kit.sendsOf("p-1") == 1 && kit.sendsOf("p-2") == 1);
        // and the two invalid ones are in the dead-letter topic with their origin and reason
        List<ConsumerRecord<byte[], byte[]>> dead = kit.read(deadLetterTopic, 2);
        assertThat(dead).hasSize(2);
        ConsumerRecord<byte[], byte[]> rawLetter = dead.get(0);
        assertThat(rawLetter.value()).isEqualTo(raw);
        assertThat(rawLetter.key()).isEqualTo("u-x".getBytes());
        assertThat(DeadLetters.header(rawLetter.headers(), DeadLetters.REASON)).isEqualTo("not-utf8");
        assertThat(DeadLetters.header(rawLetter.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(topic);
        assertThat(DeadLetters.header(rawLetter.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(DeadLetters.header(rawLetter.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(DeadLetters.header(rawLetter.headers(), DeadLetters.GROUP)).isEqualTo(group);
        assertThat(DeadLetters.header(rawLetter.headers(), DeadLetters.NOTIFICATION_ID)).isNull();
        ConsumerRecord<byte[], byte[]> channelLetter = dead.get(1);
        assertThat(channelLetter.value()).isEqualTo(nullChannel);
        assertThat(DeadLetters.header(channelLetter.headers(), DeadLetters.REASON)).isEqualTo("missing-field:channel");
        assertThat(DeadLetters.header(channelLetter.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(DeadLetters.header(channelLetter.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("3");
        assertThat(DeadLetters.header(channelLetter.headers(), DeadLetters.NOTIFICATION_ID)).isEqualTo("p-bad");
        // and the one with a readable id is marked FAILED with the reason
        await().atMost(Duration.ofSeconds(10)).until(() -> store.get("p-bad").isPresent());
        StatusRecord failed = store.get("p-bad").orElseThrow();
        assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(failed.reason()).isEqualTo("invalid-record:missing-field:channel");
        assertThat(failed.userId()).isEqualTo("u-3");
        assertThat(registry.get(WorkerMetrics.DEAD_LETTERS).tag("group", group).tag("reason", "not-utf8")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(WorkerMetrics.DEAD_LETTERS).tag("group", group).tag("reason", "missing-field")
                .counter().count()).isEqualTo(1);

        // When one more valid record comes, the loop is alive: it is delivered and every offset committed
        kit.publish(topic, List.of(ItKit.request("p-3", "u-1", Channel.APNS)));
        await().atMost(Duration.ofSeconds(30)).until(() -> kit.sendsOf("p-3") == 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kit.committed(group, topic)).isEqualTo(Map.of(new TopicPartition(topic, 0), 5L)));
        assertThat(kit.sendsOf("p-1")).isEqualTo(1);
        assertThat(kit.sendsOf("p-2")).isEqualTo(1);
    }

    @Test
    void should_lose_nothing_when_a_worker_stops_mid_run_and_bound_duplicates_by_one_batch() throws Exception {
        StopMidRun run = stopMidRun(null);
        System.out.printf("worker stopped mid-run without a dedup guard: %d duplicate sends (bound %d)%n",
                run.duplicates, run.maxBatchSize);
        assertThat(run.duplicates).isLessThanOrEqualTo(run.maxBatchSize);
    }

    @Test
    void should_send_no_duplicate_when_a_worker_stops_mid_run_with_a_shared_dedup_guard() throws Exception {
        StopMidRun run = stopMidRun(new InMemoryDedupGuard());
        System.out.printf("worker stopped mid-run with a shared dedup guard: %d duplicate sends%n", run.duplicates);
        assertThat(run.duplicates).isZero();
    }

    private record StopMidRun(long duplicates, int maxBatchSize) {
    }

    private StopMidRun stopMidRun(InMemoryDedupGuard guard) throws Exception {
        // Given 3,000 notifications whose sends take 2 ms each, in batches of 200
        int total = 3_000;
        int maxBatchSize = 200;
        String topic = kit.topic("stop-mid-run", 4);
        String group = ItKit.unique("stop-mid-run-group");
        List<NotificationRequest> requests = ItKit.requests("smr", total);
        kit.publish(topic, requests);
        kit.behaviour((request, attempt, clock) -> CompletableFuture.supplyAsync(
                () -> (DeliveryResult) new DeliveryResult.Accepted("mem-" + request.id(), clock.instant()),
                CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS)));
        BatchProcessor.Builder builder = processor().maxConcurrentSends(8);
        if (guard != null) {
            builder.dedup(guard);
        }
        BatchProcessor processor = builder.build();
        WorkerConfig.Builder config = kit.config(topic, group).maxBatchSize(maxBatchSize).meterRegistry(registry);

        // When the first worker is stopped mid-run, abandoning its in-flight batch, and a second one takes over
        NotificationWorker first = kit.start(NotificationWorker.create(
                config.clientId(ItKit.unique("first")).shutdownTimeout(Duration.ZERO).build(), processor));
        await().atMost(Duration.ofSeconds(60)).until(() -> kit.distinctSent() >= total / 3);
        first.close();
        long sentByFirst = kit.distinctSent();
        assertThat(sentByFirst).isLessThan(total);
        kit.start(NotificationWorker.create(
                config.clientId(ItKit.unique("second")).shutdownTimeout(Duration.ofSeconds(30)).build(), processor));

        // Then nothing is lost and every offset ends committed
        await().atMost(Duration.ofSeconds(90)).until(() -> kit.distinctSent() == total);
        for (NotificationRequest request : requests) {
            assertThat(kit.sendsOf(request.id())).as("sends of %s", request.id()).isGreaterThanOrEqualTo(1);
        }
        Map<TopicPartition, Long> ends = kit.endOffsets(topic, 4);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kit.committed(group, topic)).isEqualTo(ends));
        return new StopMidRun(kit.duplicateSends(), maxBatchSize);
    }

    @Test
    void should_stay_in_the_group_while_a_batch_takes_longer_than_max_poll_interval() throws Exception {
        // Given sends that take 5 s and a max.poll.interval.ms of 3 s
        String topic = kit.topic("slow", 1);
        String group = ItKit.unique("slow-group");
        List<NotificationRequest> requests = ItKit.requests("slow", 3);
        kit.publish(topic, requests);
        kit.behaviour((request, attempt, clock) -> CompletableFuture.supplyAsync(
                () -> (DeliveryResult) new DeliveryResult.Accepted("mem-" + request.id(), clock.instant()),
                CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS)));
        NotificationWorker worker = kit.start(NotificationWorker.create(kit.config(topic, group)
                .consumerProperty(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 3_000)
                .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000)
                .meterRegistry(registry).build(), processor().build()));

        // When the batch is processed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kit.committed(group, topic)).isEqualTo(Map.of(new TopicPartition(topic, 0), 3L)));

        // Then each was sent once, and the worker was never thrown out nor had its partition revoked
        for (NotificationRequest request : requests) {
            assertThat(kit.sendsOf(request.id())).isEqualTo(1);
        }
        assertThat(worker.partitionsAssigned()).isEqualTo(1);
        assertThat(worker.partitionsRevoked()).isZero();
        assertThat(worker.partitionsLost()).isZero();
        assertThat(registry.get(WorkerMetrics.POLL_TO_COMMIT).tag("group", group).timer()
                .max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(5_000);
    }

    @Test
    void should_commit_and_send_once_when_the_status_store_fails_under_the_default_policy() throws Exception {
        // Given a failing status store
        store.setMode(FaultMode.FAILING);
        String topic = kit.topic("store-down", 2);
        String group = ItKit.unique("store-down-group");
        List<NotificationRequest> requests = ItKit.requests("sd", 300);
        kit.publish(topic, requests);

        // When a worker with the default policy consumes
        kit.start(NotificationWorker.create(kit.config(topic, group).maxBatchSize(50).meterRegistry(registry).build(),
                processor().build()));

        // Then every notification is sent once and every offset committed, though no status was written
        await().atMost(Duration.ofSeconds(60)).until(() -> kit.distinctSent() == 300);
        Map<TopicPartition, Long> ends = kit.endOffsets(topic, 2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kit.committed(group, topic)).isEqualTo(ends));
        for (NotificationRequest request : requests) {
            assertThat(kit.sendsOf(request.id())).isEqualTo(1);
        }
        assertThat(store.all()).isEmpty();
        assertThat(registry.get(WorkerMetrics.REPLAYS).tag("group", group).counter().count()).isZero();
    }

    @Test
    void should_replay_without_committing_while_the_status_store_fails_under_the_replay_policy() throws Exception {
        // Given a failing status store and the replay policy
        store.setMode(FaultMode.FAILING);
        String topic = kit.topic("store-down-replay", 1);
        String group = ItKit.unique("store-down-replay-group");
        List<NotificationRequest> requests = ItKit.requests("sdr", 40);
        kit.publish(topic, requests);
        kit.start(NotificationWorker.create(kit.config(topic, group)
                .offsetPolicy(OffsetPolicy.replayOnStatusFailure())
                .replayBackoff(Duration.ofMillis(300))
                .meterRegistry(registry).build(), processor().build()));

        // When the batch has been replayed at least once
        await().atMost(Duration.ofSeconds(30)).until(() ->
                requests.stream().allMatch(request -> kit.sendsOf(request.id()) >= 2));

        // Then no offset is committed while the store fails
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> kit.committed(group, topic).isEmpty());

        // When the store is healthy again, the replay re-sends the batch once more and then commits
        List<Long> sendsBefore = new ArrayList<>();
        requests.forEach(request -> sendsBefore.add(kit.sendsOf(request.id())));
        store.setMode(FaultMode.HEALTHY);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kit.committed(group, topic)).isEqualTo(Map.of(new TopicPartition(topic, 0), 40L)));
        for (int i = 0; i < requests.size(); i++) {
            assertThat(kit.sendsOf(requests.get(i).id())).isGreaterThan(sendsBefore.get(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> store.count(DeliveryStatus.DELIVERED) == 40);
        assertThat(registry.get(WorkerMetrics.REPLAYS).tag("group", group).counter().count())
                .isGreaterThanOrEqualTo(2);
        long sendsAtCommit = kit.deliveries.values().stream().mapToLong(d -> d.sends()).sum();
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() ->
                kit.deliveries.values().stream().mapToLong(d -> d.sends()).sum() == sendsAtCommit);
    }
}
