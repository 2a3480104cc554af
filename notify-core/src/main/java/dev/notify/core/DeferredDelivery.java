package dev.notify.core;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * A lane for notifications to send later: held for quiet hours, or out of retries for now. Handing a notification
 * on lets its partition move on.
 */
public interface DeferredDelivery {

    /** Hands {@code request} on, to be sent again no earlier than {@code notBefore}. */
    CompletionStage<Void> defer(NotificationRequest request, Instant notBefore, String reason);
}
