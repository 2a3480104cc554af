package dev.notify.providers.apns;

import java.util.Set;

/** How APNs' rejection reasons are taken. */
final class ApnsRejections {

    /** The token is dead: remove it. */
    static final Set<String> TOKEN_INVALID = Set.of("Unregistered", "BadDeviceToken");

    /** Worth trying again later; the rest of 429 and every 5xx too. */
    static final Set<String> TRANSIENT = Set.of("TooManyRequests", "ExpiredProviderToken",
            "TooManyProviderTokenUpdates", "InternalServerError", "ServiceUnavailable", "Shutdown", "IdleTimeout");

    private ApnsRejections() {
    }

    static boolean isTransient(int statusCode, String reason) {
        return statusCode == 429 || statusCode >= 500 || (reason != null && TRANSIENT.contains(reason));
    }

    static boolean invalidatesToken(String reason) {
        return reason != null && TOKEN_INVALID.contains(reason);
    }
}
