package dev.notify.reconcile;

import dev.notify.core.StatusUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link JournalIndex} in a map, bounded two ways:
 * <ul>
 *   <li>a time horizon: entries whose event time is older than {@code horizon} are not taken and are dropped as time
 *       goes on (the {@link KafkaJournalReader} also starts reading the topic at {@code now - horizon});</li>
 *   <li>a cap on entries: past {@code maxEntries} the oldest-taken entry is dropped and counted in {@link #evicted()}.</li>
 * </ul>
 * A dropped entry is only a lost shortcut for the stale PENDING path (the reconciler falls back to webhooks and
 * queries), but a dropped unconfirmed entry the store lacks altogether can no longer be repaired from here: size the
 * cap for the journal traffic of the longest store outage to be repaired within the horizon. An entry costs roughly
 * 250 to 400 bytes of heap (ids and reason strings included), so the default cap of
 * {@value #DEFAULT_MAX_ENTRIES} entries is about 60 to 100 MiB. Nothing survives a restart: the reader reads the
 * horizon again.
 *
 * <p>Thread-safe (one lock): the reader offers from its thread while the reconciler reads.
 */
public final class InMemoryJournalIndex implements JournalIndex {

    /** Default cap on entries: 250,000. */
    public static final int DEFAULT_MAX_ENTRIES = 250_000;
    /** Default horizon: 2 days. */
    public static final Duration DEFAULT_HORIZON = Duration.ofDays(2);

    private static final class Entry {
        final StatusUpdate update;
        boolean confirmed;

        Entry(StatusUpdate update) {
            this.update = update;
        }
    }

    private final int maxEntries;
    private final Duration horizon;
    private final TimeSource time;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private long evicted;

    /** A index with the default cap and horizon, on the system clock. */
    public InMemoryJournalIndex() {
        this(DEFAULT_MAX_ENTRIES, DEFAULT_HORIZON, TimeSource.system());
    }

    public InMemoryJournalIndex(int maxEntries, Duration horizon, TimeSource time) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        Objects.requireNonNull(horizon, "horizon");
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("horizon must be positive, was " + horizon);
        }
        this.maxEntries = maxEntries;
        this.horizon = horizon;
        this.time = Objects.requireNonNull(time, "time");
    }

    /** The horizon: how old an entry's event time may be. */
    public Duration horizon() {
        return horizon;
    }

    @Override
    public synchronized boolean offer(StatusUpdate update) {
        if (!update.status().isFinal()) {
            return false;
        }
        Instant oldest = time.now().minus(horizon);
        dropOlderThan(oldest);
        if (update.eventTime().isBefore(oldest)) {
            return false;
        }
        Entry held = entries.get(update.notificationId());
        if (held != null && !StatusOrder.wins(update, held.update)) {
            return false;
        }
        Entry entry = new Entry(update);
        entry.confirmed = held != null && held.confirmed && held.update.status() == update.status();
        entries.put(update.notificationId(), entry);
        while (entries.size() > maxEntries) {
            Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
            eldest.next();
            eldest.remove();
            evicted++;
        }
        return true;
    }

    private void dropOlderThan(Instant oldest) {
        // Entries are kept in the order taken, which is roughly event-time order; stop at the first young one.
        Iterator<Map.Entry<String, Entry>> iterator = entries.entrySet().iterator();
        while (iterator.hasNext()) {
            if (!iterator.next().getValue().update.eventTime().isBefore(oldest)) {
                return;
            }
            iterator.remove();
        }
    }

    @Override
    public synchronized Optional<StatusUpdate> find(String notificationId) {
        Entry entry = entries.get(notificationId);
        return entry == null ? Optional.empty() : Optional.of(entry.update);
    }

    @Override
    public synchronized List<StatusUpdate> unconfirmed(Instant eventBefore) {
        dropOlderThan(time.now().minus(horizon));
        List<StatusUpdate> result = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (!entry.confirmed && entry.update.eventTime().isBefore(eventBefore)) {
                result.add(entry.update);
            }
        }
        return result;
    }

    @Override
    public synchronized void confirm(String notificationId) {
        Entry entry = entries.get(notificationId);
        if (entry != null) {
            entry.confirmed = true;
        }
    }

    @Override
    public synchronized int size() {
        return entries.size();
    }

    /** Entries dropped because the cap was reached. */
    public synchronized long evicted() {
        return evicted;
    }

    @Override
    public String toString() {
        return "InMemoryJournalIndex{maxEntries=" + maxEntries + ", horizon=" + horizon + "}";
    }
}
