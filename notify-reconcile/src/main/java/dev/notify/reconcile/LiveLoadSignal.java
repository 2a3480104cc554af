package dev.notify.reconcile;

import java.util.function.DoubleSupplier;

/**
 * How busy live traffic is right now, in whatever unit the operator picks (sends in flight, consumer lag in records,
 * a CPU share). The reconciler compares it with {@link ReconcilerConfig#liveLoadSlowdownAt()} and
 * {@link ReconcilerConfig#liveLoadStopAt()}: at or below the first it runs at full rate, between the two its query
 * rate falls linearly, at or above the second it stops and polls the signal until it falls again.
 *
 * <p>Read once per item of work, from the reconciler's thread: keep it cheap and never blocking.
 */
@FunctionalInterface
public interface LiveLoadSignal {

    /** A signal that always reads zero: the reconciler never yields. */
    LiveLoadSignal NONE = () -> 0.0;

    /** The current load. */
    double current();

    /** A signal read from {@code supplier}. */
    static LiveLoadSignal of(DoubleSupplier supplier) {
        return supplier::getAsDouble;
    }
}
