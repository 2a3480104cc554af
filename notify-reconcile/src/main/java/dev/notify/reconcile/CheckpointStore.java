package dev.notify.reconcile;

import java.util.Optional;

/**
 * Keeps what the reconciler learnt from provider queries, so that a restarted job (or the next pass) does not query
 * again what it already asked: a settled answer is written to the status store from here, an unsettled one is not
 * asked again before the re-query interval.
 *
 * <p>Each instance of a sharded job ({@link InstanceShard}) keeps its own checkpoint: the ids of different instances
 * never overlap. Implementations: {@link InMemoryCheckpointStore} (tests, or a job that may re-query after a restart)
 * and {@link FileCheckpointStore} (durable).
 */
public interface CheckpointStore extends AutoCloseable {

    /** What is known of {@code notificationId}. */
    Optional<CheckpointEntry> find(String notificationId);

    /** Keeps {@code entry}, replacing any entry of the same id; durable once this returns. */
    void save(CheckpointEntry entry);

    @Override
    default void close() {
    }
}
