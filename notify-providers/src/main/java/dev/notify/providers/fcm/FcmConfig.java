package dev.notify.providers.fcm;

import static dev.notify.providers.ConfigChecks.positive;
import static dev.notify.providers.ConfigChecks.requireText;

import java.net.URI;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable configuration of {@link FcmDelivery}, built by {@link #builder()}: the Firebase project, the service
 * account (client email, private key and its id), and the endpoints. {@link #toString()} never shows the key.
 */
public final class FcmConfig {

    /** FCM's API base URL: {@value}. */
    public static final String DEFAULT_BASE_URL = "https://fcm.googleapis.com";
    /** Google's OAuth2 token endpoint: {@value}. */
    public static final String DEFAULT_TOKEN_SERVER_URI = "https://oauth2.googleapis.com/token";
    /** The OAuth2 scope FCM needs: {@value}. */
    public static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    /** Default connect timeout: 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default time to wait for an answer (the token's included): 10 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final String projectId;
    private final String clientEmail;
    private final PrivateKey privateKey;
    private final String privateKeyId;
    private final URI baseUrl;
    private final URI tokenServerUri;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    private FcmConfig(Builder builder) {
        this.projectId = builder.projectId;
        this.clientEmail = builder.clientEmail;
        this.privateKey = builder.privateKey;
        this.privateKeyId = builder.privateKeyId;
        this.baseUrl = builder.baseUrl;
        this.tokenServerUri = builder.tokenServerUri;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String projectId() {
        return projectId;
    }

    public String clientEmail() {
        return clientEmail;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String privateKeyId() {
        return privateKeyId;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public URI tokenServerUri() {
        return tokenServerUri;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    @Override
    public String toString() {
        return "FcmConfig[projectId=" + projectId + ", clientEmail=" + clientEmail + ", privateKey=****, privateKeyId="
                + privateKeyId + ", baseUrl=" + baseUrl + ", tokenServerUri=" + tokenServerUri + ", connectTimeout="
                + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
    }

    /** A mutable, reusable builder. Project id, client email and private key are required. */
    public static final class Builder {
        private String projectId;
        private String clientEmail;
        private PrivateKey privateKey;
        private String privateKeyId;
        private URI baseUrl = URI.create(DEFAULT_BASE_URL);
        private URI tokenServerUri = URI.create(DEFAULT_TOKEN_SERVER_URI);
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

        private Builder() {
        }

        public Builder projectId(String projectId) {
            this.projectId = requireText(projectId, "projectId");
            return this;
        }

        public Builder clientEmail(String clientEmail) {
            this.clientEmail = requireText(clientEmail, "clientEmail");
            return this;
        }

        /** The service account's RSA private key. */
        public Builder privateKey(PrivateKey privateKey) {
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /** Default: none. */
        public Builder privateKeyId(String privateKeyId) {
            this.privateKeyId = privateKeyId;
            return this;
        }

        /** Default {@value #DEFAULT_BASE_URL}. */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** Default {@value #DEFAULT_TOKEN_SERVER_URI}. */
        public Builder tokenServerUri(URI tokenServerUri) {
            this.tokenServerUri = Objects.requireNonNull(tokenServerUri, "tokenServerUri");
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

        public FcmConfig build() {
            if (projectId == null || clientEmail == null || privateKey == null) {
                throw new IllegalStateException("projectId, clientEmail and privateKey are required");
            }
            return new FcmConfig(this);
        }
    }
}
