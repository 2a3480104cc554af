package dev.notify.core;

/** What the batch path does with a notification that falls in the user's quiet hours. */
public enum QuietHoursAction {
    /** Send it anyway. */
    SEND,
    /** Hold it until the quiet hours end, through the {@link DeferredDelivery} lane (suppressed if there is none). */
    HOLD,
    /** Do not send it; its status becomes SUPPRESSED. */
    SUPPRESS
}
