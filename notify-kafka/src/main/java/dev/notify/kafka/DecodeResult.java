package dev.notify.kafka;

import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link NotificationRecordCodec#decode(byte[])} made of one record's bytes: a valid request, or the reason it
 * is invalid together with whatever could still be read of it.
 */
public sealed interface DecodeResult {

    /** A record that decoded into a request. */
    record Valid(NotificationRequest request) implements DecodeResult {
        public Valid {
            Objects.requireNonNull(request, "request");
        }
    }

    /**
     * A record that did not.
     *
     * @param reason a short machine-readable reason ({@code not-json}, {@code unknown-channel}, ...), with detail after
     *     a colon where useful; the codes are listed in RECORD-FORMAT.md
     * @param id the notification id if it could be read (a string of 1 to 64 characters), else {@code null}
     * @param userId the user id if it could be read, else {@code null}
     * @param channel the channel if the record named a valid one, else {@code null}
     * @param createdAt the creation time if it could be read, else {@code null}
     */
    record Invalid(String reason, String id, String userId, Channel channel, Instant createdAt)
            implements DecodeResult {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }

        /** The reason code without its detail: {@code unknown-channel} for {@code unknown-channel:PIGEON}. */
        public String reasonCode() {
            int colon = reason.indexOf(':');
            return colon < 0 ? reason : reason.substring(0, colon);
        }

        /** Whether the id is readable, so that the notification can be marked FAILED. */
        public boolean hasId() {
            return id != null;
        }
    }
}
