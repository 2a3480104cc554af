package dev.notify.providers.apns;

import com.eatthepath.pushy.apns.util.ApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import dev.notify.core.NotificationRequest;
import java.nio.charset.StandardCharsets;

/**
 * Builds the APNs payload of a request and fits it to APNs' limit by cutting the alert body, by whole code points,
 * and ending it with an ellipsis.
 */
final class ApnsPayloads {

    /** APNs' limit for a regular remote notification payload, in bytes. */
    static final int MAX_PAYLOAD_BYTES = 4096;
    static final String NOTIFICATION_ID_KEY = "notification_id";
    private static final String ELLIPSIS = "\u2026";

    private ApnsPayloads() {
    }

    /** The payload, cut to fit; {@code null} if it cannot fit even with an empty body. */
    static String fitted(NotificationRequest request) {
        String full = build(request, request.body());
        if (utf8Length(full) <= MAX_PAYLOAD_BYTES) {
            return full;
        }
        String body = request.body();
        int low = 0;
        int high = body.codePointCount(0, body.length()) - 1;
        String best = null;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            String candidate = build(request, cut(body, middle));
            if (utf8Length(candidate) <= MAX_PAYLOAD_BYTES) {
                best = candidate;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return best;
    }

    static String cut(String body, int codePoints) {
        return body.substring(0, body.offsetByCodePoints(0, codePoints)) + ELLIPSIS;
    }

    private static String build(NotificationRequest request, String body) {
        ApnsPayloadBuilder builder = new SimpleApnsPayloadBuilder();
        if (!request.title().isEmpty()) {
            builder.setAlertTitle(request.title());
        }
        builder.setAlertBody(body);
        request.data().forEach((key, value) -> {
            if (!"aps".equals(key) && !NOTIFICATION_ID_KEY.equals(key)) {
                builder.addCustomProperty(key, value);
            }
        });
        builder.addCustomProperty(NOTIFICATION_ID_KEY, request.id());
        return builder.build();
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
