package dev.notify.providers;

import dev.notify.core.RetriableDeliveryException;
import java.time.Duration;

/** A send whose provider did not answer before its deadline: the outcome is unknown, so it is retriable. */
public class DeliveryTimeoutException extends RetriableDeliveryException {

    private static final long serialVersionUID = 1L;

    public DeliveryTimeoutException(String message, Duration timeout) {
        super(message + " (no answer within " + timeout.toMillis() + " ms)");
    }
}
