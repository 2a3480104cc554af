package dev.notify.providers.apns;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/** The apns-id of a notification: its id if that is a UUID, else a stable name-based UUID of it. */
final class ApnsIds {

    private ApnsIds() {
    }

    static UUID apnsId(String notificationId) {
        try {
            UUID parsed = UUID.fromString(notificationId);
            if (parsed.toString().equals(notificationId.toLowerCase(Locale.ROOT))) {
                return parsed;
            }
        } catch (IllegalArgumentException notAUuid) {
            // fall through to a name-based id
        }
        return UUID.nameUUIDFromBytes(("dev.notify:" + notificationId).getBytes(StandardCharsets.UTF_8));
    }
}
