package dev.notify.providers.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.Masking;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.providers.SendFailures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Android push through FCM's HTTP v1 {@code messages:send}.
 *
 * <p>Answers: 200 is accepted with the message name as provider message id ("accepted" means accepted by FCM, no
 * more); {@code UNREGISTERED} is a rejection that invalidates the token; {@code INVALID_ARGUMENT},
 * {@code SENDER_ID_MISMATCH} and other 4xx are rejections {@code "fcm:<code>"}; 429 ({@code QUOTA_EXCEEDED}), 5xx,
 * 401 (token refused, refreshed for the next try) and network errors are retriable, with the {@code Retry-After}
 * FCM sent.
 */
public final class FcmDelivery implements Delivery {

    /** The data key carrying the notification id. */
    public static final String NOTIFICATION_ID_KEY = "notification_id";

    private static final Logger LOG = LoggerFactory.getLogger(FcmDelivery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FcmConfig config;
    private final ServiceAccountCredentials credentials;
    private final HttpClient httpClient;
    private final URI sendUri;
    private final ExecutorService tokenExecutor;
    private final Clock clock;
    private final Duration deadline;

    public FcmDelivery(FcmConfig config) {
        this(config, Clock.systemUTC());
    }

    FcmDelivery(FcmConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = clock;
        this.credentials = ServiceAccountCredentials.newBuilder()
                .setClientEmail(config.clientEmail())
                .setPrivateKey(config.privateKey())
                .setPrivateKeyId(config.privateKeyId())
                .setProjectId(config.projectId())
                .setTokenServerUri(config.tokenServerUri())
                .setScopes(List.of(FcmConfig.SCOPE))
                .build();
        this.httpClient = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
        this.sendUri = URI.create(config.baseUrl().toString().replaceAll("/+$", "")
                + "/v1/projects/" + config.projectId() + "/messages:send");
        this.tokenExecutor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fcm-token");
            thread.setDaemon(true);
            return thread;
        });
        this.deadline = config.requestTimeout().plus(config.connectTimeout());
    }

    @Override
    public Channel channel() {
        return Channel.FCM;
    }

    @Override
    public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
        if (request.channel() != Channel.FCM) {
            return CompletableFuture.completedFuture(DeliveryResult.Rejected.because(
                    "wrong-channel:" + request.channel(), clock.instant()));
        }
        if (request.recipient().isBlank()) {
            return CompletableFuture.completedFuture(DeliveryResult.Rejected.because("fcm:missing-token",
                    clock.instant()));
        }
        CompletableFuture<String> token;
        try {
            token = CompletableFuture.supplyAsync(this::bearerToken, tokenExecutor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new RetriableDeliveryException("fcm delivery is closed", e));
        }
        return token
                .thenCompose(bearer -> httpClient.sendAsync(HttpRequest.newBuilder(sendUri)
                        .timeout(config.requestTimeout())
                        .header("Authorization", "Bearer " + bearer)
                        .header("Content-Type", "application/json; charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString(body(request)))
                        .build(), HttpResponse.BodyHandlers.ofString()))
                .thenApply(response -> outcome(request, response))
                .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(translate(request, failure)));
    }

    private String bearerToken() {
        try {
            credentials.refreshIfExpired();
            return credentials.getAccessToken().getTokenValue();
        } catch (IOException e) {
            throw new RetriableDeliveryException("fcm: no OAuth2 token: " + e.getMessage(), e);
        }
    }

    private String body(NotificationRequest request) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode message = root.putObject("message");
        message.put("token", request.recipient());
        ObjectNode notification = message.putObject("notification");
        if (!request.title().isEmpty()) {
            notification.put("title", request.title());
        }
        notification.put("body", request.body());
        ObjectNode data = message.putObject("data");
        request.data().forEach(data::put);
        data.put(NOTIFICATION_ID_KEY, request.id());
        ObjectNode android = message.putObject("android");
        android.put("priority", request.priority() == Priority.HIGH ? "HIGH" : "NORMAL");
        if (request.collapseKey() != null) {
            android.put("collapse_key", request.collapseKey());
        }
        if (request.expiresAt() != null) {
            long seconds = Math.max(0, Duration.between(clock.instant(), request.expiresAt()).toSeconds());
            android.put("ttl", seconds + "s");
        }
        return root.toString();
    }

    private DeliveryResult outcome(NotificationRequest request, HttpResponse<String> response) {
        int status = response.statusCode();
        Instant now = clock.instant();
        if (status == 200) {
            String name = readTree(response.body()).path("name").asText(null);
            LOG.debug("[fcm] {}: accepted as {} for {}", request.id(), name, Masking.mask(request.recipient()));
            return new DeliveryResult.Accepted(name, now);
        }
        JsonNode error = readTree(response.body()).path("error");
        String errorCode = fcmErrorCode(error);
        String detail = "fcm:" + errorCode + " (HTTP " + status + "): " + error.path("message").asText("");
        Duration retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null), now);
        if (status == 429 || status >= 500) {
            throw new RetriableDeliveryException(detail, retryAfter, null);
        }
        if (status == 401) {
            tokenExecutor.execute(this::refreshQuietly);
            throw new RetriableDeliveryException(detail, retryAfter, null);
        }
        if ("UNREGISTERED".equals(errorCode)) {
            return new DeliveryResult.Rejected("fcm:UNREGISTERED", true, null, now);
        }
        return DeliveryResult.Rejected.because(detail, now);
    }

    /** The FcmError code from the details, else the status of the error, else the HTTP status. */
    private static String fcmErrorCode(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (detail.path("@type").asText("").endsWith("google.firebase.fcm.v1.FcmError")
                    && detail.hasNonNull("errorCode")) {
                return detail.get("errorCode").asText();
            }
        }
        return error.path("status").asText("UNSPECIFIED");
    }

    private void refreshQuietly() {
        try {
            credentials.refresh();
        } catch (IOException e) {
            LOG.debug("[fcm] token refresh failed: {}", e.toString());
        }
    }

    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                Duration wait = Duration.between(now,
                        ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private static JsonNode readTree(String body) {
        try {
            return body == null || body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private RuntimeException translate(NotificationRequest request, Throwable failure) {
        return SendFailures.retriable("fcm", request.id(), failure, deadline);
    }

    @Override
    public void close() {
        tokenExecutor.shutdownNow();
    }

    @Override
    public String toString() {
        return "FcmDelivery[" + config + "]";
    }
}
