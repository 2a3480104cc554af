package dev.notify.providers.sms;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.Masking;
import dev.notify.core.NotificationRequest;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.providers.SendFailures;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends SMS through Twilio's Messages API.
 *
 * <p>Recipients are normalised to E.164 (numbers without a country code read in the configured default region);
 * a number that is not valid is rejected ({@code "invalid-phone-number"}) without calling Twilio. Each message
 * carries a StatusCallback URL with the notification id when a callback base URL is configured; the message SID is
 * the provider message id.
 *
 * <p>Twilio's answers: 21211 (invalid 'To') and 21610 (recipient opted out, also told to the
 * {@link SmsOptOutListener}) and other 4xx are rejections {@code "twilio:<code>"}; 20429, HTTP 429, 5xx and
 * connection errors are retriable. The SDK's blocking calls run on a pool of {@link
 * TwilioConfig#maxConcurrentRequests()} threads; each send completes within the request timeout (plus the connect
 * timeout).
 */
public final class TwilioSmsDelivery implements Delivery {

    /** Twilio error: the 'To' number is not a valid phone number. */
    public static final int ERROR_INVALID_TO = 21211;
    /** Twilio error: the recipient unsubscribed (replied STOP). */
    public static final int ERROR_OPTED_OUT = 21610;
    /** Twilio error: too many requests. */
    public static final int ERROR_TOO_MANY_REQUESTS = 20429;

    private static final Logger LOG = LoggerFactory.getLogger(TwilioSmsDelivery.class);

    private final TwilioConfig config;
    private final SmsOptOutListener optOutListener;
    private final TwilioRestClient client;
    private final PhoneNumbers phoneNumbers;
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration deadline;

    public TwilioSmsDelivery(TwilioConfig config) {
        this(config, SmsOptOutListener.NONE);
    }

    /** @param optOutListener told of recipients Twilio says opted out; {@code null} for none */
    public TwilioSmsDelivery(TwilioConfig config, SmsOptOutListener optOutListener) {
        this(config, optOutListener, Clock.systemUTC());
    }

    TwilioSmsDelivery(TwilioConfig config, SmsOptOutListener optOutListener, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.optOutListener = optOutListener == null ? SmsOptOutListener.NONE : optOutListener;
        this.clock = clock;
        this.client = TwilioClients.restClient(config);
        this.phoneNumbers = new PhoneNumbers(config.defaultPhoneRegion());
        this.executor = TwilioClients.executor("twilio-sms", config.maxConcurrentRequests());
        this.deadline = config.requestTimeout().plus(config.connectTimeout());
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
        if (request.channel() != Channel.SMS) {
            return CompletableFuture.completedFuture(DeliveryResult.Rejected.because(
                    "wrong-channel:" + request.channel(), clock.instant()));
        }
        String to = phoneNumbers.toE164(request.recipient());
        if (to == null) {
            LOG.debug("[twilio] {}: invalid phone number {}", request.id(), Masking.mask(request.recipient()));
            return CompletableFuture.completedFuture(DeliveryResult.Rejected.because(
                    "invalid-phone-number", clock.instant()));
        }
        CompletableFuture<DeliveryResult> result;
        try {
            result = CompletableFuture.supplyAsync(() -> create(request, to), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new RetriableDeliveryException("twilio delivery is closed", e));
        }
        return result
                .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .handle((value, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(value);
                    }
                    return CompletableFuture.<DeliveryResult>failedFuture(translate(request, failure));
                })
                .thenCompose(future -> future);
    }

    private DeliveryResult create(NotificationRequest request, String to) {
        MessageCreator creator = Message.creator(config.accountSid(), new PhoneNumber(to),
                new PhoneNumber(config.from()), request.body());
        if (config.statusCallbackBaseUrl() != null) {
            creator.setStatusCallback(statusCallback(request.id()));
        }
        try {
            Message message = creator.create(client);
            LOG.debug("[twilio] {}: accepted as {} for {}", request.id(), message.getSid(), Masking.mask(to));
            return new DeliveryResult.Accepted(message.getSid(), clock.instant());
        } catch (ApiException e) {
            return classify(request, to, e);
        } catch (ApiConnectionException e) {
            throw new RetriableDeliveryException("twilio: connection failed: " + e.getMessage(), e);
        }
    }

    private DeliveryResult classify(NotificationRequest request, String to, ApiException e) {
        Integer code = e.getCode();
        Integer status = e.getStatusCode();
        if (code == null && status == null) {
            throw new RetriableDeliveryException("twilio: no usable answer: " + e.getMessage(), e);
        }
        if ((code != null && code == ERROR_TOO_MANY_REQUESTS) || (status != null && (status == 429 || status >= 500))) {
            throw new RetriableDeliveryException("twilio:" + code + " (HTTP " + status + "): " + e.getMessage(), e);
        }
        if (code != null && code == ERROR_OPTED_OUT) {
            LOG.debug("[twilio] {}: recipient {} opted out", request.id(), Masking.mask(to));
            optOutListener.optedOut(request.userId(), to, request.id());
        }
        return DeliveryResult.Rejected.because("twilio:" + code + ": " + e.getMessage(), clock.instant());
    }

    private String statusCallback(String notificationId) {
        String base = config.statusCallbackBaseUrl().toString();
        return base + (base.contains("?") ? "&" : "?") + "notificationId="
                + URLEncoder.encode(notificationId, StandardCharsets.UTF_8);
    }

    private RuntimeException translate(NotificationRequest request, Throwable failure) {
        return SendFailures.retriable("twilio", request.id(), failure, deadline);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "TwilioSmsDelivery[" + config + "]";
    }
}
