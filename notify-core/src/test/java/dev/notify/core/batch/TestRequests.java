package dev.notify.core.batch;

import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds batches of requests across every channel. */
final class TestRequests {

    static final Instant CREATED = Instant.parse("2026-12-03T09:00:00Z");

    private TestRequests() {
    }

    static List<NotificationRequest> batch(int size) {
        return batch("n", size);
    }

    static List<NotificationRequest> batch(String prefix, int size) {
        List<NotificationRequest> batch = new ArrayList<>(size);
        Channel[] channels = Channel.values();
        for (int i = 0; i < size; i++) {
            batch.add(request(prefix + "-" + i, "u-" + (i % 97), channels[i % channels.length]));
        }
        return batch;
    }

    static NotificationRequest request(String id, String userId, Channel channel) {
        return request(id, userId, channel, Priority.NORMAL);
    }

    static NotificationRequest request(String id, String userId, Channel channel, Priority priority) {
        String recipient = switch (channel) {
            case APNS -> "6f03675a1600a35a099950d836f675cc81e74ef5e8e25d940ed904759531985d";
            case FCM -> "fYgCfrL1spNxnyVmihA_2O76UMFxFkM";
            case SMS -> "+442079460025";
            case EMAIL -> "someone@example.com";
        };
        return new NotificationRequest(id, userId, channel, recipient, "Title", "Body", Map.of("k", "v"), priority,
                CREATED, null, null);
    }
}
