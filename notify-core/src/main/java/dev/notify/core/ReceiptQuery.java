package dev.notify.core;

import java.util.concurrent.CompletionStage;

/**
 * Asks a provider what happened to a message it was given, without sending anything.
 *
 * <p>Not every provider can tell: APNs has no receipt API, FCM reports aggregates only, SendGrid's Activity API is a
 * paid add-on. Their queries say so with {@link #canQuery()} false and answer {@link Receipt#notQueryable()}.
 */
public interface ReceiptQuery {

    /** The channel whose messages this query can look up. */
    Channel channel();

    /** Whether this provider can be asked about single messages at all. */
    boolean canQuery();

    /**
     * What the provider knows of {@code record}'s message, by its provider message id. Completes exceptionally with
     * a {@link RetriableDeliveryException} when the provider did not answer.
     */
    CompletionStage<Receipt> query(StatusRecord record);

    /** A query for a provider that cannot be asked. */
    static ReceiptQuery notQueryable(Channel channel) {
        return new ReceiptQuery() {
            @Override
            public Channel channel() {
                return channel;
            }

            @Override
            public boolean canQuery() {
                return false;
            }

            @Override
            public CompletionStage<Receipt> query(StatusRecord record) {
                return java.util.concurrent.CompletableFuture.completedFuture(Receipt.notQueryable());
            }
        };
    }
}
