package dev.notify.providers;

import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import java.time.Instant;
import java.util.Map;

/** Notification requests for tests. */
public final class Requests {

    private Requests() {
    }

    public static NotificationRequest request(String id, Channel channel, String recipient, String body) {
        return new NotificationRequest(id, "user-1", channel, recipient, "Hello", body, Map.of("kind", "test"),
                Priority.HIGH, Instant.parse("2026-01-01T00:00:00Z"), null, null);
    }
}
