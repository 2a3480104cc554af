package dev.notify.core;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Stops a notification from being sent twice when its record is consumed again (after a crash, a rebalance or a
 * replay): each id is claimed before it is sent, and a claimed id is not sent again while its claim lasts.
 *
 * <p>A claim that cannot be made (the guard's store is down) fails the stage; the batch path then sends nothing of
 * that batch.
 */
public interface DedupGuard extends AutoCloseable {

    /** Claims each of {@code notificationIds}; the stage holds those this call claimed, i.e. not claimed before. */
    CompletionStage<Set<String>> claim(Collection<String> notificationIds);

    /** Gives up the claim on {@code notificationId}, so that a later try may send it (after a transient failure). */
    CompletionStage<Void> release(String notificationId);

    @Override
    default void close() {
    }

    /** A guard that claims everything: no protection against replays. */
    DedupGuard NONE = new DedupGuard() {
        @Override
        public CompletionStage<Set<String>> claim(Collection<String> notificationIds) {
            return CompletableFuture.completedFuture(Set.copyOf(notificationIds));
        }

        @Override
        public CompletionStage<Void> release(String notificationId) {
            return CompletableFuture.completedFuture(null);
        }
    };
}
