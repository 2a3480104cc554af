package dev.notify.providers.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.providers.fcm.FcmConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers like Google's OAuth2 token endpoint ({@code POST /token}: a JWT-bearer grant whose assertion is checked
 * against the generated service-account key and client email) and FCM's {@code POST
 * /v1/projects/{project}/messages:send} (Bearer token checked; counts by {@code message.data.notification_id};
 * answers 200 with a message name). {@link #configBuilder()} gives an {@link FcmConfig.Builder} aimed at it.
 */
public final class SandboxFcmServer extends SandboxHttpPeer {

    /** The project id the sandbox serves. */
    public static final String PROJECT_ID = "sandbox-project";
    /** The service account's client email. */
    public static final String CLIENT_EMAIL = "notify-sandbox@sandbox-project.iam.gserviceaccount.com";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair serviceAccountKey;
    private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong tokenRequests = new AtomicLong();

    /** Starts on {@code port} (0 for any free port) with the service-account key generated for this JVM. */
    public SandboxFcmServer(int port) {
        super("fcm", port);
        this.serviceAccountKey = ServiceAccountKey.KEY_PAIR;
    }

    /** One RSA key per JVM: generating one costs seconds of CPU on a busy machine. 1024 bits: a sandbox only. */
    private static final class ServiceAccountKey {
        static final KeyPair KEY_PAIR = generate();

        private static KeyPair generate() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(1024);
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot generate the sandbox service-account key", e);
            }
        }
    }

    /** An FCM-shaped error: HTTP status, canonical status (e.g. NOT_FOUND) and FcmError code (e.g. UNREGISTERED). */
    public static HttpReply error(int httpStatus, String status, String errorCode, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", httpStatus);
        error.put("message", message);
        error.put("status", status);
        if (errorCode != null) {
            ObjectNode detail = error.putArray("details").addObject();
            detail.put("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError");
            detail.put("errorCode", errorCode);
        }
        return HttpReply.json(httpStatus, root.toString());
    }

    /** A configuration builder aimed at this server (project, service account, base URL, token URI). */
    public FcmConfig.Builder configBuilder() {
        return FcmConfig.builder()
                .projectId(PROJECT_ID)
                .clientEmail(CLIENT_EMAIL)
                .privateKey(serviceAccountKey.getPrivate())
                .privateKeyId("sandbox-key")
                .baseUrl(URI.create(baseUrl()))
                .tokenServerUri(URI.create(baseUrl() + "/token"));
    }

    /** How many access tokens were asked for. */
    public long tokenRequestCount() {
        return tokenRequests.get();
    }

    @Override
    HttpReply handle(HttpExchange exchange) {
        if ("POST".equals(exchange.method()) && "/token".equals(exchange.path())) {
            return token(exchange);
        }
        String sendPath = "/v1/projects/" + PROJECT_ID + "/messages:send";
        if (!"POST".equals(exchange.method()) || !sendPath.equals(exchange.path())) {
            return error(404, "NOT_FOUND", null, "not found: " + exchange.path());
        }
        String authorization = exchange.header("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")
                || !issuedTokens.contains(authorization.substring("Bearer ".length()))) {
            return error(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", "Request had invalid credentials");
        }
        JsonNode message;
        try {
            message = JSON.readTree(exchange.body()).path("message");
        } catch (IOException e) {
            return error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Invalid JSON payload received");
        }
        String token = message.path("token").asText(null);
        HttpReply scripted = countAndScript(message.path("data").path("notification_id").asText(null), token);
        if (scripted != null) {
            return scripted;
        }
        if (token == null || token.isBlank()) {
            return error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "The registration token is not valid");
        }
        return HttpReply.json(200, "{\"name\":\"projects/" + PROJECT_ID + "/messages/0:"
                + System.nanoTime() + "%" + sequence.incrementAndGet() + "\"}");
    }

    private HttpReply token(HttpExchange exchange) {
        tokenRequests.incrementAndGet();
        Map<String, String> form = exchange.form();
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))
                || !validAssertion(form.get("assertion"))) {
            return HttpReply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT\"}");
        }
        String accessToken = "ya29.sandbox-" + sequence.incrementAndGet();
        issuedTokens.add(accessToken);
        return HttpReply.json(200, "{\"access_token\":\"" + accessToken
                + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
    }

    private boolean validAssertion(String jwt) {
        if (jwt == null) {
            return false;
        }
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(serviceAccountKey.getPublic());
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return false;
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return CLIENT_EMAIL.equals(claims.path("iss").asText())
                    && claims.path("scope").asText("").contains(FcmConfig.SCOPE);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void reset() {
        super.reset();
        tokenRequests.set(0);
    }
}
