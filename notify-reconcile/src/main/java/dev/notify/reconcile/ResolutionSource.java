package dev.notify.reconcile;

/** Where the reconciler found the status it wrote. */
public enum ResolutionSource {
    /** The delivery journal. */
    JOURNAL,
    /** A receipt the provider pushed (Twilio status callback, SendGrid event). */
    WEBHOOK,
    /** A provider receipt query, now or in an earlier pass (from the checkpoint). */
    QUERY;

    /** The metric tag value. */
    String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
