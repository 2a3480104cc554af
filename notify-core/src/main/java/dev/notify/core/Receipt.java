package dev.notify.core;

import java.time.Instant;

/**
 * What a provider reported about one message, from a receipt query or a webhook.
 *
 * @param state what is known
 * @param reason the provider's reason or error code for a failure; {@code null} otherwise
 * @param providerMessageId the provider's message id
 * @param eventTime when the provider says it happened; {@code null} if it gave no time
 */
public record Receipt(State state, String reason, String providerMessageId, Instant eventTime) {

    /** What a receipt can say. */
    public enum State {
        /** Delivered (for SMS: to the handset; for email: to the receiving server). */
        DELIVERED,
        /** Not delivered, for good. */
        FAILED,
        /** The provider still holds it (queued, sent, accepted). */
        PENDING_AT_PROVIDER,
        /** The provider does not know the message. */
        UNKNOWN,
        /** This provider cannot be asked about single messages. */
        NOT_QUERYABLE
    }

    /** The answer of a provider that cannot be asked. */
    public static Receipt notQueryable() {
        return new Receipt(State.NOT_QUERYABLE, null, null, null);
    }

    /** The status this receipt settles, or {@code null} if it settles none. */
    public DeliveryStatus settledStatus() {
        return switch (state) {
            case DELIVERED -> DeliveryStatus.DELIVERED;
            case FAILED -> DeliveryStatus.FAILED;
            default -> null;
        };
    }
}
