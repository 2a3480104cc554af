package dev.notify.reconcile;

import dev.notify.core.StatusUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A compact local view of the delivery journal: for each notification id, the final {@link StatusUpdate} the journal
 * holds for it. PENDING entries are not kept.
 *
 * <p>Where the journal holds several final entries for one id, the index keeps the one a status store would keep:
 * the one with the higher write timestamp (event time, at least just after created-at), ties going to the higher
 * status code. Implementations are bounded; see {@link InMemoryJournalIndex} for the limits of the in-memory one.
 *
 * <p>Each entry also carries whether the status store has been seen to hold a final status for it
 * ("confirmed"): the reconciler checks unconfirmed entries against the store and repairs those it lacks.
 */
public interface JournalIndex {

    /**
     * Takes one journal entry.
     *
     * @return whether the index changed (a new id, or an entry that wins over the one held)
     */
    boolean offer(StatusUpdate update);

    /** The final entry the journal holds for {@code notificationId}, if the index has it. */
    Optional<StatusUpdate> find(String notificationId);

    /** The entries not yet confirmed against the store whose event time is before {@code eventBefore}, in the order taken. */
    List<StatusUpdate> unconfirmed(Instant eventBefore);

    /** Marks {@code notificationId} as held final by the status store. */
    void confirm(String notificationId);

    /** How many ids the index holds. */
    int size();
}
