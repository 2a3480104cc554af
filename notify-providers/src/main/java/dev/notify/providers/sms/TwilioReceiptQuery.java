package dev.notify.providers.sms;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import dev.notify.core.Channel;
import dev.notify.core.Receipt;
import dev.notify.core.ReceiptQuery;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.core.StatusRecord;
import dev.notify.providers.DeliveryTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks Twilio what became of a message, by the SID kept as provider message id: delivered is {@link
 * Receipt.State#DELIVERED}; undelivered and failed are {@link Receipt.State#FAILED} with reason
 * {@code "twilio:<error code>"}; queued, sending, sent, accepted (and scheduled) are {@link
 * Receipt.State#PENDING_AT_PROVIDER}; an unknown SID (404), or a record without one, is {@link
 * Receipt.State#UNKNOWN}. No answer, 429 and 5xx complete the stage with a {@link RetriableDeliveryException}.
 */
public final class TwilioReceiptQuery implements ReceiptQuery, AutoCloseable {

    private final TwilioRestClient client;
    private final ExecutorService executor;
    private final Duration deadline;

    public TwilioReceiptQuery(TwilioConfig config) {
        Objects.requireNonNull(config, "config");
        this.client = TwilioClients.restClient(config);
        this.executor = TwilioClients.executor("twilio-receipts", Math.max(1, config.maxConcurrentRequests() / 4));
        this.deadline = config.requestTimeout().plus(config.connectTimeout());
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public boolean canQuery() {
        return true;
    }

    @Override
    public CompletionStage<Receipt> query(StatusRecord record) {
        String sid = record.providerMessageId();
        if (sid == null || sid.isBlank()) {
            return CompletableFuture.completedFuture(new Receipt(Receipt.State.UNKNOWN, "no-message-sid", null, null));
        }
        return CompletableFuture.supplyAsync(() -> fetch(sid), executor)
                .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException) {
                        cause = new DeliveryTimeoutException("twilio: fetch of " + sid + " timed out", deadline);
                    } else if (!(cause instanceof RetriableDeliveryException)) {
                        cause = new RetriableDeliveryException("twilio: fetch of " + sid + " failed: " + cause, cause);
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    private Receipt fetch(String sid) {
        Message message;
        try {
            message = Message.fetcher(sid).fetch(client);
        } catch (ApiException e) {
            if (e.getStatusCode() != null && e.getStatusCode() == 404) {
                return new Receipt(Receipt.State.UNKNOWN, "twilio:" + e.getCode(), sid, null);
            }
            throw new RetriableDeliveryException("twilio: fetch of " + sid + ": " + e.getMessage(), e);
        } catch (ApiConnectionException e) {
            throw new RetriableDeliveryException("twilio: fetch of " + sid + ": " + e.getMessage(), e);
        }
        Instant eventTime = time(message.getDateUpdated());
        Message.Status status = message.getStatus();
        if (status == null) {
            return new Receipt(Receipt.State.UNKNOWN, null, sid, eventTime);
        }
        return switch (status) {
            case DELIVERED, READ -> new Receipt(Receipt.State.DELIVERED, null, sid, eventTime);
            case UNDELIVERED, FAILED, CANCELED -> new Receipt(Receipt.State.FAILED,
                    "twilio:" + message.getErrorCode() + (message.getErrorMessage() == null ? ""
                            : ": " + message.getErrorMessage()), sid, eventTime);
            case QUEUED, SENDING, SENT, ACCEPTED, SCHEDULED, PARTIALLY_DELIVERED ->
                    new Receipt(Receipt.State.PENDING_AT_PROVIDER, status.toString(), sid, eventTime);
            default -> new Receipt(Receipt.State.UNKNOWN, status.toString(), sid, eventTime);
        };
    }

    private static Instant time(ZonedDateTime time) {
        return time == null ? null : time.toInstant();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
