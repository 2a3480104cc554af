package dev.notify.reconcile;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link CheckpointStore} in a map: survives a stop and restart of the job in one JVM, not of the JVM. */
public final class InMemoryCheckpointStore implements CheckpointStore {

    private final Map<String, CheckpointEntry> entries = new ConcurrentHashMap<>();
    private final AtomicLong saves = new AtomicLong();

    @Override
    public Optional<CheckpointEntry> find(String notificationId) {
        return Optional.ofNullable(entries.get(notificationId));
    }

    @Override
    public void save(CheckpointEntry entry) {
        saves.incrementAndGet();
        entries.put(entry.notificationId(), entry);
    }

    /** Ids held. */
    public int size() {
        return entries.size();
    }

    /** Saves so far. */
    public long saves() {
        return saves.get();
    }
}
