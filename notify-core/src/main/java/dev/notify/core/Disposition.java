package dev.notify.core;

/** What the batch path did with one notification. */
public enum Disposition {
    /** Sent and accepted by the provider. */
    DELIVERED(true),
    /** Sent and rejected for good, or invalid for its provider. */
    REJECTED(true),
    /** Not sent because of the user's preferences. */
    SUPPRESSED(true),
    /** Not sent because it had expired. */
    EXPIRED(true),
    /** Handed to the deferred lane (quiet hours, or out of retries for now). */
    DEFERRED(true),
    /** Not sent because its id was already claimed: it was sent before. */
    DUPLICATE(true),
    /** Transient failures used up its retries and no deferred lane took it; marked FAILED. */
    FAILED_TRANSIENT(true),
    /** Nothing was done (its preferences or its dedup claim could not be read); it must be consumed again. */
    NOT_ATTEMPTED(false);

    private final boolean handled;

    Disposition(boolean handled) {
        this.handled = handled;
    }

    /** Whether the record needs no further processing (its offset may be committed). */
    public boolean handled() {
        return handled;
    }

    /** Whether a send reached the provider. */
    public boolean sent() {
        return this == DELIVERED || this == REJECTED || this == FAILED_TRANSIENT;
    }
}
