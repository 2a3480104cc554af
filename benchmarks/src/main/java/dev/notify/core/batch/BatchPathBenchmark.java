package dev.notify.core.batch;

import dev.notify.core.BatchOutcome;
import dev.notify.core.Channel;
import dev.notify.core.DedupGuard;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.Disposition;
import dev.notify.core.NotificationRequest;
import dev.notify.core.PreferenceStore;
import dev.notify.core.Preferences;
import dev.notify.core.Priority;
import dev.notify.core.QuietHours;
import dev.notify.core.StalePage;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import dev.notify.core.inmemory.FaultMode;
import dev.notify.core.inmemory.InMemoryDedupGuard;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.core.inmemory.InMemoryPreferenceStore;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The batch path ({@link BatchProcessor#process}) with the in-memory adapters: preferences, dedup claim, sends through
 * two accepting {@link InMemoryDelivery}s, and a status write per notification through the {@link GuardedStatusStore}.
 *
 * <p>Two methods measure the same work: {@code throughput} in notifications per second, {@code timePerNotification}
 * in nanoseconds per notification. Each invocation processes {@value #NOTIFICATIONS_PER_INVOCATION} notifications as {@code 10,000 / batchSize}
 * batches, one after the other, each awaited; with {@link OperationsPerInvocation} the scores are per notification.
 * JMH cannot take
 * {@code @OperationsPerInvocation} from a {@code @Param}, hence the fixed number of notifications per invocation.
 *
 * <p>{@code store}: {@code HEALTHY}; {@code FAILING}, every write fails at once; {@code HANGING}, every write hangs
 * until it times out. For the two faulty modes, {@link #setUp()} drives batches until the breaker is open, and the
 * breaker's open state lasts an hour, so that every measured iteration runs with the breaker open ("store down"): the
 * steady state an outage lasting longer than a few seconds is in. The half-open probe windows (every 2 s with the
 * default configuration) are not part of this figure; {@code -p openWait=PT2S -p writeTimeout=PT1S} measures them.
 *
 * <p>{@code dedup}: {@code none} ({@link DedupGuard#NONE}) or {@code in-memory} ({@link InMemoryDedupGuard}; its claims
 * are released after each invocation, outside the measurement, so that the same ids are sent again next time).
 * {@code preferences}: {@code none} ({@link PreferenceStore#NONE}) or {@code in-memory} (every user has preferences: an
 * opt-out of a channel not used here, a blocked address, and quiet hours that do not cover the run, so every
 * notification is still sent).
 */
@State(Scope.Thread)
@OperationsPerInvocation(BatchPathBenchmark.NOTIFICATIONS_PER_INVOCATION)
public class BatchPathBenchmark {

    /** Notifications processed by one invocation, whatever the batch size. */
    static final int NOTIFICATIONS_PER_INVOCATION = 10_000;
    /** Sets of distinct ids used in turn, so that the stores' maps are not all in the cache at once. */
    private static final int ID_SETS = 4;
    private static final Instant CREATED = Instant.parse("2026-12-01T00:00:00Z");

    @Param({"100", "1000", "10000"})
    public int batchSize;

    @Param({"HEALTHY", "FAILING", "HANGING"})
    public FaultMode store;

    @Param({"none", "in-memory"})
    public String dedup;

    @Param({"none", "in-memory"})
    public String preferences;

    /**
     * How long the breaker stays open before it lets probe writes through. An hour keeps it open for the whole run;
     * {@code -p openWait=PT2S} (the default of {@link StatusGuardConfig}) includes the half-open probe windows.
     */
    @Param({"PT1H"})
    public String openWait;

    /**
     * {@code in-memory}: {@link InMemoryDelivery} and {@link InMemoryStatusStore}. {@code no-op} ({@code -p
     * adapters=no-op}, HEALTHY only): a delivery and a store that answer with one completed future each, to measure
     * the batch path without the fakes' own cost.
     */
    @Param({"in-memory"})
    public String adapters;

    /** {@link BatchProcessor.Builder#awaitStatusWrites}; {@code -p awaitStatusWrites=false} lets batches end first. */
    @Param({"true"})
    public boolean awaitStatusWrites;

    /** The status write timeout; {@code -p writeTimeout=PT1S} is the default of {@link StatusGuardConfig}. */
    @Param({"PT0.1S"})
    public String writeTimeout;

    private BatchProcessor processor;
    private InMemoryStatusStore statusStore;
    private InMemoryDedupGuard dedupGuard;
    /** [id set][batch] */
    private List<NotificationRequest>[][] batches;
    private int nextSet;
    private int lastSet;

    @Setup(Level.Trial)
    public void setUp() {
        if (NOTIFICATIONS_PER_INVOCATION % batchSize != 0) {
            throw new IllegalArgumentException("batchSize must divide " + NOTIFICATIONS_PER_INVOCATION);
        }
        statusStore = new InMemoryStatusStore();
        boolean noOp = adapters.equals("no-op");
        if (noOp && store != FaultMode.HEALTHY) {
            throw new IllegalArgumentException("adapters=no-op has no fault modes; use store=HEALTHY");
        } else if (!noOp && !adapters.equals("in-memory")) {
            throw new IllegalArgumentException("adapters: in-memory or no-op, was " + adapters);
        }
        BatchProcessor.Builder builder = BatchProcessor.builder()
                .statusStore(noOp ? new NoOpStatusStore() : statusStore)
                .statusGuard(StatusGuardConfig.custom()
                        .writeTimeout(Duration.parse(writeTimeout))
                        .waitDurationInOpenState(Duration.parse(openWait))
                        .build())
                .awaitStatusWrites(awaitStatusWrites);
        for (Channel channel : List.of(Channel.APNS, Channel.FCM)) {
            builder.delivery(noOp ? new NoOpDelivery(channel) : new InMemoryDelivery(channel));
        }
        if (dedup.equals("in-memory")) {
            dedupGuard = new InMemoryDedupGuard();
            builder.dedup(dedupGuard);
        } else if (!dedup.equals("none")) {
            throw new IllegalArgumentException("dedup: none or in-memory, was " + dedup);
        }
        int usersPerBatch = Math.max(1, batchSize / 2);
        if (preferences.equals("in-memory")) {
            InMemoryPreferenceStore store = new InMemoryPreferenceStore();
            Preferences each = preferencesThatSendEverything();
            for (int set = 0; set < ID_SETS; set++) {
                for (int batch = 0; batch < NOTIFICATIONS_PER_INVOCATION / batchSize; batch++) {
                    for (int user = 0; user < usersPerBatch; user++) {
                        store.put(userId(set, batch, user), each);
                    }
                }
            }
            builder.preferences(store);
        } else if (!preferences.equals("none")) {
            throw new IllegalArgumentException("preferences: none or in-memory, was " + preferences);
        }
        processor = builder.build();
        batches = buildBatches(usersPerBatch);

        if (store != FaultMode.HEALTHY) {
            statusStore.setMode(store);
            openBreaker();
        }
    }

    @SuppressWarnings("unchecked")
    private List<NotificationRequest>[][] buildBatches(int usersPerBatch) {
        int perSet = NOTIFICATIONS_PER_INVOCATION / batchSize;
        List<NotificationRequest>[][] all = new List[ID_SETS][perSet];
        for (int set = 0; set < ID_SETS; set++) {
            for (int batch = 0; batch < perSet; batch++) {
                all[set][batch] = batch("s" + set + "-b" + batch + "-", set, batch, usersPerBatch);
            }
        }
        return all;
    }

    private List<NotificationRequest> batch(String idPrefix, int set, int batchIndex, int usersPerBatch) {
        List<NotificationRequest> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            boolean apns = (i & 1) == 0;
            batch.add(new NotificationRequest(idPrefix + i, userId(set, batchIndex, i % usersPerBatch),
                    apns ? Channel.APNS : Channel.FCM,
                    apns ? "6f03675a1600a35a099950d836f675cc81e74ef5e8e25d940ed904759531985d"
                            : "fYgCfrL1spNxnyVmihA_2O76UMFxFkM",
                    "Your code", "123456 is your code", Map.of("kind", "otp"), Priority.HIGH, CREATED, null, null));
        }
        return batch;
    }

    /** Accepts every send with the same completed answer. */
    private static final class NoOpDelivery implements Delivery {
        private final Channel channel;
        private final CompletableFuture<DeliveryResult> accepted =
                CompletableFuture.completedFuture(new DeliveryResult.Accepted("no-op", CREATED));

        NoOpDelivery(Channel channel) {
            this.channel = channel;
        }

        @Override
        public Channel channel() {
            return channel;
        }

        @Override
        public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
            return accepted;
        }
    }

    /** Takes every write with the same completed answer and keeps nothing. */
    private static final class NoOpStatusStore implements StatusStore {
        private final CompletableFuture<Void> written = CompletableFuture.completedFuture(null);

        @Override
        public CompletionStage<Void> record(StatusUpdate update) {
            return written;
        }

        @Override
        public CompletionStage<Optional<StatusRecord>> find(String notificationId) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<StalePage> findStalePending(Instant createdBefore, int pageSize, String cursor) {
            return CompletableFuture.completedFuture(new StalePage(List.of(), null));
        }
    }

    private static String userId(int set, int batch, int user) {
        return "u-" + set + "-" + batch + "-" + user;
    }

    /** Opt-out of email, a blocked address, and quiet hours six hours away: restrictions to check, none that apply. */
    private static Preferences preferencesThatSendEverything() {
        ZoneId zone = ZoneId.of("Europe/Paris");
        ZonedDateTime now = ZonedDateTime.now(zone);
        return new Preferences(Set.of(Channel.EMAIL), Set.of("blocked@example.com"),
                new QuietHours(now.plusHours(6).toLocalTime(), now.plusHours(7).toLocalTime(), zone));
    }

    /** Processes warm-up batches (ids of their own) until the status store's breaker is open. */
    private void openBreaker() {
        // Writes to a hanging store fail only at their timeout, which a batch need not await.
        long deadline = System.nanoTime() + Duration.parse(writeTimeout).multipliedBy(20).plusSeconds(5).toNanos();
        for (int round = 0; processor.statusStore().breakerState() != CircuitBreaker.State.OPEN; round++) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the breaker did not open; state "
                        + processor.statusStore().breakerState());
            }
            processor.process(batch("warm" + round + "-", 0, 0, 1)).join();
            if (!awaitStatusWrites) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while opening the breaker", interrupted);
                }
            }
        }
    }

    /**
     * The benchmark thread's own CPU time, beside JMH's wall-clock score: on a machine shared with other work, the
     * wall clock also counts the time the thread waited for a core, CPU time does not. Both are totals per iteration;
     * {@code cpuNanos / notifications} is the CPU cost of one notification (GC threads' work not included).
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class CpuTime {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        public long cpuNanos;
        public long notifications;

        @Setup(Level.Iteration)
        public void reset() {
            cpuNanos = 0;
            notifications = 0;
        }

        static long now() {
            return THREADS.getCurrentThreadCpuTime();
        }
    }

    /** Notifications per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int throughput(CpuTime cpu) {
        return processOneSet(cpu);
    }

    /** Nanoseconds per notification. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int timePerNotification(CpuTime cpu) {
        return processOneSet(cpu);
    }

    private int processOneSet(CpuTime cpu) {
        long cpuStart = CpuTime.now();
        List<NotificationRequest>[] set = batches[nextSet];
        lastSet = nextSet;
        nextSet = (nextSet + 1) % ID_SETS;
        int statusWriteFailures = 0;
        for (List<NotificationRequest> batch : set) {
            statusWriteFailures += processor.process(batch).join().statusWriteFailures();
        }
        cpu.cpuNanos += CpuTime.now() - cpuStart;
        cpu.notifications += NOTIFICATIONS_PER_INVOCATION;
        return statusWriteFailures;
    }

    /** Gives back the claims of the set just sent, so that it can be sent again; not measured. */
    @TearDown(Level.Invocation)
    public void releaseClaims() {
        if (dedupGuard == null) {
            return;
        }
        for (List<NotificationRequest> batch : batches[lastSet]) {
            for (NotificationRequest request : batch) {
                dedupGuard.release(request.id());
            }
        }
    }

    /** Fails the run if the figures would not mean what they claim: nothing sent, or the breaker not in the state. */
    @TearDown(Level.Trial)
    public void check() {
        BatchOutcome last = processor.process(batches[0][0]).join();
        if (dedupGuard != null) {
            releaseClaimsOf(batches[0][0]);
        }
        if (last.count(Disposition.DELIVERED) != batchSize) {
            throw new IllegalStateException("expected every notification delivered, got " + last.counts());
        }
        CircuitBreaker.State state = processor.statusStore().breakerState();
        boolean probing = Duration.parse(openWait).compareTo(Duration.ofMinutes(10)) < 0;
        if (store == FaultMode.HEALTHY ? state != CircuitBreaker.State.CLOSED
                : state != CircuitBreaker.State.OPEN && !(probing && state == CircuitBreaker.State.HALF_OPEN)) {
            throw new IllegalStateException("breaker " + state + " with the store " + store);
        }
        if (store == FaultMode.HEALTHY && last.statusWriteFailures() != 0
                || store != FaultMode.HEALTHY && awaitStatusWrites && last.statusWriteFailures() != batchSize) {
            throw new IllegalStateException("unexpected status write failures: " + last.statusWriteFailures());
        }
        processor.close();
    }

    private void releaseClaimsOf(List<NotificationRequest> batch) {
        for (NotificationRequest request : batch) {
            dedupGuard.release(request.id());
        }
    }
}
