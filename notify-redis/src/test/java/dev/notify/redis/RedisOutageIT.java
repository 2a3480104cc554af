package dev.notify.redis;

import static dev.notify.redis.Requests.sms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.BatchOutcome;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Disposition;
import dev.notify.core.NotificationRequest;
import dev.notify.core.StatusRecord;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stops in the middle of 5,000 notifications and comes back with its data: nothing whose preferences could
 * not be read is sent, nothing is lost or sent twice, nothing piles up in the heap, and the rest is delivered once
 * Redis answers again.
 */
class RedisOutageIT {

    private static final int USERS = 1_000;
    private static final int NOTIFICATIONS = 5_000;
    private static final int BATCH_SIZE = 250;
    private static final int REQUEST_QUEUE_SIZE = 2_000;
    private static final Duration BACKOFF = Duration.ofMillis(100);

    private LocalRedis redis;
    private RedisPreferenceStore store;
    private RedisDedupGuard guard;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService workerThread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void setUp() {
        redis = LocalRedis.started();
        RedisConfig config = RedisConfig.builder()
                .uri(redis.uri())
                .commandTimeout(Duration.ofSeconds(1))
                .maxReconnectDelay(Duration.ofMillis(200))
                .requestQueueSize(REQUEST_QUEUE_SIZE)
                // short, so that the outage outlasts the cache and lookups fail as well as claims
                .preferenceCacheTtl(Duration.ofMillis(200))
                .build();
        store = RedisPreferenceStore.create(config, registry);
        guard = (RedisDedupGuard) RedisDedupGuard.create(config, registry);
    }

    @AfterEach
    void tearDown() {
        workerThread.shutdownNow();
        try {
            if (store != null) {
                store.close();
            }
            if (guard != null) {
                guard.close();
            }
        } finally {
            redis.close();
        }
    }

    /** Mimics a worker on one partition: commits up to the first unhandled record and consumes again from there. */
    private final class Worker {
        final Deque<NotificationRequest> uncommitted;
        final BatchProcessor processor;
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger heldBatches = new AtomicInteger();
        final AtomicLong notAttempted = new AtomicLong();
        final AtomicInteger committed = new AtomicInteger();
        /** Once this many are committed, the worker waits for {@link #outageStarted} (so the outage hits mid-way). */
        final int stopAfter;
        final AtomicBoolean reachedStopPoint = new AtomicBoolean();
        final AtomicBoolean outageStarted = new AtomicBoolean();

        Worker(List<NotificationRequest> records, BatchProcessor processor, int stopAfter) {
            this.uncommitted = new ArrayDeque<>(records);
            this.processor = processor;
            this.stopAfter = stopAfter;
        }

        void run(Instant deadline) {
            while (!uncommitted.isEmpty() && Instant.now().isBefore(deadline)) {
                List<NotificationRequest> batch = new ArrayList<>(BATCH_SIZE);
                for (NotificationRequest request : uncommitted) {
                    if (batch.size() == BATCH_SIZE) {
                        break;
                    }
                    batch.add(request);
                }
                BatchOutcome outcome = processor.process(batch).join();
                batches.incrementAndGet();
                int handled = 0;
                while (handled < outcome.size() && outcome.handled(handled)) {
                    handled++;
                }
                for (int i = 0; i < handled; i++) {
                    uncommitted.removeFirst();
                }
                if (committed.addAndGet(handled) >= stopAfter && reachedStopPoint.compareAndSet(false, true)) {
                    await().atMost(Duration.ofSeconds(10)).until(outageStarted::get);
                }
                int held = outcome.count(Disposition.NOT_ATTEMPTED);
                if (held > 0) {
                    notAttempted.addAndGet(held);
                    heldBatches.incrementAndGet();
                    backOffUntilRedisAnswers();
                }
            }
        }

        private void backOffUntilRedisAnswers() {
            try {
                await().atMost(BACKOFF).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                        .until(() -> store.isConnected() && guard.isConnected());
            } catch (ConditionTimeoutException stillDown) {
                // still down: consume again, the batch path holds the records once more
            }
        }
    }

    @Test
    void should_hold_then_deliver_every_notification_exactly_once_when_redis_stops_in_the_middle() throws Exception {
        // Given: 1,000 users; every tenth opted out of SMS, and every tenth (other) one's number blocked (STOP)
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            if (u % 10 == 0) {
                writes.add(store.optOut(user(u), Channel.SMS).toCompletableFuture());
            } else if (u % 10 == 1) {
                writes.add(store.blockRecipient(user(u), number(u), null, "twilio:21610").toCompletableFuture());
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        Instant now = Instant.now();
        List<NotificationRequest> records = new ArrayList<>(NOTIFICATIONS);
        for (int n = 0; n < NOTIFICATIONS; n++) {
            int u = n % USERS;
            records.add(sms("n-" + n, user(u), number(u), now));
        }
        InMemoryDelivery smsDelivery = new InMemoryDelivery(Channel.SMS);
        InMemoryStatusStore statuses = new InMemoryStatusStore();
        BatchProcessor processor = BatchProcessor.builder()
                .delivery(smsDelivery)
                .statusStore(statuses)
                .preferences(store)
                .dedup(guard)
                .build();
        Worker worker = new Worker(records, processor, 1_500);
        long heapBefore = usedHeapAfterGc();

        // When: Redis stops once 1,500 are committed, and comes back after the worker was held 20 times
        CompletableFuture<Void> run = CompletableFuture.runAsync(
                () -> worker.run(Instant.now().plus(Duration.ofSeconds(90))), workerThread);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.reachedStopPoint.get() || run.isDone());
        assertThat(run).as("the worker still runs").isNotDone();
        redis.snapshotAndStop();
        int committedAtStop = worker.committed.get();
        worker.outageStarted.set(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.heldBatches.get() >= 20 || run.isDone());
        assertThat(run).as("the worker still runs").isNotDone();
        int committedDuringOutage = worker.committed.get() - committedAtStop;
        long heapDuringOutage = usedHeapAfterGc();
        int awaitedDuringOutage = store.awaitedCommands() + guard.awaitedCommands();
        Throwable whileDown = store.lookup(List.of("nobody")).toCompletableFuture().handle((ok, e) -> e).join();
        redis.start();
        run.get(60, java.util.concurrent.TimeUnit.SECONDS);

        // Then: the outage was seen and held the partition
        assertThat(worker.uncommitted).isEmpty();
        assertThat(worker.notAttempted.get()).isGreaterThanOrEqualTo(20L * BATCH_SIZE - 20L * BATCH_SIZE / 5);
        assertThat(committedDuringOutage).as("committed while Redis was down").isLessThan(BATCH_SIZE);
        assertThat(registry.get("notify.redis.lookup.failures").counter().count()).isGreaterThan(0);
        // nothing to an opted-out user or a blocked number, everything else exactly once, nothing lost
        int sent = 0;
        int suppressed = 0;
        for (int n = 0; n < NOTIFICATIONS; n++) {
            String id = "n-" + n;
            int u = n % USERS;
            StatusRecord status = statuses.get(id).orElseThrow(() -> new AssertionError("no status for " + id));
            if (u % 10 == 0 || u % 10 == 1) {
                assertThat(smsDelivery.sendsOf(id)).as(id).isZero();
                assertThat(status.status()).as(id).isEqualTo(DeliveryStatus.SUPPRESSED);
                assertThat(status.reason()).as(id).isEqualTo(u % 10 == 0 ? "opted-out:SMS" : "opted-out:recipient");
                suppressed++;
            } else {
                assertThat(smsDelivery.sendsOf(id)).as(id).isEqualTo(1);
                assertThat(status.status()).as(id).isEqualTo(DeliveryStatus.DELIVERED);
                sent++;
            }
        }
        assertThat(sent).isEqualTo(4_000);
        assertThat(suppressed).isEqualTo(1_000);
        assertThat(smsDelivery.sends()).isEqualTo(4_000);
        assertThat(smsDelivery.duplicateSends()).isZero();
        // bounded: commands are rejected while disconnected, never queued
        assertThat(whileDown).hasMessageContaining("Commands are rejected");
        assertThat(awaitedDuringOutage).isLessThanOrEqualTo(REQUEST_QUEUE_SIZE);
        assertThat(store.mostAwaitedCommands()).isLessThanOrEqualTo(REQUEST_QUEUE_SIZE);
        assertThat(guard.mostAwaitedCommands()).isLessThanOrEqualTo(REQUEST_QUEUE_SIZE);
        assertThat(heapDuringOutage - heapBefore).as("heap growth during the outage, bytes")
                .isLessThan(32L * 1024 * 1024);
        assertThat(store.awaitedCommands() + guard.awaitedCommands()).isZero();
        processor.close();
    }

    @Test
    void should_refuse_commands_beyond_the_request_queue_bound_while_redis_stalls() {
        // Given: a store whose connection takes at most 100 commands; Redis stalls (CLIENT PAUSE) for 2 s
        RedisConfig small = RedisConfig.builder().uri(redis.uri()).requestQueueSize(100)
                .commandTimeout(Duration.ofMillis(1_500)).preferenceCacheTtl(Duration.ZERO).build();
        try (RedisPreferenceStore bounded = RedisPreferenceStore.create(small, registry);
             LocalRedis.Admin admin = new LocalRedis.Admin(redis.uri())) {
            admin.commands().clientPause(2_000);
            List<String> first = new ArrayList<>();
            List<String> second = new ArrayList<>();
            for (int u = 0; u < 80; u++) {
                first.add(user(u));
                second.add(user(1_000 + u));
            }

            // When: 80 lookups wait for the stalled server, and 80 more are asked for
            CompletableFuture<?> waiting = bounded.lookup(first).toCompletableFuture();
            int awaitedWhileStalled = bounded.awaitedCommands();
            long begin = System.nanoTime();
            CompletableFuture<?> refused = bounded.lookup(second).toCompletableFuture();
            Throwable refusal = refused.handle((ok, error) -> error).join();
            Duration refusedAfter = Duration.ofNanos(System.nanoTime() - begin);
            boolean firstStillWaiting = !waiting.isDone();

            // Then: the second is refused at once instead of queued; the first fails at its deadline
            assertThat(awaitedWhileStalled).isEqualTo(80);
            // Lettuce checks the bound when the command is dispatched, and again on its event loop
            assertThat(refusal).isNotNull().hasMessageMatching(".*(Request queue|Internal stack) size exceeded.*");
            assertThat(refusedAfter).isLessThan(Duration.ofSeconds(1));
            assertThat(firstStillWaiting).as("refused while the first still waits: not queued behind it").isTrue();
            assertThat(waiting.handle((ok, error) -> error).join()).isNotNull();
            assertThat(bounded.mostAwaitedCommands()).isLessThanOrEqualTo(160);
            await().atMost(Duration.ofSeconds(5)).until(() -> bounded.awaitedCommands() == 0);
            // once Redis answers again (and Lettuce's stack drained), lookups succeed
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                    assertThat(bounded.lookup(List.of(user(1))).toCompletableFuture().join()).hasSize(1));
        }
    }

    private static String user(int u) {
        return "user-" + u;
    }

    private static String number(int u) {
        return "+1555" + String.format("%07d", u);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

}
