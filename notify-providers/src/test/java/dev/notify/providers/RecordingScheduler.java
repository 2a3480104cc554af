package dev.notify.providers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler for retry tests: records every delay asked for; a delay shorter than the threshold moves the test
 * clock forward by it and runs at once, longer ones (deadlines) run in real time.
 */
public final class RecordingScheduler extends ScheduledThreadPoolExecutor {

    private final TestClock clock;
    private final Duration threshold;
    private final List<Duration> delays = new CopyOnWriteArrayList<>();

    public RecordingScheduler(TestClock clock, Duration threshold) {
        super(1, runnable -> {
            Thread thread = new Thread(runnable, "recording-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        this.clock = clock;
        this.threshold = threshold;
        setRemoveOnCancelPolicy(true);
    }

    /** The delays shorter than the threshold, in the order asked for: the retry waits. */
    public List<Duration> shortDelays() {
        return delays.stream().filter(delay -> delay.compareTo(threshold) < 0).toList();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Duration asked = Duration.ofNanos(unit.toNanos(delay));
        delays.add(asked);
        if (asked.compareTo(threshold) < 0) {
            clock.advance(asked);
            return super.schedule(command, 0, TimeUnit.NANOSECONDS);
        }
        return super.schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Duration asked = Duration.ofNanos(unit.toNanos(delay));
        delays.add(asked);
        if (asked.compareTo(threshold) < 0) {
            clock.advance(asked);
            return super.schedule(callable, 0, TimeUnit.NANOSECONDS);
        }
        return super.schedule(callable, delay, unit);
    }
}
