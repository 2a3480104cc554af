package dev.notify.reconcile;

import dev.notify.core.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reconciler's meters, all named {@code notify.reconcile.*}:
 * <ul>
 *   <li>{@code stale.found} (counter): stale PENDING records taken on;</li>
 *   <li>{@code journal.missing} (counter): journal entries the store lacked or held PENDING;</li>
 *   <li>{@code resolved} (counter, tag {@code source} = journal, webhook, query): statuses written;</li>
 *   <li>{@code unresolved} (counter): records a pass left PENDING; {@code unresolved.failed} (counter): marked
 *       FAILED past the maximum age;</li>
 *   <li>{@code queries} (counter, tags {@code channel}, {@code outcome} = settled, unsettled, error): provider
 *       queries; {@code query.rate} (gauge): queries per second over the last 10 seconds;
 *       {@code query.rate.allowed} (gauge): the rate allowed now, after the live load factor;</li>
 *   <li>{@code backlog} (gauge): stale records of the running pass not handled yet;</li>
 *   <li>{@code paused} (gauge): 1 while the job yields to live load, else 0;</li>
 *   <li>{@code store.errors} (counter): status store reads and writes that failed.</li>
 * </ul>
 */
final class ReconcileMetrics {

    private static final String PREFIX = "notify.reconcile.";

    private final MeterRegistry registry;
    private final Counter staleFound;
    private final Counter journalMissing;
    private final Map<ResolutionSource, Counter> resolved = new EnumMap<>(ResolutionSource.class);
    private final Counter unresolved;
    private final Counter markedUnresolved;
    private final Counter storeErrors;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong paused = new AtomicLong();
    private final RateWindow queryRate;
    private volatile double allowedRate;
    private final java.util.List<Gauge> gauges = new java.util.ArrayList<>();

    ReconcileMetrics(MeterRegistry registry, TimeSource time, double queriesPerSecond) {
        this.registry = registry;
        this.staleFound = registry.counter(PREFIX + "stale.found");
        this.journalMissing = registry.counter(PREFIX + "journal.missing");
        for (ResolutionSource source : ResolutionSource.values()) {
            resolved.put(source, registry.counter(PREFIX + "resolved", "source", source.tag()));
        }
        this.unresolved = registry.counter(PREFIX + "unresolved");
        this.markedUnresolved = registry.counter(PREFIX + "unresolved.failed");
        this.storeErrors = registry.counter(PREFIX + "store.errors");
        this.queryRate = new RateWindow(time, 10);
        this.allowedRate = queriesPerSecond;
        gauges.add(Gauge.builder(PREFIX + "backlog", backlog, AtomicLong::get).register(registry));
        gauges.add(Gauge.builder(PREFIX + "paused", paused, AtomicLong::get).register(registry));
        gauges.add(Gauge.builder(PREFIX + "query.rate", queryRate, RateWindow::perSecond).register(registry));
        gauges.add(Gauge.builder(PREFIX + "query.rate.allowed", this, metrics -> metrics.allowedRate)
                .register(registry));
    }

    /**
     * Removes the gauges from the registry, so that a reconciler built later on the same registry shows its own
     * (a registry keeps the first gauge registered under a name).
     */
    void close() {
        gauges.forEach(registry::remove);
    }

    void staleFound(long count) {
        staleFound.increment(count);
    }

    void journalMissing() {
        journalMissing.increment();
    }

    void resolved(ResolutionSource source) {
        resolved.get(source).increment();
    }

    void unresolved() {
        unresolved.increment();
    }

    void markedUnresolved() {
        markedUnresolved.increment();
    }

    void storeError() {
        storeErrors.increment();
    }

    void query(Channel channel, String outcome) {
        registry.counter(PREFIX + "queries", "channel", channel == null ? "none" : channel.name(),
                "outcome", outcome).increment();
    }

    void queryStarted() {
        queryRate.record();
    }

    void backlog(long value) {
        backlog.set(value);
    }

    void backlogDone() {
        backlog.updateAndGet(value -> Math.max(0, value - 1));
    }

    void paused(boolean isPaused) {
        paused.set(isPaused ? 1 : 0);
    }

    void allowedRate(double rate) {
        this.allowedRate = rate;
    }

    /** Events per second over a sliding window of whole seconds, on the job's time source. */
    static final class RateWindow {
        private final TimeSource time;
        private final long[] counts;
        private final long[] seconds;

        RateWindow(TimeSource time, int windowSeconds) {
            this.time = time;
            this.counts = new long[windowSeconds];
            this.seconds = new long[windowSeconds];
            java.util.Arrays.fill(seconds, Long.MIN_VALUE);
        }

        synchronized void record() {
            long second = Math.floorDiv(time.nanoTime(), 1_000_000_000L);
            int slot = (int) Math.floorMod(second, (long) counts.length);
            if (seconds[slot] != second) {
                seconds[slot] = second;
                counts[slot] = 0;
            }
            counts[slot]++;
        }

        synchronized double perSecond() {
            long now = Math.floorDiv(time.nanoTime(), 1_000_000_000L);
            long total = 0;
            for (int slot = 0; slot < counts.length; slot++) {
                if (seconds[slot] > now - counts.length && seconds[slot] <= now) {
                    total += counts[slot];
                }
            }
            return (double) total / counts.length;
        }
    }
}
