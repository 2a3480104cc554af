package dev.notify.cassandra;

import dev.notify.core.StatusUpdate;
import java.time.Instant;

/**
 * The write timestamps (microseconds since the epoch) that make status writes monotonic without lightweight
 * transactions.
 *
 * <ul>
 *   <li>PENDING is written at {@code createdAt}: every PENDING of a notification carries the same timestamp, so a
 *       replayed or late PENDING never wins over anything else.</li>
 *   <li>A final status is written at {@code max(eventTime, createdAt + 1 µs)}: always later than PENDING, so it wins
 *       over PENDING in whatever order the two arrive, and deletes the index entry that PENDING wrote.</li>
 *   <li>Between two different finals, the later event time wins, cell by cell as Cassandra reconciles; both write the
 *       same columns, so the row reads as the later one. At an equal event time Cassandra keeps the greater value of
 *       each cell, which is deterministic on every replica but may mix the two.</li>
 *   <li>The same write twice carries the same values at the same timestamp: the second changes nothing.</li>
 * </ul>
 *
 * <p>{@code createdAt} is taken at millisecond precision, as Cassandra stores it, so that an update rebuilt from a
 * stored record computes the same timestamps as the original.
 */
final class WriteTimestamps {

    private WriteTimestamps() {
    }

    /** The write timestamp of {@code update}. */
    static long of(StatusUpdate update) {
        return update.status().isFinal() ? finalTimestamp(update) : pendingTimestamp(update);
    }

    /** The timestamp of every PENDING write of the notification: its creation time. */
    static long pendingTimestamp(StatusUpdate update) {
        return createdMicros(update.createdAt());
    }

    /** The timestamp of a final write: its event time, but always at least one microsecond after PENDING's. */
    static long finalTimestamp(StatusUpdate update) {
        return Math.max(micros(update.eventTime()), createdMicros(update.createdAt()) + 1);
    }

    static long createdMicros(Instant createdAt) {
        return Math.multiplyExact(createdAt.toEpochMilli(), 1000L);
    }

    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000L);
    }
}
