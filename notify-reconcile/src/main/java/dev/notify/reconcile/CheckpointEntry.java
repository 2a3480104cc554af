package dev.notify.reconcile;

import dev.notify.core.DeliveryStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * What the reconciler learnt by querying a provider about one notification, kept so that a restart does not ask again.
 *
 * @param notificationId the notification
 * @param settled the status the provider's answer settled (DELIVERED or FAILED), {@code null} if it settled none
 *     (still at the provider, unknown)
 * @param reason the provider's reason for a failure; {@code null} otherwise
 * @param providerMessageId the provider's message id the query used, if any
 * @param eventTime when the provider says the settled status happened; {@code null} when nothing was settled
 * @param queriedAt when the last query was answered
 * @param queries how many queries were answered for this id so far
 */
public record CheckpointEntry(
        String notificationId,
        DeliveryStatus settled,
        String reason,
        String providerMessageId,
        Instant eventTime,
        Instant queriedAt,
        int queries) {

    public CheckpointEntry {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(queriedAt, "queriedAt");
        if (settled != null && (!settled.isFinal() || eventTime == null)) {
            throw new IllegalArgumentException("a settled entry needs a final status and an event time");
        }
    }

    /** Whether the provider's answer settled a final status. */
    public boolean isSettled() {
        return settled != null;
    }
}
