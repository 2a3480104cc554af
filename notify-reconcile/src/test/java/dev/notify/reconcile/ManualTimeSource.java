package dev.notify.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A time source moved by hand: sleeping advances it by the time asked, at once. */
final class ManualTimeSource implements TimeSource {

    private final Instant start;
    private final AtomicLong elapsedNanos = new AtomicLong();

    ManualTimeSource(Instant start) {
        this.start = start;
    }

    @Override
    public Instant now() {
        return start.plusNanos(elapsedNanos.get());
    }

    @Override
    public long nanoTime() {
        return elapsedNanos.get();
    }

    @Override
    public void sleep(Duration duration) {
        if (!duration.isNegative()) {
            elapsedNanos.addAndGet(duration.toNanos());
        }
    }

    void advance(Duration duration) {
        elapsedNanos.addAndGet(duration.toNanos());
    }

    /** Seconds since the start, as a double. */
    double elapsedSeconds() {
        return elapsedNanos.get() / 1e9;
    }
}
