package dev.notify.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Where the reconciliation job reads time and how it waits. Injected so that thresholds, the off-peak window and the
 * query rate can be tested by moving time by hand instead of sleeping: a test's time source advances its clock when
 * asked to sleep.
 */
public interface TimeSource {

    /** The wall-clock time: stale thresholds, event times, the off-peak window. */
    Instant now();

    /** A monotonic reading in nanoseconds, for the rate limiter. */
    long nanoTime();

    /** Waits for {@code duration} (nothing for zero or negative). */
    void sleep(Duration duration) throws InterruptedException;

    /** The system clock (UTC), {@link System#nanoTime()} and {@link Thread#sleep(long, int)}. */
    static TimeSource system() {
        return of(Clock.systemUTC());
    }

    /** Wall-clock time from {@code clock}; monotonic time and waits from the system. */
    static TimeSource of(Clock clock) {
        return new TimeSource() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                long nanos = duration.toNanos();
                if (nanos > 0) {
                    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
                }
            }

            @Override
            public String toString() {
                return "TimeSource.of(" + clock + ")";
            }
        };
    }
}
