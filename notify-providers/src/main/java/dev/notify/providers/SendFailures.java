package dev.notify.providers;

import dev.notify.core.RetriableDeliveryException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns whatever a provider client failed with into the retriable failure the {@link dev.notify.core.Delivery}
 * contract asks for: a send that failed without an answer has an unknown outcome, so it is worth another try.
 */
public final class SendFailures {

    private SendFailures() {
    }

    /**
     * @param provider the provider's name for the message, e.g. {@code "apns"}
     * @param deadline the send's deadline, named in a timeout's message
     */
    public static RetriableDeliveryException retriable(String provider, String notificationId, Throwable failure,
                                                        Duration deadline) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RetriableDeliveryException retriable) {
            return retriable;
        }
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
            return new DeliveryTimeoutException(provider + ": send of " + notificationId + " timed out", deadline);
        }
        return new RetriableDeliveryException(provider + ": send of " + notificationId + " failed: " + cause, cause);
    }
}
