package dev.notify.providers.email;

import com.sendgrid.Client;
import com.sendgrid.Method;
import com.sendgrid.Request;
import com.sendgrid.Response;
import com.sendgrid.SendGrid;
import com.sendgrid.helpers.mail.Mail;
import com.sendgrid.helpers.mail.objects.Content;
import com.sendgrid.helpers.mail.objects.Email;
import com.sendgrid.helpers.mail.objects.Personalization;
import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.Masking;
import dev.notify.core.NotificationRequest;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.providers.DeliveryTimeoutException;
import dev.notify.providers.SendFailures;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends email through SendGrid's Mail Send API.
 *
 * <p>The recipient is trimmed and checked before sending ({@code "invalid-email-address"} without a request). The
 * notification id goes as custom argument {@code notification_id} (with the request's data beside it), so that
 * Event Webhook events name it. A 202's {@code X-Message-Id} (read case-insensitively) is the provider message id.
 * 429 is retriable and honours {@code X-RateLimit-Reset}; 5xx and network errors are retriable; any other 4xx is a
 * rejection {@code "sendgrid:<status>: <body>"}.
 */
public final class SendGridDelivery implements Delivery {

    /** The custom argument carrying the notification id. */
    public static final String NOTIFICATION_ID_ARG = "notification_id";

    private static final Logger LOG = LoggerFactory.getLogger(SendGridDelivery.class);
    private static final int MAX_REASON_BODY = 500;

    private final SendGridConfig config;
    private final CloseableHttpClient httpClient;
    private final SendGrid sendGrid;
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration deadline;

    public SendGridDelivery(SendGridConfig config) {
        this(config, Clock.systemUTC());
    }

    SendGridDelivery(SendGridConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = clock;
        int timeout = (int) config.requestTimeout().toMillis();
        this.httpClient = HttpClients.custom()
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout((int) config.connectTimeout().toMillis())
                        .setConnectionRequestTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .build())
                .setMaxConnTotal(config.maxConcurrentRequests())
                .setMaxConnPerRoute(config.maxConcurrentRequests())
                .disableAutomaticRetries()
                .build();
        this.sendGrid = new SendGrid(config.apiKey(), new Client(httpClient, config.plainHttp()));
        this.sendGrid.setHost(config.host());
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(config.maxConcurrentRequests(), runnable -> {
            Thread thread = new Thread(runnable, "sendgrid-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.deadline = config.requestTimeout().plus(config.connectTimeout());
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
        if (request.channel() != Channel.EMAIL) {
            return CompletableFuture.completedFuture(DeliveryResult.Rejected.because(
                    "wrong-channel:" + request.channel(), clock.instant()));
        }
        String to = request.recipient().trim();
        if (!EmailAddresses.isValid(to)) {
            return CompletableFuture.completedFuture(DeliveryResult.Rejected.because(
                    "invalid-email-address", clock.instant()));
        }
        CompletableFuture<DeliveryResult> result;
        try {
            result = CompletableFuture.supplyAsync(() -> post(request, to), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new RetriableDeliveryException("sendgrid delivery is closed", e));
        }
        return result.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(translate(request, failure)));
    }

    private DeliveryResult post(NotificationRequest request, String to) {
        Request call = new Request();
        call.setMethod(Method.POST);
        call.setEndpoint("mail/send");
        Response response;
        try {
            call.setBody(mail(request, to).build());
            response = sendGrid.api(call);
        } catch (SocketTimeoutException e) {
            throw new DeliveryTimeoutException("sendgrid: send of " + request.id() + " timed out",
                    config.requestTimeout());
        } catch (IOException e) {
            throw new RetriableDeliveryException("sendgrid: send of " + request.id() + " failed: " + e, e);
        }
        int status = response.getStatusCode();
        Instant now = clock.instant();
        if (status >= 200 && status < 300) {
            String messageId = header(response.getHeaders(), "X-Message-Id");
            LOG.debug("[sendgrid] {}: accepted as {} for {}", request.id(), messageId, Masking.mask(to));
            return new DeliveryResult.Accepted(messageId, now);
        }
        if (status == 429) {
            throw new RetriableDeliveryException("sendgrid: 429 too many requests",
                    retryAfter(header(response.getHeaders(), "X-RateLimit-Reset"), now), null);
        }
        if (status >= 500 || status < 200) {
            throw new RetriableDeliveryException("sendgrid: " + status + ": " + shorten(response.getBody()));
        }
        return DeliveryResult.Rejected.because("sendgrid:" + status + ": " + shorten(response.getBody()), now);
    }

    private Mail mail(NotificationRequest request, String to) {
        Mail mail = new Mail();
        mail.setFrom(config.fromName() == null ? new Email(config.fromAddress())
                : new Email(config.fromAddress(), config.fromName()));
        mail.setSubject(request.title().isEmpty() ? config.defaultSubject() : request.title());
        Personalization personalization = new Personalization();
        personalization.addTo(new Email(to));
        mail.addPersonalization(personalization);
        mail.addContent(new Content("text/plain", request.body().isEmpty() ? " " : request.body()));
        request.data().forEach((key, value) -> {
            if (!NOTIFICATION_ID_ARG.equals(key)) {
                mail.addCustomArg(key, value);
            }
        });
        mail.addCustomArg(NOTIFICATION_ID_ARG, request.id());
        return mail;
    }

    static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** The wait until {@code X-RateLimit-Reset} (epoch seconds); {@code null} if absent or unreadable. */
    static Duration retryAfter(String reset, Instant now) {
        if (reset == null) {
            return null;
        }
        try {
            Duration wait = Duration.between(now, Instant.ofEpochSecond(Long.parseLong(reset.trim())));
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String shorten(String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= MAX_REASON_BODY ? body : body.substring(0, MAX_REASON_BODY) + "...";
    }

    private RuntimeException translate(NotificationRequest request, Throwable failure) {
        return SendFailures.retriable("sendgrid", request.id(), failure, deadline);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            httpClient.close();
        } catch (IOException e) {
            LOG.debug("[sendgrid] close failed: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "SendGridDelivery[" + config + "]";
    }
}
