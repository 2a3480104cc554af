package dev.notify.providers.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.Masking;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.providers.SendFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends iOS push through APNs on one long-lived Pushy {@link ApnsClient} with token authentication: create one per
 * signing key and keep it for the life of the application.
 *
 * <p>Before calling APNs: the device token must be hex of 64 characters or more ({@code "BadDeviceToken"}, token
 * invalid, otherwise; Pushy would silently strip other characters); the payload is fitted to 4 KB by cutting the
 * alert body ({@code "PayloadTooLarge"} if even an empty body does not fit). The apns-id is the notification id when
 * that is a UUID, else a stable name-based UUID of it, so a retried send carries the same apns-id.
 *
 * <p>APNs' answers: accepted is {@link DeliveryResult.Accepted} with the apns-id (accepted by APNs, not shown on
 * the device: APNs tells no more). Unregistered and BadDeviceToken are rejections that invalidate the token (with
 * APNs' timestamp where given). DeviceTokenNotForTopic and other configuration or request errors are rejections
 * that keep the token and are counted in {@value #CONFIGURATION_ERRORS_METRIC} (tag {@code reason}) for
 * alerting. TooManyRequests, ExpiredProviderToken, TooManyProviderTokenUpdates, 5xx, connection loss and GOAWAY
 * complete the future with a {@link RetriableDeliveryException}. Each send completes within the request timeout.
 */
public final class ApnsDelivery implements Delivery {

    /** Counter of permanent rejections that point at configuration or request errors, tagged by reason. */
    public static final String CONFIGURATION_ERRORS_METRIC = "notify.apns.configuration.errors";

    private static final Logger LOG = LoggerFactory.getLogger(ApnsDelivery.class);
    private static final Pattern TOKEN = Pattern.compile("[0-9a-fA-F]{64,}");

    private final ApnsConfig config;
    private final ApnsClient client;
    private final SendLimiter limiter;
    private final MeterRegistry meterRegistry;
    private final Clock clock;

    /** With a private meter registry; see {@link #ApnsDelivery(ApnsConfig, MeterRegistry)}. */
    public ApnsDelivery(ApnsConfig config) {
        this(config, new SimpleMeterRegistry());
    }

    /**
     * Builds the client; it connects on the first send.
     *
     * @throws IllegalStateException if the signing key or the TLS setup is unusable
     */
    public ApnsDelivery(ApnsConfig config, MeterRegistry meterRegistry) {
        this(config, meterRegistry, Clock.systemUTC());
    }

    ApnsDelivery(ApnsConfig config, MeterRegistry meterRegistry, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
        this.clock = clock;
        this.client = buildClient(config);
        this.limiter = new SendLimiter(config.maxConcurrentStreams(), config.maxPendingSends());
        LOG.info("[apns] client for {}:{} topic {} key {}", config.host(), config.port(), config.topic(),
                config.keyId());
    }

    private static ApnsClient buildClient(ApnsConfig config) {
        try {
            ApnsClientBuilder builder = new ApnsClientBuilder()
                    .setApnsServer(config.host(), config.port())
                    .setSigningKey(new ApnsSigningKey(config.keyId(), config.teamId(), config.signingKey()))
                    .setConcurrentConnections(config.concurrentConnections())
                    .setConnectionTimeout(config.connectTimeout());
            if (config.trustedServerCertificates() != null) {
                builder.setTrustedServerCertificateChain(config.trustedServerCertificates());
            }
            if (config.eventLoopGroup() != null) {
                builder.setEventLoopGroup(config.eventLoopGroup());
            }
            return builder.build();
        } catch (GeneralSecurityException | SSLException e) {
            throw new IllegalStateException("cannot build the APNs client for " + config, e);
        }
    }

    @Override
    public Channel channel() {
        return Channel.APNS;
    }

    @Override
    public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
        Instant now = clock.instant();
        if (request.channel() != Channel.APNS) {
            return CompletableFuture.completedFuture(DeliveryResult.Rejected.because(
                    "wrong-channel:" + request.channel(), now));
        }
        if (!TOKEN.matcher(request.recipient()).matches()) {
            LOG.debug("[apns] {}: malformed device token {}", request.id(), Masking.mask(request.recipient()));
            return CompletableFuture.completedFuture(new DeliveryResult.Rejected("BadDeviceToken", true, null, now));
        }
        String payload = ApnsPayloads.fitted(request);
        if (payload == null) {
            countConfigurationError("PayloadTooLarge");
            return CompletableFuture.completedFuture(DeliveryResult.Rejected.because("PayloadTooLarge", now));
        }
        UUID apnsId = ApnsIds.apnsId(request.id());
        SimpleApnsPushNotification notification = new SimpleApnsPushNotification(
                request.recipient().toLowerCase(java.util.Locale.ROOT),
                config.topic(),
                payload,
                request.expiresAt() != null ? request.expiresAt() : now.plus(config.defaultExpiration()),
                request.priority() == Priority.HIGH ? DeliveryPriority.IMMEDIATE : DeliveryPriority.CONSERVE_POWER,
                PushType.ALERT,
                request.collapseKey(),
                apnsId);
        return limiter.<PushNotificationResponse<SimpleApnsPushNotification>>submit(
                        () -> client.sendNotification(notification))
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> {
                    if (failure != null) {
                        throw translate(request, failure);
                    }
                    return outcome(request, response);
                });
    }

    private DeliveryResult outcome(NotificationRequest request,
            PushNotificationResponse<SimpleApnsPushNotification> response) {
        Instant now = clock.instant();
        if (response.isAccepted()) {
            LOG.debug("[apns] {}: accepted as {} for {}", request.id(), response.getApnsId(),
                    Masking.mask(request.recipient()));
            return new DeliveryResult.Accepted(String.valueOf(response.getApnsId()), now);
        }
        String reason = response.getRejectionReason().orElse("HTTP " + response.getStatusCode());
        if (ApnsRejections.isTransient(response.getStatusCode(), reason)) {
            throw new RetriableDeliveryException("apns: " + reason + " (HTTP " + response.getStatusCode() + ")");
        }
        if (ApnsRejections.invalidatesToken(reason)) {
            LOG.debug("[apns] {}: token {} invalid: {}", request.id(), Masking.mask(request.recipient()), reason);
            return new DeliveryResult.Rejected(reason, true, response.getTokenInvalidationTimestamp().orElse(null),
                    now);
        }
        countConfigurationError(reason);
        return DeliveryResult.Rejected.because(reason, now);
    }

    private void countConfigurationError(String reason) {
        Counter.builder(CONFIGURATION_ERRORS_METRIC)
                .description("APNs rejections caused by configuration or request errors")
                .tag("reason", reason)
                .register(meterRegistry)
                .increment();
    }

    private RuntimeException translate(NotificationRequest request, Throwable failure) {
        return SendFailures.retriable("apns", request.id(), failure, config.requestTimeout());
    }

    /** Closes the client, waiting for sends in flight (Pushy's graceful shutdown). */
    @Override
    public void close() {
        client.close().join();
    }

    @Override
    public String toString() {
        return "ApnsDelivery[" + config + "]";
    }
}
