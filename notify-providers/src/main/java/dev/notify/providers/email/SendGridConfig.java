package dev.notify.providers.email;

import static dev.notify.providers.ConfigChecks.positive;
import static dev.notify.providers.ConfigChecks.requireText;

import java.time.Duration;

/** Immutable configuration of {@link SendGridDelivery}, built by {@link #builder()}; {@link #toString()} hides the key. */
public final class SendGridConfig {

    /** SendGrid's global API host: {@value}. */
    public static final String GLOBAL_HOST = "api.sendgrid.com";
    /** SendGrid's EU API host (EU-pinned subusers): {@value}. */
    public static final String EU_HOST = "api.eu.sendgrid.com";
    /** Default connect timeout: 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default time to wait for an answer: 10 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default number of requests in flight at once: 16. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 16;
    /** Default subject for a notification without a title: {@value}. */
    public static final String DEFAULT_SUBJECT = "Notification";

    private final String apiKey;
    private final String fromAddress;
    private final String fromName;
    private final String host;
    private final boolean plainHttp;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxConcurrentRequests;
    private final String defaultSubject;

    private SendGridConfig(Builder builder) {
        this.apiKey = builder.apiKey;
        this.fromAddress = builder.fromAddress;
        this.fromName = builder.fromName;
        this.host = builder.host;
        this.plainHttp = builder.plainHttp;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.maxConcurrentRequests = builder.maxConcurrentRequests;
        this.defaultSubject = builder.defaultSubject;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String apiKey() {
        return apiKey;
    }

    public String fromAddress() {
        return fromAddress;
    }

    /** The sender's display name; {@code null} for none. */
    public String fromName() {
        return fromName;
    }

    /** {@code host} or {@code host:port}, no scheme. */
    public String host() {
        return host;
    }

    /** Whether to speak plain http (local sandboxes only). */
    public boolean plainHttp() {
        return plainHttp;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    public String defaultSubject() {
        return defaultSubject;
    }

    @Override
    public String toString() {
        return "SendGridConfig[apiKey=****, fromAddress=" + fromAddress + ", fromName=" + fromName + ", host=" + host
                + ", plainHttp=" + plainHttp + ", connectTimeout=" + connectTimeout + ", requestTimeout="
                + requestTimeout + ", maxConcurrentRequests=" + maxConcurrentRequests + ", defaultSubject="
                + defaultSubject + "]";
    }

    /** A mutable, reusable builder. API key and sender address are required. */
    public static final class Builder {
        private String apiKey;
        private String fromAddress;
        private String fromName;
        private String host = GLOBAL_HOST;
        private boolean plainHttp;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
        private String defaultSubject = DEFAULT_SUBJECT;

        private Builder() {
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = requireText(apiKey, "apiKey");
            return this;
        }

        public Builder fromAddress(String fromAddress) {
            String trimmed = requireText(fromAddress, "fromAddress").trim();
            if (!EmailAddresses.isValid(trimmed)) {
                throw new IllegalArgumentException("fromAddress is not an email address: " + fromAddress);
            }
            this.fromAddress = trimmed;
            return this;
        }

        /** Default: none. */
        public Builder fromName(String fromName) {
            this.fromName = fromName;
            return this;
        }

        /** Default {@value #GLOBAL_HOST}. */
        public Builder host(String host) {
            this.host = requireText(host, "host");
            return this;
        }

        /** Default false (https). */
        public Builder plainHttp(boolean plainHttp) {
            this.plainHttp = plainHttp;
            return this;
        }

        /** Default 5 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Default 10 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** Default 16. */
        public Builder maxConcurrentRequests(int maxConcurrentRequests) {
            if (maxConcurrentRequests < 1) {
                throw new IllegalArgumentException("maxConcurrentRequests must be at least 1: " + maxConcurrentRequests);
            }
            this.maxConcurrentRequests = maxConcurrentRequests;
            return this;
        }

        /** Default {@value #DEFAULT_SUBJECT}. */
        public Builder defaultSubject(String defaultSubject) {
            this.defaultSubject = requireText(defaultSubject, "defaultSubject");
            return this;
        }

        public SendGridConfig build() {
            if (apiKey == null || fromAddress == null) {
                throw new IllegalStateException("apiKey and fromAddress are required");
            }
            return new SendGridConfig(this);
        }
    }
}
