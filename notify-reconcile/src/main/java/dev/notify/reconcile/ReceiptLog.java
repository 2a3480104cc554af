package dev.notify.reconcile;

import dev.notify.core.Receipt;
import java.util.Optional;

/**
 * The receipts providers pushed to us (Twilio status callbacks, SendGrid events), by notification id. A port so that
 * it can be persisted later; {@link InMemoryReceiptLog} keeps them in memory.
 *
 * <p>For each id the log keeps the receipt that says most: a settled one (DELIVERED or FAILED) over one that is not,
 * and among settled ones the later event time. A "sent" callback arriving after "delivered" therefore changes
 * nothing.
 */
public interface ReceiptLog {

    /** Records {@code receipt} for {@code notificationId}; its event time must be set. */
    void record(String notificationId, Receipt receipt);

    /** The receipt that says most about {@code notificationId}, if one arrived. */
    Optional<Receipt> find(String notificationId);

    /** Whether {@code candidate} says more than {@code held}, by the rule in the class comment. */
    static boolean saysMore(Receipt candidate, Receipt held) {
        boolean candidateSettled = candidate.settledStatus() != null;
        boolean heldSettled = held.settledStatus() != null;
        if (candidateSettled != heldSettled) {
            return candidateSettled;
        }
        return candidate.eventTime().isAfter(held.eventTime());
    }
}
