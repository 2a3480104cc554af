package dev.notify.core;

/** Masks personal data (phone numbers, email addresses, device tokens) before it reaches a log line. */
public final class Masking {

    private Masking() {
    }

    /**
     * Keeps enough of a recipient to tell two apart in an investigation, never enough to contact anyone:
     * {@code +4479***25}, {@code a***@example.com}, {@code 6f03***985d}.
     */
    public static String mask(String recipient) {
        if (recipient == null || recipient.isEmpty()) {
            return String.valueOf(recipient);
        }
        int at = recipient.indexOf('@');
        if (at > 0) {
            return recipient.charAt(0) + "***" + recipient.substring(at);
        }
        if (recipient.length() <= 6) {
            return "***";
        }
        return recipient.substring(0, 4) + "***" + recipient.substring(recipient.length() - 2);
    }
}
