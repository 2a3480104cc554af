package dev.notify.core;

/**
 * The state of one notification. PENDING is the only state that can change; the others are final and never move
 * back. Each carries an explicit stored code, independent of the order of the constants.
 */
public enum DeliveryStatus {
    /** Accepted for delivery, outcome not known yet. */
    PENDING(0),
    /**
     * The provider accepted it. For APNs and FCM that means accepted by Apple's or Google's service, not shown on the
     * device: neither reports more per message.
     */
    DELIVERED(1),
    /** Not delivered, with a reason: rejected by the provider, invalid, or out of retries. */
    FAILED(2),
    /** Not sent because of the user's preferences (opt-out, quiet hours). */
    SUPPRESSED(3),
    /** Not sent because it expired before it could be. */
    EXPIRED(4);

    private static final DeliveryStatus[] BY_CODE = {PENDING, DELIVERED, FAILED, SUPPRESSED, EXPIRED};

    private final int code;

    DeliveryStatus(int code) {
        this.code = code;
    }

    /** The stored code of this status. */
    public int code() {
        return code;
    }

    /** Whether this status is final: once written, nothing moves it. */
    public boolean isFinal() {
        return this != PENDING;
    }

    /** The status stored under {@code code}. */
    public static DeliveryStatus fromCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown status code " + code);
        }
        return BY_CODE[code];
    }
}
