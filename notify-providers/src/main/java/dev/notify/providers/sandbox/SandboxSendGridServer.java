package dev.notify.providers.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.UUID;

/**
 * Answers like SendGrid's {@code POST /v3/mail/send} on loopback: checks the Bearer key and the JSON (a
 * personalization with a recipient, from, subject, content), counts by custom argument {@code notification_id}, and
 * answers 202 with an {@code X-Message-Id} header in exactly that case (the SDK reads it case-sensitively).
 */
public final class SandboxSendGridServer extends SandboxHttpPeer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String expectedAuthorization;

    /** Starts on {@code port} (0 for any free port), accepting {@code apiKey}. */
    public SandboxSendGridServer(int port, String apiKey) {
        super("sendgrid", port);
        this.expectedAuthorization = "Bearer " + apiKey;
    }

    /** A SendGrid-shaped error answer. */
    public static HttpReply error(int status, String message) {
        return HttpReply.json(status, "{\"errors\":[{\"message\":" + quote(message) + ",\"field\":null,\"help\":null}]}");
    }

    /** A 429 answer with SendGrid's rate-limit headers, the limit resetting at {@code reset}. */
    public static HttpReply tooManyRequests(Instant reset) {
        return error(429, "too many requests")
                .withHeader("X-RateLimit-Limit", "600")
                .withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Reset", Long.toString(reset.getEpochSecond()));
    }

    @Override
    HttpReply handle(HttpExchange exchange) {
        if (!"POST".equals(exchange.method()) || !"/v3/mail/send".equals(exchange.path())) {
            return error(404, "not found: " + exchange.path());
        }
        JsonNode mail;
        try {
            mail = JSON.readTree(exchange.body());
        } catch (IOException e) {
            return error(400, "Bad Request");
        }
        String notificationId = mail.path("custom_args").path("notification_id").asText(null);
        String recipient = mail.path("personalizations").path(0).path("to").path(0).path("email").asText(null);
        if (!expectedAuthorization.equals(exchange.header("Authorization"))) {
            return error(401, "The provided authorization grant is invalid, expired, or revoked");
        }
        HttpReply scripted = countAndScript(notificationId, recipient);
        if (scripted != null) {
            return scripted;
        }
        if (recipient == null || mail.path("from").path("email").asText("").isEmpty()
                || mail.path("subject").asText("").isEmpty() || mail.path("content").path(0).isMissingNode()) {
            return error(400, "personalizations, from, subject and content are required");
        }
        return HttpReply.empty(202).withHeader("X-Message-Id", UUID.randomUUID().toString().replace("-", ""));
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
