package dev.notify.core;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Keeps the status of each notification.
 *
 * <p>Writes are monotonic: a store applies {@link StatusUpdate#eventTime()} so that a final status is never replaced
 * by PENDING, whatever order writes arrive in, and writing the same update twice changes nothing. A write that fails
 * completes its stage exceptionally; callers on the delivery path go through
 * {@link dev.notify.core.batch.GuardedStatusStore}, which bounds the time and the harm of a failing store.
 */
public interface StatusStore extends AutoCloseable {

    /** Records a transition. */
    CompletionStage<Void> record(StatusUpdate update);

    /** The current status of a notification, if the store has one. */
    CompletionStage<Optional<StatusRecord>> find(String notificationId);

    /**
     * One page of notifications that are still PENDING and were created before {@code createdBefore}, oldest first
     * where the store can order them.
     *
     * @param cursor {@code null} for the first page, else {@link StalePage#nextCursor()} of the previous page
     */
    CompletionStage<StalePage> findStalePending(Instant createdBefore, int pageSize, String cursor);

    @Override
    default void close() {
    }
}
