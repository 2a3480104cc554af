package dev.notify.reconcile;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the reconciler may do its next item of work: not after a stop, not outside the off-peak window, not while
 * live load is at the stop level (it polls the signal until it falls); and, for a provider query, not before the
 * rate limiter's next permit, spaced further apart while live load is between the thresholds.
 *
 * <p>Used from the pass's thread only.
 */
final class Throttle {

    private static final Logger LOG = LoggerFactory.getLogger(Throttle.class);

    private final ReconcilerConfig config;
    private final LiveLoadSignal liveLoad;
    private final TimeSource time;
    private final QueryRateLimiter limiter;
    private final ReconcileMetrics metrics;
    private final AtomicBoolean stopRequested;
    private final String logPrefix;
    private boolean yielding;
    private long lastQueryNanos = Long.MIN_VALUE / 2;

    Throttle(ReconcilerConfig config, LiveLoadSignal liveLoad, TimeSource time, ReconcileMetrics metrics,
             AtomicBoolean stopRequested, String logPrefix) {
        this.config = config;
        this.liveLoad = liveLoad;
        this.time = time;
        this.limiter = new QueryRateLimiter(config.queriesPerSecond(), time);
        this.metrics = metrics;
        this.stopRequested = stopRequested;
        this.logPrefix = logPrefix;
    }

    boolean insideWindow() {
        OffPeakWindow window = config.offPeakWindow();
        return window == null || window.contains(time.now());
    }

    /**
     * Waits while live load is at the stop level.
     *
     * @return {@code null} to go on, else how the pass must end
     */
    RunSummary.Outcome awaitGo() {
        while (true) {
            if (stopRequested.get()) {
                return RunSummary.Outcome.STOPPED;
            }
            if (!insideWindow()) {
                return RunSummary.Outcome.OUTSIDE_WINDOW;
            }
            double factor = config.rateFactor(liveLoad.current());
            metrics.allowedRate(factor * config.queriesPerSecond());
            if (factor > 0) {
                if (yielding) {
                    yielding = false;
                    metrics.paused(false);
                    LOG.info("{} live load fell; resuming", logPrefix);
                }
                return null;
            }
            if (!yielding) {
                yielding = true;
                metrics.paused(true);
                LOG.info("{} live load at or above {}; yielding", logPrefix, config.liveLoadStopAt());
            }
            if (!sleep(config.loadPollInterval())) {
                return RunSummary.Outcome.STOPPED;
            }
        }
    }

    /**
     * Waits for the next query permit: the rate limiter's, and while live load is between the thresholds at least
     * {@code 1 / (rate * factor)} after the previous query.
     *
     * @return {@code null} to query, else how the pass must end
     */
    RunSummary.Outcome awaitQueryPermit() {
        while (true) {
            RunSummary.Outcome end = awaitGo();
            if (end != null) {
                return end;
            }
            double factor = config.rateFactor(liveLoad.current());
            long wait = limiter.reserve();
            if (factor > 0 && factor < 1) {
                long interval = (long) (1_000_000_000.0 / (config.queriesPerSecond() * factor));
                wait = Math.max(wait, lastQueryNanos + interval - time.nanoTime());
            }
            if (!sleep(Duration.ofNanos(Math.max(0, wait)))) {
                return RunSummary.Outcome.STOPPED;
            }
            if (config.rateFactor(liveLoad.current()) > 0) {
                lastQueryNanos = time.nanoTime();
                return null;
            }
        }
    }

    /** Sleeps on the time source; an interrupt stops the job. */
    private boolean sleep(Duration duration) {
        try {
            time.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested.set(true);
            return false;
        }
    }
}
