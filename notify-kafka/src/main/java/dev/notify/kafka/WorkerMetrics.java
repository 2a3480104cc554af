package dev.notify.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;

/** The meters of one worker. Lag gauges are per partition and exist while the partition is assigned. */
final class WorkerMetrics {

    static final String LAG = "notify.kafka.consumer.lag";
    static final String RECORDS = "notify.kafka.records";
    static final String DEAD_LETTERS = "notify.kafka.dead_letters";
    static final String POLL_TO_COMMIT = "notify.kafka.batch.poll_to_commit";
    static final String REPLAYS = "notify.kafka.replays";
    static final String COMMIT_FAILURES = "notify.kafka.commit.failures";
    static final String REBALANCE = "notify.kafka.rebalance.partitions";
    static final String ABANDONED = "notify.kafka.batches.abandoned";
    static final String POLL_FAILURES = "notify.kafka.poll.failures";

    private final MeterRegistry registry;
    private final String group;
    private final String worker;
    private final Counter records;
    private final Timer pollToCommit;
    private final Counter replays;
    private final Counter commitFailures;
    private final Counter assigned;
    private final Counter revoked;
    private final Counter lost;
    private final Counter abandoned;
    private final Counter pollFailures;
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Lag> lags = new ConcurrentHashMap<>();

    private record Lag(AtomicLong value, Gauge gauge) {
    }

    WorkerMetrics(MeterRegistry registry, String group, String worker) {
        this.registry = registry;
        this.group = group;
        this.worker = worker;
        this.records = Counter.builder(RECORDS).description("Records consumed")
                .tag("group", group).register(registry);
        this.pollToCommit = Timer.builder(POLL_TO_COMMIT)
                .description("Time from the poll that returned a batch to the commit (or replay) of its offsets")
                .tag("group", group).register(registry);
        this.replays = Counter.builder(REPLAYS).description("Batches or partitions sought back to be consumed again")
                .tag("group", group).register(registry);
        this.commitFailures = Counter.builder(COMMIT_FAILURES).description("Offset commits that failed")
                .tag("group", group).register(registry);
        this.assigned = rebalance("assigned");
        this.revoked = rebalance("revoked");
        this.lost = rebalance("lost");
        this.abandoned = Counter.builder(ABANDONED)
                .description("In-flight batches abandoned at shutdown without committing")
                .tag("group", group).register(registry);
        this.pollFailures = Counter.builder(POLL_FAILURES).description("Polls that failed and were retried")
                .tag("group", group).register(registry);
    }

    private Counter rebalance(String event) {
        return Counter.builder(REBALANCE).description("Partitions assigned, revoked or lost")
                .tag("group", group).tag("worker", worker).tag("event", event).register(registry);
    }

    void consumed(int count) {
        records.increment(count);
    }

    void deadLettered(String reasonCode) {
        deadLetters.computeIfAbsent(reasonCode, code -> Counter.builder(DEAD_LETTERS)
                .description("Invalid records sent to the dead-letter topic, by reason")
                .tag("group", group).tag("reason", code).register(registry)).increment();
    }

    Timer pollToCommit() {
        return pollToCommit;
    }

    void replayed() {
        replays.increment();
    }

    void commitFailed() {
        commitFailures.increment();
    }

    void pollFailed() {
        pollFailures.increment();
    }

    void abandoned() {
        abandoned.increment();
    }

    void assigned(TopicPartition partition) {
        assigned.increment();
        lags.computeIfAbsent(partition, tp -> {
            AtomicLong value = new AtomicLong();
            Gauge gauge = Gauge.builder(LAG, value, AtomicLong::get)
                    .description("Records in the partition not yet processed and committed")
                    .tag("group", group).tag("worker", worker)
                    .tag("topic", tp.topic()).tag("partition", Integer.toString(tp.partition()))
                    .register(registry);
            return new Lag(value, gauge);
        });
    }

    void revoked(TopicPartition partition, boolean wasLost) {
        (wasLost ? lost : revoked).increment();
        Lag lag = lags.remove(partition);
        if (lag != null) {
            registry.remove(lag.gauge());
        }
    }

    void lag(TopicPartition partition, long value) {
        Lag lag = lags.get(partition);
        if (lag != null) {
            lag.value().set(Math.max(0, value));
        }
    }

    void removeAll() {
        for (TopicPartition partition : lags.keySet()) {
            Lag lag = lags.remove(partition);
            if (lag != null) {
                registry.remove(lag.gauge());
            }
        }
    }

    long revokedCount() {
        return (long) revoked.count();
    }

    long lostCount() {
        return (long) lost.count();
    }

    long assignedCount() {
        return (long) assigned.count();
    }
}
