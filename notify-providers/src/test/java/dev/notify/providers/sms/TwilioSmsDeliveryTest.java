package dev.notify.providers.sms;

import static dev.notify.providers.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryResult;
import dev.notify.core.Receipt;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.core.StatusRecord;
import dev.notify.providers.DeliveryTimeoutException;
import dev.notify.providers.RecordingScheduler;
import dev.notify.providers.TestClock;
import dev.notify.providers.retry.RetryPolicy;
import dev.notify.providers.retry.RetryingDelivery;
import dev.notify.providers.sandbox.HttpExchange;
import dev.notify.providers.sandbox.HttpReply;
import dev.notify.providers.sandbox.SandboxTwilioServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TwilioSmsDeliveryTest {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "twilio-secret";

    private static SandboxTwilioServer server;
    private static TwilioSmsDelivery delivery;
    private static final List<String> optOuts = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        server = new SandboxTwilioServer(0, SID, TOKEN);
        delivery = new TwilioSmsDelivery(config().build(), (user, phone, id) -> optOuts.add(user + "|" + phone + "|" + id));
    }

    static TwilioConfig.Builder config() {
        return TwilioConfig.builder()
                .accountSid(SID)
                .authToken(TOKEN)
                .from("+15005550006")
                .baseUrl(URI.create(server.baseUrl()))
                .statusCallbackBaseUrl(URI.create("https://hooks.example.com/twilio/status"))
                .requestTimeout(Duration.ofSeconds(5));
    }

    @AfterEach
    void reset() {
        server.reset();
        optOuts.clear();
    }

    @AfterAll
    static void stop() {
        delivery.close();
        server.close();
    }

    @Test
    void should_send_the_exact_request_and_keep_the_sid() throws Exception {
        DeliveryResult result = delivery.send(request("n-1", Channel.SMS, "(415) 555-2671", "code 1234"))
                .get(10, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(DeliveryResult.Accepted.class);
        String sid = ((DeliveryResult.Accepted) result).providerMessageId();
        assertThat(sid).startsWith("SM").hasSize(34);
        assertThat(server.notificationIdsBySid()).containsEntry(sid, "n-1");
        assertThat(server.requestCount("n-1")).isEqualTo(1);
        HttpExchange sent = server.requests().get(0);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(sent.header("authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
        Map<String, String> form = sent.form();
        assertThat(form).containsEntry("To", "+14155552671")
                .containsEntry("From", "+15005550006")
                .containsEntry("Body", "code 1234")
                .containsEntry("StatusCallback", "https://hooks.example.com/twilio/status?notificationId=n-1");
    }

    @Test
    void should_normalise_national_and_international_formats() throws Exception {
        TwilioSmsDelivery british = new TwilioSmsDelivery(config().defaultPhoneRegion("GB").build());
        try {
            british.send(request("n-gb", Channel.SMS, "020 7946 0958", "hi")).get(10, TimeUnit.SECONDS);
            british.send(request("n-us", Channel.SMS, "+1 (415) 555-2671", "hi")).get(10, TimeUnit.SECONDS);
        } finally {
            british.close();
        }
        assertThat(server.requests()).extracting(exchange -> exchange.form().get("To"))
                .containsExactly("+442079460958", "+14155552671");
    }

    @Test
    void should_reject_a_too_short_number_without_calling_twilio() throws Exception {
        DeliveryResult result = delivery.send(request("n-short", Channel.SMS, "12345", "hi")).get(5, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(((DeliveryResult.Rejected) result).reason()).isEqualTo("invalid-phone-number");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void should_reject_21211_for_good() throws Exception {
        server.enqueue(SandboxTwilioServer.error(400, 21211, "The 'To' number is not a valid phone number."));

        DeliveryResult result = delivery.send(request("n-21211", Channel.SMS, "+14155552671", "hi"))
                .get(10, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(((DeliveryResult.Rejected) result).reason()).startsWith("twilio:21211");
        assertThat(((DeliveryResult.Rejected) result).tokenInvalid()).isFalse();
        assertThat(server.requestCount("n-21211")).isEqualTo(1);
        assertThat(optOuts).isEmpty();
    }

    @Test
    void should_reject_21610_and_tell_the_opt_out_listener() throws Exception {
        server.answerAlways("+14155552671", SandboxTwilioServer.error(400, 21610, "Attempt to send to unsubscribed recipient"));

        DeliveryResult result = delivery.send(request("n-stop", Channel.SMS, "415-555-2671", "hi"))
                .get(10, TimeUnit.SECONDS);

        assertThat(((DeliveryResult.Rejected) result).reason()).startsWith("twilio:21610");
        assertThat(optOuts).containsExactly("user-1|+14155552671|n-stop");
    }

    @Test
    void should_fail_retriably_on_20429_and_5xx_without_hidden_retries() {
        server.enqueue(SandboxTwilioServer.error(429, 20429, "Too Many Requests"),
                SandboxTwilioServer.error(503, 20503, "Service Unavailable"),
                HttpReply.empty(500));

        for (String id : List.of("n-429", "n-503", "n-500")) {
            CompletableFuture<DeliveryResult> future = delivery.send(request(id, Channel.SMS, "+14155552671", "hi"));
            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RetriableDeliveryException.class);
            assertThat(server.requestCount(id)).as("requests for %s", id).isEqualTo(1);
        }
    }

    @Test
    void should_end_accepted_after_three_429_with_measured_backoff() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        RecordingScheduler scheduler = new RecordingScheduler(clock, Duration.ofSeconds(5));
        RetryingDelivery retrying = new RetryingDelivery(delivery, RetryPolicy.custom()
                .maxAttempts(5).initialBackoff(Duration.ofMillis(100)).multiplier(2).jitter(0).build(),
                scheduler, clock);
        server.enqueue(SandboxTwilioServer.error(429, 20429, "Too Many Requests"),
                SandboxTwilioServer.error(429, 20429, "Too Many Requests"),
                SandboxTwilioServer.error(429, 20429, "Too Many Requests"));
        try {
            DeliveryResult result = retrying.send(request("n-busy", Channel.SMS, "+14155552671", "hi"))
                    .get(20, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(DeliveryResult.Accepted.class);
            assertThat(server.requestCount("n-busy")).isEqualTo(4);
            assertThat(scheduler.shortDelays()).containsExactly(
                    Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void should_time_out_retriably_when_twilio_never_answers() throws Exception {
        TwilioSmsDelivery impatient = new TwilioSmsDelivery(config()
                .requestTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofMillis(300)).build());
        server.enqueue(HttpReply.noAnswer());
        long started = System.nanoTime();
        try {
            CompletableFuture<DeliveryResult> future = impatient.send(request("n-hang", Channel.SMS, "+14155552671", "hi"));
            assertThat(System.nanoTime() - started).as("send returns at once").isLessThan(TimeUnit.MILLISECONDS.toNanos(250));
            assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOf(RetriableDeliveryException.class);
            assertThat(server.requestCount("n-hang")).isEqualTo(1);
        } finally {
            impatient.close();
        }
    }

    @Test
    void should_map_receipts_by_sid() throws Exception {
        List<String> sids = new ArrayList<>();
        for (String id : List.of("r-1", "r-2", "r-3")) {
            DeliveryResult result = delivery.send(request(id, Channel.SMS, "+14155552671", "hi")).get(10, TimeUnit.SECONDS);
            sids.add(((DeliveryResult.Accepted) result).providerMessageId());
        }
        server.setMessageStatus(sids.get(0), "delivered", null);
        server.setMessageStatus(sids.get(1), "undelivered", 30003);
        server.setMessageStatus(sids.get(2), "sent", null);
        try (TwilioReceiptQuery query = new TwilioReceiptQuery(config().build())) {
            assertThat(query.canQuery()).isTrue();
            Receipt delivered = query.query(record(sids.get(0))).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Receipt undelivered = query.query(record(sids.get(1))).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Receipt sent = query.query(record(sids.get(2))).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Receipt unknown = query.query(record("SM00000000000000000000000000000000")).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);

            assertThat(delivered.state()).isEqualTo(Receipt.State.DELIVERED);
            assertThat(delivered.providerMessageId()).isEqualTo(sids.get(0));
            assertThat(delivered.eventTime()).isNotNull();
            assertThat(undelivered.state()).isEqualTo(Receipt.State.FAILED);
            assertThat(undelivered.reason()).startsWith("twilio:30003");
            assertThat(sent.state()).isEqualTo(Receipt.State.PENDING_AT_PROVIDER);
            assertThat(unknown.state()).isEqualTo(Receipt.State.UNKNOWN);
        }
    }

    @Test
    void should_never_show_the_auth_token() {
        assertThat(config().build().toString()).contains(SID).doesNotContain(TOKEN);
    }

    private static StatusRecord record(String sid) {
        return new StatusRecord("n", "user-1", Channel.SMS, null, null, sid, Instant.now(), Instant.now(), 1);
    }
}
