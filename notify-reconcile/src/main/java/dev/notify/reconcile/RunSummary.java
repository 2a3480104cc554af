package dev.notify.reconcile;

/**
 * What one pass of the {@link Reconciler} did.
 *
 * @param outcome how the pass ended
 * @param staleFound stale PENDING records this instance owns that the pass took on
 * @param journalMissing journal entries whose notification the store lacked or held PENDING
 * @param resolvedFromJournal statuses written from the journal
 * @param resolvedFromWebhook statuses written from received webhooks
 * @param resolvedFromQuery statuses written from provider queries (answered now or checkpointed earlier)
 * @param markedUnresolved statuses marked FAILED ("unresolved") past the maximum age
 * @param unresolved records left PENDING: nothing could settle them yet
 * @param queries provider queries answered
 * @param queryErrors provider queries that failed or timed out
 * @param storeErrors status store reads or writes that failed or timed out
 */
public record RunSummary(
        Outcome outcome,
        long staleFound,
        long journalMissing,
        long resolvedFromJournal,
        long resolvedFromWebhook,
        long resolvedFromQuery,
        long markedUnresolved,
        long unresolved,
        long queries,
        long queryErrors,
        long storeErrors) {

    /** How a pass ended. */
    public enum Outcome {
        /** It went through everything it found. */
        COMPLETED,
        /** {@link Reconciler#stop()} was called during it. */
        STOPPED,
        /** It started outside the off-peak window, or the window closed during it. */
        OUTSIDE_WINDOW,
        /** The journal reader had not caught up yet; nothing was done. */
        JOURNAL_NOT_READY,
        /** The status store failed to list stale records; the pass ended early. */
        STORE_UNAVAILABLE
    }

    /** Every status written, from any source. */
    public long resolved() {
        return resolvedFromJournal + resolvedFromWebhook + resolvedFromQuery;
    }
}
