package dev.notify.reconcile;

import dev.notify.core.DeliveryStatus;
import dev.notify.core.StatusUpdate;
import java.time.Instant;

/**
 * The ordering rule of the status stores, applied locally: a write's timestamp is created-at for PENDING and the
 * event time, at least one microsecond after created-at, for a final status; the higher timestamp wins, ties going to
 * the higher status code.
 */
final class StatusOrder {

    private StatusOrder() {
    }

    static long timestampMicros(StatusUpdate update) {
        long created = micros(update.createdAt());
        if (update.status() == DeliveryStatus.PENDING) {
            return created;
        }
        return Math.max(micros(update.eventTime()), created + 1);
    }

    /** Whether {@code candidate} wins over {@code current}, as a store would decide. */
    static boolean wins(StatusUpdate candidate, StatusUpdate current) {
        long next = timestampMicros(candidate);
        long held = timestampMicros(current);
        if (next != held) {
            return next > held;
        }
        return candidate.status().code() > current.status().code();
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
