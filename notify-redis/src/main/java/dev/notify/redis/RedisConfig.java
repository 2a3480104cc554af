package dev.notify.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable configuration of the Redis adapters ({@link RedisPreferenceStore}, {@link RedisDedupGuard}). Built with
 * {@link #builder()}, {@link #ofDefaults()} or {@link #mutate()}; every setter's Javadoc names its default.
 *
 * <p>TLS and credentials pass through the URI, as Lettuce reads it: {@code rediss://:secret@host:6380/0} (TLS,
 * password) or {@code redis://user:secret@host:6379}. {@link #toString()} never shows the password.
 */
public final class RedisConfig {

    /** Default server: {@code redis://127.0.0.1:6379}. */
    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
    /** Default deadline of one command (or one pipelined batch of commands): 1 s. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** Default deadline of establishing a connection: 2 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Default bound on commands queued or in flight on one connection: 10,000. */
    public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;
    /** Default longest pause between two reconnection attempts: 5 s (the pause grows from 10 ms). */
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(5);
    /** Default time a user's preferences stay in the local cache: 5 s. */
    public static final Duration DEFAULT_PREFERENCE_CACHE_TTL = Duration.ofSeconds(5);
    /** Default bound on users in the local preference cache: 100,000. */
    public static final long DEFAULT_PREFERENCE_CACHE_MAX_SIZE = 100_000;
    /** Default life of a dedup claim: 24 h. */
    public static final Duration DEFAULT_DEDUP_TTL = Duration.ofHours(24);
    /** Default prefix of every key: {@code notify:}. */
    public static final String DEFAULT_KEY_PREFIX = "notify:";

    private final String uri;
    private final Duration commandTimeout;
    private final Duration connectTimeout;
    private final int requestQueueSize;
    private final Duration maxReconnectDelay;
    private final Duration preferenceCacheTtl;
    private final long preferenceCacheMaxSize;
    private final boolean dedupEnabled;
    private final Duration dedupTtl;
    private final String keyPrefix;
    private final Set<String> senders;

    private RedisConfig(Builder builder) {
        this.uri = builder.uri;
        this.commandTimeout = builder.commandTimeout;
        this.connectTimeout = builder.connectTimeout;
        this.requestQueueSize = builder.requestQueueSize;
        this.maxReconnectDelay = builder.maxReconnectDelay;
        this.preferenceCacheTtl = builder.preferenceCacheTtl;
        this.preferenceCacheMaxSize = builder.preferenceCacheMaxSize;
        this.dedupEnabled = builder.dedupEnabled;
        this.dedupTtl = builder.dedupTtl;
        this.keyPrefix = builder.keyPrefix;
        this.senders = Set.copyOf(builder.senders);
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration with every default. */
    public static RedisConfig ofDefaults() {
        return builder().build();
    }

    /** A builder holding this configuration's values. */
    public Builder mutate() {
        return new Builder(this);
    }

    /** The server URI, with any credentials; see the class comment. */
    public String uri() {
        return uri;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public int requestQueueSize() {
        return requestQueueSize;
    }

    public Duration maxReconnectDelay() {
        return maxReconnectDelay;
    }

    /** How long preferences are cached locally; {@link Duration#ZERO} when the cache is off. */
    public Duration preferenceCacheTtl() {
        return preferenceCacheTtl;
    }

    public long preferenceCacheMaxSize() {
        return preferenceCacheMaxSize;
    }

    public boolean dedupEnabled() {
        return dedupEnabled;
    }

    public Duration dedupTtl() {
        return dedupTtl;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    /** The senders this deployment sends from; empty means every sender-specific block applies. */
    public Set<String> senders() {
        return senders;
    }

    /** Every field, the URI's password masked. */
    @Override
    public String toString() {
        return "RedisConfig[uri=" + maskedUri(uri)
                + ", commandTimeout=" + commandTimeout
                + ", connectTimeout=" + connectTimeout
                + ", requestQueueSize=" + requestQueueSize
                + ", maxReconnectDelay=" + maxReconnectDelay
                + ", preferenceCacheTtl=" + preferenceCacheTtl
                + ", preferenceCacheMaxSize=" + preferenceCacheMaxSize
                + ", dedupEnabled=" + dedupEnabled
                + ", dedupTtl=" + dedupTtl
                + ", keyPrefix=" + keyPrefix
                + ", senders=" + senders + "]";
    }

    /** {@code uri} with the user-info's password (and any {@code password} query parameter) replaced by {@code ***}. */
    static String maskedUri(String uri) {
        try {
            URI parsed = new URI(uri);
            String userInfo = parsed.getRawUserInfo();
            String masked = uri;
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                String replacement = colon >= 0 ? userInfo.substring(0, colon) + ":***" : "***";
                masked = masked.replace(userInfo + "@", replacement + "@");
            }
            return masked.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
        } catch (URISyntaxException e) {
            return "<unparseable uri>";
        }
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof RedisConfig that)) {
            return false;
        }
        return requestQueueSize == that.requestQueueSize
                && preferenceCacheMaxSize == that.preferenceCacheMaxSize
                && dedupEnabled == that.dedupEnabled
                && uri.equals(that.uri)
                && commandTimeout.equals(that.commandTimeout)
                && connectTimeout.equals(that.connectTimeout)
                && maxReconnectDelay.equals(that.maxReconnectDelay)
                && preferenceCacheTtl.equals(that.preferenceCacheTtl)
                && dedupTtl.equals(that.dedupTtl)
                && keyPrefix.equals(that.keyPrefix)
                && senders.equals(that.senders);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, commandTimeout, connectTimeout, requestQueueSize, maxReconnectDelay,
                preferenceCacheTtl, preferenceCacheMaxSize, dedupEnabled, dedupTtl, keyPrefix, senders);
    }

    /** A mutable, reusable builder; {@link #build()} freezes its values. */
    public static final class Builder {
        private String uri = DEFAULT_URI;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
        private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
        private Duration preferenceCacheTtl = DEFAULT_PREFERENCE_CACHE_TTL;
        private long preferenceCacheMaxSize = DEFAULT_PREFERENCE_CACHE_MAX_SIZE;
        private boolean dedupEnabled = true;
        private Duration dedupTtl = DEFAULT_DEDUP_TTL;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Set<String> senders = Set.of();

        private Builder() {
        }

        private Builder(RedisConfig config) {
            this.uri = config.uri;
            this.commandTimeout = config.commandTimeout;
            this.connectTimeout = config.connectTimeout;
            this.requestQueueSize = config.requestQueueSize;
            this.maxReconnectDelay = config.maxReconnectDelay;
            this.preferenceCacheTtl = config.preferenceCacheTtl;
            this.preferenceCacheMaxSize = config.preferenceCacheMaxSize;
            this.dedupEnabled = config.dedupEnabled;
            this.dedupTtl = config.dedupTtl;
            this.keyPrefix = config.keyPrefix;
            this.senders = config.senders;
        }

        /**
         * The server, {@code redis://} or {@code rediss://} (TLS), with optional credentials and database number.
         * Default {@link #DEFAULT_URI}.
         */
        public Builder uri(String uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme;
            try {
                scheme = new URI(uri).getScheme();
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("uri is not a valid URI: " + maskedUri(uri));
            }
            if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
                throw new IllegalArgumentException("uri must start with redis:// or rediss://, was " + maskedUri(uri));
            }
            this.uri = uri;
            return this;
        }

        /**
         * Deadline of one command or pipelined batch; past it the call fails and the batch path holds the records.
         * Default {@link #DEFAULT_COMMAND_TIMEOUT}. Keep it below the batch path's lookup timeout.
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = positive(commandTimeout, "commandTimeout");
            return this;
        }

        /**
         * Deadline of establishing a connection, handshake included (at least the command timeout). Default
         * {@link #DEFAULT_CONNECT_TIMEOUT}.
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Commands queued or in flight on one connection at most; past it commands fail at once, so an outage never
         * piles up commands in the heap. Default {@link #DEFAULT_REQUEST_QUEUE_SIZE}.
         */
        public Builder requestQueueSize(int requestQueueSize) {
            if (requestQueueSize < 1) {
                throw new IllegalArgumentException("requestQueueSize must be at least 1, was " + requestQueueSize);
            }
            this.requestQueueSize = requestQueueSize;
            return this;
        }

        /** Longest pause between reconnection attempts. Default {@link #DEFAULT_MAX_RECONNECT_DELAY}. */
        public Builder maxReconnectDelay(Duration maxReconnectDelay) {
            this.maxReconnectDelay = positive(maxReconnectDelay, "maxReconnectDelay");
            return this;
        }

        /**
         * How long a user's preferences are served from the local cache; {@link Duration#ZERO} turns the cache off.
         * Writes through this process invalidate at once; writes by others show after at most this long. Default
         * {@link #DEFAULT_PREFERENCE_CACHE_TTL}.
         */
        public Builder preferenceCacheTtl(Duration preferenceCacheTtl) {
            Objects.requireNonNull(preferenceCacheTtl, "preferenceCacheTtl");
            if (preferenceCacheTtl.isNegative()) {
                throw new IllegalArgumentException("preferenceCacheTtl must not be negative, was " + preferenceCacheTtl);
            }
            this.preferenceCacheTtl = preferenceCacheTtl;
            return this;
        }

        /** Users in the local preference cache at most. Default {@link #DEFAULT_PREFERENCE_CACHE_MAX_SIZE}. */
        public Builder preferenceCacheMaxSize(long preferenceCacheMaxSize) {
            if (preferenceCacheMaxSize < 1) {
                throw new IllegalArgumentException(
                        "preferenceCacheMaxSize must be at least 1, was " + preferenceCacheMaxSize);
            }
            this.preferenceCacheMaxSize = preferenceCacheMaxSize;
            return this;
        }

        /**
         * Whether {@link RedisDedupGuard#create(RedisConfig, io.micrometer.core.instrument.MeterRegistry)} guards
         * against re-sends; when off it hands back {@link dev.notify.core.DedupGuard#NONE}. Default {@code true}.
         */
        public Builder dedupEnabled(boolean dedupEnabled) {
            this.dedupEnabled = dedupEnabled;
            return this;
        }

        /**
         * How long a claim lasts: a record replayed within it is not sent again. Longer than any replay can lag
         * (consumer lag, deferred retries). Default {@link #DEFAULT_DEDUP_TTL}.
         */
        public Builder dedupTtl(Duration dedupTtl) {
            this.dedupTtl = positive(dedupTtl, "dedupTtl");
            if (dedupTtl.toMillis() < 1) {
                throw new IllegalArgumentException("dedupTtl must be at least 1 ms, was " + dedupTtl);
            }
            return this;
        }

        /** Prefix of every key, to share a server between deployments. Default {@link #DEFAULT_KEY_PREFIX}. */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("keyPrefix must not contain whitespace, was '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * The senders this deployment sends SMS from (phone numbers or messaging service ids). A recipient blocked
         * for one sender only (a carrier STOP is per sender and recipient) is treated as blocked when that sender is
         * among these; when this is empty (the default), every block applies whatever its sender, the safe choice.
         */
        public Builder senders(Set<String> senders) {
            Objects.requireNonNull(senders, "senders");
            this.senders = Set.copyOf(senders);
            return this;
        }

        /** The configuration. */
        public RedisConfig build() {
            if (dedupTtl.compareTo(commandTimeout) <= 0) {
                throw new IllegalArgumentException("dedupTtl (" + dedupTtl + ") must be longer than commandTimeout ("
                        + commandTimeout + ")");
            }
            return new RedisConfig(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
