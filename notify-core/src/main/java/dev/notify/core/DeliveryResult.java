package dev.notify.core;

import java.time.Instant;
import java.util.Objects;

/** What a provider answered to one send: accepted, or permanently rejected. */
public sealed interface DeliveryResult {

    /** When the provider answered. */
    Instant at();

    /**
     * The provider accepted the notification.
     *
     * @param providerMessageId the provider's id for it (apns-id, FCM message name, Twilio SID, SendGrid message id)
     * @param at when it was accepted
     */
    record Accepted(String providerMessageId, Instant at) implements DeliveryResult {
        public Accepted {
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * The provider, or validation before calling it, rejected the notification for good.
     *
     * @param reason a short machine-readable reason, e.g. {@code "BadDeviceToken"} or {@code "twilio:21211"}, with
     *     detail after a colon where useful
     * @param tokenInvalid whether the recipient (device token) is dead and should be removed from the user
     * @param tokenInvalidatedAt when the provider says the token became invalid; {@code null} if it did not say
     * @param at when it was rejected
     */
    record Rejected(String reason, boolean tokenInvalid, Instant tokenInvalidatedAt, Instant at)
            implements DeliveryResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
        }

        /** A rejection that says nothing about the token. */
        public static Rejected because(String reason, Instant at) {
            return new Rejected(reason, false, null, at);
        }
    }
}
