package dev.notify.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One notification to send.
 *
 * @param id the notification id, also its idempotency key: a request with an id already sent is not sent again
 * @param userId the user it is for (the Kafka key, and the key of the user's preferences)
 * @param channel how it is sent
 * @param recipient a device token (APNS, FCM), a phone number (SMS) or an email address (EMAIL)
 * @param title the push title or the email subject; may be empty
 * @param body the text
 * @param data extra key/value pairs for the app (push) or custom arguments (email); never null
 * @param priority how urgent it is
 * @param createdAt when the calling service created it
 * @param expiresAt after this instant it is not sent; {@code null} if it never expires
 * @param collapseKey a key under which newer notifications replace older ones on the device; may be {@code null}
 */
public record NotificationRequest(
        String id,
        String userId,
        Channel channel,
        String recipient,
        String title,
        String body,
        Map<String, String> data,
        Priority priority,
        Instant createdAt,
        Instant expiresAt,
        String collapseKey) {

    public NotificationRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(createdAt, "createdAt");
        title = title == null ? "" : title;
        body = body == null ? "" : body;
        data = data == null ? Map.of() : Map.copyOf(data);
        priority = priority == null ? Priority.NORMAL : priority;
    }

    /** Whether it has expired at {@code now}. */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** A short form for logs: the id and channel, never the recipient or the content. */
    @Override
    public String toString() {
        return "NotificationRequest[id=" + id + ", channel=" + channel + ", recipient=" + Masking.mask(recipient) + "]";
    }
}
