package dev.notify.core.batch;

/**
 * A status write not attempted because too many writes already wait for a slow store. The outcome is still in the
 * delivery journal, from which the reconciliation job writes it later.
 */
public final class StatusWriteSkippedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StatusWriteSkippedException(int maxQueued) {
        // No stack trace: a skip is expected under load and costs nothing to explain.
        super("status write skipped: " + maxQueued + " writes already wait for the store", null, false, false);
    }
}
