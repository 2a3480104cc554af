package dev.notify.core;

import java.util.concurrent.CompletableFuture;

/**
 * Sends notifications of one channel through its provider.
 *
 * <p>Outcome versus failure: the returned future completes with a {@link DeliveryResult} when the provider answered,
 * {@link DeliveryResult.Accepted} or {@link DeliveryResult.Rejected}; a rejection is permanent and sending again
 * would be rejected again. The future completes exceptionally with a {@link RetriableDeliveryException} when the
 * outcome is not known or the provider asked to come back later (throttling, 5xx, connection loss, timeout): those
 * are worth retrying. Any other exception is a bug or a misconfiguration and is treated as retriable too, so that
 * nothing is dropped silently.
 *
 * <p>Implementations never block the calling thread and never leave a future incomplete forever: each send has a
 * deadline.
 */
public interface Delivery extends AutoCloseable {

    /** The channel this delivery sends on. */
    Channel channel();

    /** Sends {@code request}; see the class comment for how the future completes. */
    CompletableFuture<DeliveryResult> send(NotificationRequest request);

    @Override
    default void close() {
    }
}
