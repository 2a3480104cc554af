package dev.notify.core;

/** What the consumer does with the offsets of a processed batch. */
public enum OffsetDecision {
    /**
     * Commit, in each partition, up to (not including) the first record that was not handled; everything when all
     * were. Unhandled records (their preferences could not be read) are consumed again.
     */
    COMMIT_HANDLED,
    /** Commit nothing and consume the whole batch again. */
    REPLAY_BATCH
}
