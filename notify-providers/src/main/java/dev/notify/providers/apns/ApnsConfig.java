package dev.notify.providers.apns;

import static dev.notify.providers.ConfigChecks.atLeastOne;
import static dev.notify.providers.ConfigChecks.positive;
import static dev.notify.providers.ConfigChecks.requireText;

import io.netty.channel.EventLoopGroup;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable configuration of {@link ApnsDelivery}, built by {@link #builder()}: the APNs endpoint, the token-auth
 * key (team id, key id, EC private key from the .p8 file), the topic (app bundle id) and the limits.
 * {@link #toString()} never shows the key.
 */
public final class ApnsConfig {

    /** APNs production host: {@value}. */
    public static final String PRODUCTION_HOST = "api.push.apple.com";
    /** APNs development (sandbox) host: {@value}. */
    public static final String DEVELOPMENT_HOST = "api.sandbox.push.apple.com";
    /** APNs' port: {@value}. */
    public static final int DEFAULT_PORT = 443;
    /** Default bound of sends in flight at once: {@value}. */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 1000;
    /** Default bound of sends waiting for a stream: {@value}. */
    public static final int DEFAULT_MAX_PENDING_SENDS = 10_000;
    /** Default number of connections: {@value}. */
    public static final int DEFAULT_CONCURRENT_CONNECTIONS = 1;
    /** Default connect timeout: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default time to wait for an answer, waiting for a stream included: 10 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default time APNs keeps trying a notification that has no expiry of its own: 1 day. */
    public static final Duration DEFAULT_EXPIRATION = Duration.ofDays(1);

    private final String host;
    private final int port;
    private final String teamId;
    private final String keyId;
    private final ECPrivateKey signingKey;
    private final String topic;
    private final int maxConcurrentStreams;
    private final int maxPendingSends;
    private final int concurrentConnections;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration defaultExpiration;
    private final X509Certificate[] trustedServerCertificates;
    private final EventLoopGroup eventLoopGroup;

    private ApnsConfig(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.teamId = builder.teamId;
        this.keyId = builder.keyId;
        this.signingKey = builder.signingKey;
        this.topic = builder.topic;
        this.maxConcurrentStreams = builder.maxConcurrentStreams;
        this.maxPendingSends = builder.maxPendingSends;
        this.concurrentConnections = builder.concurrentConnections;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.defaultExpiration = builder.defaultExpiration;
        this.trustedServerCertificates = builder.trustedServerCertificates == null ? null
                : builder.trustedServerCertificates.clone();
        this.eventLoopGroup = builder.eventLoopGroup;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String teamId() {
        return teamId;
    }

    public String keyId() {
        return keyId;
    }

    public ECPrivateKey signingKey() {
        return signingKey;
    }

    public String topic() {
        return topic;
    }

    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    public int maxPendingSends() {
        return maxPendingSends;
    }

    public int concurrentConnections() {
        return concurrentConnections;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration defaultExpiration() {
        return defaultExpiration;
    }

    /** Certificates to trust instead of the system's (sandboxes); {@code null} for the system's. */
    public X509Certificate[] trustedServerCertificates() {
        return trustedServerCertificates == null ? null : trustedServerCertificates.clone();
    }

    /** An event loop group to share (not closed by the delivery); {@code null} for Pushy's own. */
    public EventLoopGroup eventLoopGroup() {
        return eventLoopGroup;
    }

    @Override
    public String toString() {
        return "ApnsConfig[host=" + host + ", port=" + port + ", teamId=" + teamId + ", keyId=" + keyId
                + ", signingKey=****, topic=" + topic + ", maxConcurrentStreams=" + maxConcurrentStreams
                + ", maxPendingSends=" + maxPendingSends + ", concurrentConnections=" + concurrentConnections
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", defaultExpiration="
                + defaultExpiration + ", trustedServerCertificates="
                + (trustedServerCertificates == null ? "system" : trustedServerCertificates.length + " given")
                + ", eventLoopGroup=" + (eventLoopGroup == null ? "own" : "shared") + "]";
    }

    /** A mutable, reusable builder. Team id, key id, signing key and topic are required. */
    public static final class Builder {
        private String host = PRODUCTION_HOST;
        private int port = DEFAULT_PORT;
        private String teamId;
        private String keyId;
        private ECPrivateKey signingKey;
        private String topic;
        private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
        private int maxPendingSends = DEFAULT_MAX_PENDING_SENDS;
        private int concurrentConnections = DEFAULT_CONCURRENT_CONNECTIONS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration defaultExpiration = DEFAULT_EXPIRATION;
        private X509Certificate[] trustedServerCertificates;
        private EventLoopGroup eventLoopGroup;

        private Builder() {
        }

        /** Default {@value #PRODUCTION_HOST}:{@value #DEFAULT_PORT}. */
        public Builder server(String host, int port) {
            this.host = requireText(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be in 1..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** {@link #DEVELOPMENT_HOST} on port 443. */
        public Builder development() {
            return server(DEVELOPMENT_HOST, DEFAULT_PORT);
        }

        public Builder teamId(String teamId) {
            this.teamId = requireText(teamId, "teamId");
            return this;
        }

        public Builder keyId(String keyId) {
            this.keyId = requireText(keyId, "keyId");
            return this;
        }

        /** The EC P-256 private key of the .p8 file. */
        public Builder signingKey(ECPrivateKey signingKey) {
            this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
            return this;
        }

        /** The app's bundle id. */
        public Builder topic(String topic) {
            this.topic = requireText(topic, "topic");
            return this;
        }

        /** Default {@value #DEFAULT_MAX_CONCURRENT_STREAMS}. */
        public Builder maxConcurrentStreams(int maxConcurrentStreams) {
            this.maxConcurrentStreams = atLeastOne(maxConcurrentStreams, "maxConcurrentStreams");
            return this;
        }

        /** Default {@value #DEFAULT_MAX_PENDING_SENDS}; past it a send fails at once, retriably. */
        public Builder maxPendingSends(int maxPendingSends) {
            if (maxPendingSends < 0) {
                throw new IllegalArgumentException("maxPendingSends must not be negative: " + maxPendingSends);
            }
            this.maxPendingSends = maxPendingSends;
            return this;
        }

        /** Default {@value #DEFAULT_CONCURRENT_CONNECTIONS}. */
        public Builder concurrentConnections(int concurrentConnections) {
            this.concurrentConnections = atLeastOne(concurrentConnections, "concurrentConnections");
            return this;
        }

        /** Default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Default 10 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** Default 1 day. */
        public Builder defaultExpiration(Duration defaultExpiration) {
            this.defaultExpiration = positive(defaultExpiration, "defaultExpiration");
            return this;
        }

        /** Default: none (the system's trust store). */
        public Builder trustedServerCertificates(X509Certificate... certificates) {
            this.trustedServerCertificates = certificates == null ? null : certificates.clone();
            return this;
        }

        /** Default: none (Pushy's own). */
        public Builder eventLoopGroup(EventLoopGroup eventLoopGroup) {
            this.eventLoopGroup = eventLoopGroup;
            return this;
        }

        public ApnsConfig build() {
            if (teamId == null || keyId == null || signingKey == null || topic == null) {
                throw new IllegalStateException("teamId, keyId, signingKey and topic are required");
            }
            return new ApnsConfig(this);
        }
    }
}
