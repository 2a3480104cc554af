package dev.notify.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A transition of one notification to a status, as written to the {@link StatusStore} and to the
 * {@link DeliveryJournal}.
 *
 * <p>{@code eventTime} is when the transition happened (the provider's time where it gives one). Stores use it as the
 * write timestamp so that the order in which writes arrive does not matter: a final status always wins over PENDING,
 * and a replayed write changes nothing.
 *
 * @param notificationId the notification's id
 * @param userId the user
 * @param channel the channel; {@code null} only for a FAILED record that did not name a valid one
 * @param status the new status
 * @param reason why (for FAILED, SUPPRESSED, EXPIRED); {@code null} otherwise
 * @param providerMessageId the provider's id of the message (apns-id, FCM name, Twilio SID, SendGrid message id);
 *     {@code null} when there is none
 * @param createdAt when the notification was created
 * @param eventTime when this transition happened
 * @param attempts how many sends were tried (0 if none)
 */
public record StatusUpdate(
        String notificationId,
        String userId,
        Channel channel,
        DeliveryStatus status,
        String reason,
        String providerMessageId,
        Instant createdAt,
        Instant eventTime,
        int attempts) {

    public StatusUpdate {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(eventTime, "eventTime");
        userId = userId == null ? "" : userId;
    }

    /** PENDING for {@code request}, at {@code now}. */
    public static StatusUpdate pending(NotificationRequest request, Instant now) {
        return of(request, DeliveryStatus.PENDING, null, null, now, 0);
    }

    /** DELIVERED for {@code request}: the provider accepted it under {@code providerMessageId} at {@code at}. */
    public static StatusUpdate delivered(NotificationRequest request, String providerMessageId, Instant at, int attempts) {
        return of(request, DeliveryStatus.DELIVERED, null, providerMessageId, at, attempts);
    }

    /** A final or pending status for {@code request}. */
    public static StatusUpdate of(NotificationRequest request, DeliveryStatus status, String reason,
                                  String providerMessageId, Instant at, int attempts) {
        return new StatusUpdate(request.id(), request.userId(), request.channel(), status, reason, providerMessageId,
                request.createdAt(), at, attempts);
    }
}
