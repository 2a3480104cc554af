package dev.notify.providers.sms;

import static dev.notify.providers.ConfigChecks.positive;
import static dev.notify.providers.ConfigChecks.requireText;

import java.net.URI;
import java.time.Duration;

/**
 * Immutable configuration of {@link TwilioSmsDelivery} and {@link TwilioReceiptQuery}, built by {@link #builder()}.
 * {@link #toString()} never shows the auth token.
 */
public final class TwilioConfig {

    /** Default region for numbers written without a country code: {@value}. */
    public static final String DEFAULT_PHONE_REGION = "US";
    /** Default connect timeout: 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default time to wait for an answer: 10 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default number of requests in flight at once (threads for the blocking SDK): 16. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 16;

    private final String accountSid;
    private final String authToken;
    private final String from;
    private final URI baseUrl;
    private final String region;
    private final String edge;
    private final URI statusCallbackBaseUrl;
    private final String defaultPhoneRegion;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxConcurrentRequests;

    private TwilioConfig(Builder builder) {
        this.accountSid = builder.accountSid;
        this.authToken = builder.authToken;
        this.from = builder.from;
        this.baseUrl = builder.baseUrl;
        this.region = builder.region;
        this.edge = builder.edge;
        this.statusCallbackBaseUrl = builder.statusCallbackBaseUrl;
        this.defaultPhoneRegion = builder.defaultPhoneRegion;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.maxConcurrentRequests = builder.maxConcurrentRequests;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String accountSid() {
        return accountSid;
    }

    public String authToken() {
        return authToken;
    }

    /** The sender: an E.164 number or an alphanumeric sender id. */
    public String from() {
        return from;
    }

    /** Where requests go instead of {@code https://api.twilio.com}; {@code null} for Twilio itself. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Twilio region (e.g. {@code ie1}); {@code null} for the default (US). */
    public String region() {
        return region;
    }

    /** Twilio edge location (e.g. {@code dublin}); {@code null} for the default. */
    public String edge() {
        return edge;
    }

    /** The StatusCallback base URL; the notification id is added as query parameter {@code notificationId}. */
    public URI statusCallbackBaseUrl() {
        return statusCallbackBaseUrl;
    }

    public String defaultPhoneRegion() {
        return defaultPhoneRegion;
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

    @Override
    public String toString() {
        return "TwilioConfig[accountSid=" + accountSid + ", authToken=****, from=" + from + ", baseUrl=" + baseUrl
                + ", region=" + region + ", edge=" + edge + ", statusCallbackBaseUrl=" + statusCallbackBaseUrl
                + ", defaultPhoneRegion=" + defaultPhoneRegion + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", maxConcurrentRequests=" + maxConcurrentRequests + "]";
    }

    /** A mutable, reusable builder. Account SID, auth token and sender are required. */
    public static final class Builder {
        private String accountSid;
        private String authToken;
        private String from;
        private URI baseUrl;
        private String region;
        private String edge;
        private URI statusCallbackBaseUrl;
        private String defaultPhoneRegion = DEFAULT_PHONE_REGION;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;

        private Builder() {
        }

        public Builder accountSid(String accountSid) {
            this.accountSid = requireText(accountSid, "accountSid");
            return this;
        }

        public Builder authToken(String authToken) {
            this.authToken = requireText(authToken, "authToken");
            return this;
        }

        public Builder from(String from) {
            this.from = requireText(from, "from");
            return this;
        }

        /** Default: none (Twilio itself). */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** Default: none. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** Default: none. */
        public Builder edge(String edge) {
            this.edge = edge;
            return this;
        }

        /** Default: none (no StatusCallback). */
        public Builder statusCallbackBaseUrl(URI statusCallbackBaseUrl) {
            this.statusCallbackBaseUrl = statusCallbackBaseUrl;
            return this;
        }

        /** ISO 3166 region for numbers without a country code; default {@value #DEFAULT_PHONE_REGION}. */
        public Builder defaultPhoneRegion(String defaultPhoneRegion) {
            this.defaultPhoneRegion = requireText(defaultPhoneRegion, "defaultPhoneRegion");
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

        /** Default {@value #DEFAULT_MAX_CONCURRENT_REQUESTS}. */
        public Builder maxConcurrentRequests(int maxConcurrentRequests) {
            if (maxConcurrentRequests < 1) {
                throw new IllegalArgumentException("maxConcurrentRequests must be at least 1: " + maxConcurrentRequests);
            }
            this.maxConcurrentRequests = maxConcurrentRequests;
            return this;
        }

        public TwilioConfig build() {
            if (accountSid == null || authToken == null || from == null) {
                throw new IllegalStateException("accountSid, authToken and from are required");
            }
            if (baseUrl != null && (region != null || edge != null)) {
                throw new IllegalStateException("baseUrl replaces region and edge; set one or the other");
            }
            return new TwilioConfig(this);
        }
    }
}
