package dev.notify.redis;

import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import java.time.Instant;
import java.util.Map;

/** Notification requests for the tests. */
final class Requests {

    private Requests() {
    }

    static NotificationRequest request(String id, String userId, Channel channel, String recipient, Priority priority,
                                       Instant createdAt) {
        return new NotificationRequest(id, userId, channel, recipient, "title", "body", Map.of(), priority, createdAt,
                null, null);
    }

    static NotificationRequest sms(String id, String userId, String number, Instant createdAt) {
        return request(id, userId, Channel.SMS, number, Priority.NORMAL, createdAt);
    }

    static NotificationRequest push(String id, String userId, String token, Priority priority, Instant createdAt) {
        return request(id, userId, Channel.APNS, token, priority, createdAt);
    }
}
