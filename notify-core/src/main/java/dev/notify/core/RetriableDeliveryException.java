package dev.notify.core;

import java.time.Duration;

/**
 * A send whose outcome is not known, or that the provider asked to repeat later: throttling, a 5xx answer, a lost
 * connection, a timeout. Sending again is safe where the provider deduplicates by id and otherwise guarded by the
 * dedup claim.
 */
public class RetriableDeliveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public RetriableDeliveryException(String message) {
        this(message, null, null);
    }

    public RetriableDeliveryException(String message, Throwable cause) {
        this(message, null, cause);
    }

    /**
     * @param retryAfter how long the provider asked to wait before the next try; {@code null} if it did not say
     */
    public RetriableDeliveryException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** How long the provider asked to wait, or {@code null} if it did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
