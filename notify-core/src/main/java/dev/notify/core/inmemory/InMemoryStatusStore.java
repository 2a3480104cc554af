package dev.notify.core.inmemory;

import dev.notify.core.DeliveryStatus;
import dev.notify.core.StalePage;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link StatusStore} in a map, with the same ordering rule as the Cassandra store: each write carries a timestamp
 * (PENDING: its created-at, so a replayed PENDING never wins; a final status: its event time, at least just after
 * created-at), and the write with the higher timestamp wins. A final status is therefore never replaced by PENDING.
 *
 * <p>{@link #setMode(FaultMode)} makes it fail or hang; {@link #writesReceived()} counts the writes that reached it.
 */
public final class InMemoryStatusStore implements StatusStore {

    private final Map<String, Versioned> rows = new ConcurrentHashMap<>();
    private final FaultSwitch faults = new FaultSwitch("status store");
    private final AtomicLong writesReceived = new AtomicLong();

    private record Versioned(StatusRecord record, long timestampMicros) {
    }

    /** Makes every call succeed, fail or hang. Hanging calls run when the mode goes back to healthy. */
    public void setMode(FaultMode mode) {
        faults.set(mode);
    }

    /** Writes that reached this store, whatever became of them. */
    public long writesReceived() {
        return writesReceived.get();
    }

    /** Writes parked by the hanging mode. */
    public int hangingCalls() {
        return faults.parkedCalls();
    }

    @Override
    public CompletionStage<Void> record(StatusUpdate update) {
        writesReceived.incrementAndGet();
        return faults.call(() -> {
            apply(update);
            return null;
        });
    }

    /** Applies {@code update} directly, bypassing the fault switch (to set up a test). */
    public void apply(StatusUpdate update) {
        long timestamp = timestampMicros(update);
        Versioned candidate = new Versioned(StatusRecord.from(update), timestamp);
        rows.merge(update.notificationId(), candidate, (current, next) -> wins(next, current) ? next : current);
    }

    /**
     * The write timestamp of {@code update} in microseconds: created-at for PENDING, else the event time but at least
     * one microsecond after created-at.
     */
    public static long timestampMicros(StatusUpdate update) {
        long created = micros(update.createdAt());
        if (update.status() == DeliveryStatus.PENDING) {
            return created;
        }
        return Math.max(micros(update.eventTime()), created + 1);
    }

    private static boolean wins(Versioned next, Versioned current) {
        if (next.timestampMicros != current.timestampMicros) {
            return next.timestampMicros > current.timestampMicros;
        }
        return next.record.status().code() >= current.record.status().code();
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    @Override
    public CompletionStage<Optional<StatusRecord>> find(String notificationId) {
        return faults.call(() -> Optional.ofNullable(rows.get(notificationId)).map(Versioned::record));
    }

    /** The current record of {@code notificationId}, bypassing the fault switch. */
    public Optional<StatusRecord> get(String notificationId) {
        return Optional.ofNullable(rows.get(notificationId)).map(Versioned::record);
    }

    /** Every record, bypassing the fault switch. */
    public List<StatusRecord> all() {
        List<StatusRecord> all = new ArrayList<>();
        rows.values().forEach(versioned -> all.add(versioned.record));
        return all;
    }

    /** How many records have {@code status}. */
    public long count(DeliveryStatus status) {
        return rows.values().stream().filter(v -> v.record.status() == status).count();
    }

    @Override
    public CompletionStage<StalePage> findStalePending(Instant createdBefore, int pageSize, String cursor) {
        return faults.call(() -> {
            List<StatusRecord> stale = rows.values().stream()
                    .map(Versioned::record)
                    .filter(r -> r.status() == DeliveryStatus.PENDING && r.createdAt().isBefore(createdBefore))
                    .sorted(Comparator.comparing(StatusRecord::createdAt).thenComparing(StatusRecord::notificationId))
                    .toList();
            int from = cursor == null ? 0 : Integer.parseInt(cursor);
            int to = Math.min(stale.size(), from + pageSize);
            return new StalePage(stale.subList(Math.min(from, to), to), to < stale.size() ? String.valueOf(to) : null);
        });
    }
}
