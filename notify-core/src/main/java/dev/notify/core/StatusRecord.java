package dev.notify.core;

import java.time.Instant;

/**
 * The state of one notification as a {@link StatusStore} holds it.
 *
 * @param notificationId the notification's id
 * @param userId the user
 * @param channel the channel
 * @param status the current status
 * @param reason why, for the statuses that have one
 * @param providerMessageId the provider's message id, if known
 * @param createdAt when the notification was created
 * @param updatedAt the event time of the transition that set the current status
 * @param attempts sends tried
 */
public record StatusRecord(
        String notificationId,
        String userId,
        Channel channel,
        DeliveryStatus status,
        String reason,
        String providerMessageId,
        Instant createdAt,
        Instant updatedAt,
        int attempts) {

    /** The record a store holds after applying {@code update} to nothing. */
    public static StatusRecord from(StatusUpdate update) {
        return new StatusRecord(update.notificationId(), update.userId(), update.channel(), update.status(),
                update.reason(), update.providerMessageId(), update.createdAt(), update.eventTime(), update.attempts());
    }
}
