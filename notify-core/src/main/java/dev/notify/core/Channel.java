package dev.notify.core;

/**
 * The ways a notification can reach a user. Each carries an explicit stored code that never changes, so that rows
 * written by one version read the same in the next whatever the order of the constants.
 */
public enum Channel {
    APNS(1),
    FCM(2),
    SMS(3),
    EMAIL(4);

    private static final Channel[] BY_CODE = new Channel[5];

    static {
        for (Channel channel : values()) {
            BY_CODE[channel.code] = channel;
        }
    }

    private final int code;

    Channel(int code) {
        this.code = code;
    }

    /** The stored code of this channel. */
    public int code() {
        return code;
    }

    /** The channel stored under {@code code}. */
    public static Channel fromCode(int code) {
        if (code <= 0 || code >= BY_CODE.length || BY_CODE[code] == null) {
            throw new IllegalArgumentException("unknown channel code " + code);
        }
        return BY_CODE[code];
    }

    /** The channel named {@code name} (case-sensitive, as in the record format), or {@code null} if none is. */
    public static Channel parseOrNull(String name) {
        if (name == null) {
            return null;
        }
        for (Channel channel : values()) {
            if (channel.name().equals(name)) {
                return channel;
            }
        }
        return null;
    }
}
