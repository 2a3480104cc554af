package dev.notify.reconcile;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;

/**
 * Paces provider queries with Resilience4j's {@link AtomicRateLimiter}, reading time from the job's
 * {@link TimeSource} (Resilience4j's {@code AtomicRateLimiter} accepts a nano-time supplier, so the rate is measurable
 * on a test's clock). A permit is reserved without blocking; the job then waits through its time source. The rate
 * is spread evenly: about one permit per {@code 1/rate} (several per 10 ms period above 100 per second) rather than a
 * burst at the start of each second.
 */
final class QueryRateLimiter {

    private final RateLimiter limiter;
    private final double perSecond;

    QueryRateLimiter(double perSecond, TimeSource time) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("perSecond must be positive and finite, was " + perSecond);
        }
        this.perSecond = perSecond;
        int perPeriod = (int) Math.max(1, Math.round(perSecond / 100.0));
        long periodNanos = Math.max(1_000L, Math.round(perPeriod * 1_000_000_000.0 / perSecond));
        Duration period = Duration.ofNanos(periodNanos);
        RateLimiterConfig config = RateLimiterConfig.custom()
                .limitForPeriod(perPeriod)
                .limitRefreshPeriod(period)
                // Reservations are made one at a time, so a wait never exceeds a period or two.
                .timeoutDuration(period.multipliedBy(4).plusSeconds(1))
                .build();
        this.limiter = new AtomicRateLimiter("notify-reconcile-queries", config, time::nanoTime);
    }

    /** Reserves one permit; returns how many nanoseconds to wait before using it. */
    long reserve() {
        long wait = limiter.reservePermission(1);
        if (wait < 0) {
            // Cannot happen with one reservation at a time; wait a full second rather than overrun the rate.
            return 1_000_000_000L;
        }
        return wait;
    }

    /** The configured rate, per second. */
    double perSecond() {
        return perSecond;
    }
}
