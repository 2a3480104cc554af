package dev.notify.redis;

import dev.notify.core.Channel;

/** The keys and hash fields of the Redis adapters; {@code KEYS.md} in this module documents them. */
final class KeyLayout {

    static final String OPT_OUT_FIELD_PREFIX = "optout:";
    static final String BLOCK_FIELD_PREFIX = "block:";
    static final String QUIET_HOURS_FIELD = "quiet";
    /** Separates the recipient from the sender in a sender-specific block field. */
    static final char SENDER_SEPARATOR = '|';

    private final String prefix;

    KeyLayout(String prefix) {
        this.prefix = prefix;
    }

    /** The hash of one user's preferences. */
    String preferences(String userId) {
        return prefix + "pref:" + userId;
    }

    /** The sorted set of one user's device tokens of one channel, scored by registration time (epoch millis). */
    String tokens(String userId, Channel channel) {
        return prefix + "tokens:" + userId + ":" + channel.name();
    }

    /** The claim of one notification id. */
    String dedup(String notificationId) {
        return prefix + "dedup:" + notificationId;
    }

    static String optOutField(Channel channel) {
        return OPT_OUT_FIELD_PREFIX + channel.name();
    }

    /** The field of a block of {@code recipient}, for every sender when {@code sender} is {@code null}. */
    static String blockField(String recipient, String sender) {
        return sender == null
                ? BLOCK_FIELD_PREFIX + recipient
                : BLOCK_FIELD_PREFIX + recipient + SENDER_SEPARATOR + sender;
    }

    /** Rejects a recipient or sender that would make a block field ambiguous. */
    static String checkBlockPart(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        if (value.indexOf(SENDER_SEPARATOR) >= 0) {
            throw new IllegalArgumentException(name + " must not contain '" + SENDER_SEPARATOR + "'");
        }
        return value;
    }
}
