package dev.notify.providers.email;

import static dev.notify.providers.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryResult;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.providers.RecordingScheduler;
import dev.notify.providers.TestClock;
import dev.notify.providers.retry.RetryPolicy;
import dev.notify.providers.retry.RetryingDelivery;
import dev.notify.providers.sandbox.HttpExchange;
import dev.notify.providers.sandbox.HttpReply;
import dev.notify.providers.sandbox.SandboxSendGridServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SendGridDeliveryTest {

    private static final String KEY = "SG.test-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SandboxSendGridServer server;
    private static SendGridDelivery delivery;

    @BeforeAll
    static void start() {
        server = new SandboxSendGridServer(0, KEY);
        delivery = new SendGridDelivery(config().build());
    }

    static SendGridConfig.Builder config() {
        return SendGridConfig.builder().apiKey(KEY).fromAddress("notify@example.com").fromName("Notify")
                .host("localhost:" + server.port()).plainHttp(true);
    }

    @AfterEach
    void reset() {
        server.reset();
    }

    @AfterAll
    static void stop() {
        delivery.close();
        server.close();
    }

    @Test
    void should_send_the_exact_request_and_keep_the_message_id() throws Exception {
        DeliveryResult result = delivery.send(request("e-1", Channel.EMAIL, "  alice@example.org ", "Your code"))
                .get(10, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(DeliveryResult.Accepted.class);
        assertThat(((DeliveryResult.Accepted) result).providerMessageId()).hasSize(32);
        assertThat(server.requestCount("e-1")).isEqualTo(1);
        HttpExchange sent = server.requests().get(0);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/v3/mail/send");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer " + KEY);
        JsonNode mail = JSON.readTree(sent.body());
        assertThat(mail.at("/personalizations/0/to/0/email").asText()).isEqualTo("alice@example.org");
        assertThat(mail.at("/from/email").asText()).isEqualTo("notify@example.com");
        assertThat(mail.at("/from/name").asText()).isEqualTo("Notify");
        assertThat(mail.at("/subject").asText()).isEqualTo("Hello");
        assertThat(mail.at("/content/0/type").asText()).isEqualTo("text/plain");
        assertThat(mail.at("/content/0/value").asText()).isEqualTo("Your code");
        assertThat(mail.at("/custom_args/notification_id").asText()).isEqualTo("e-1");
        assertThat(mail.at("/custom_args/kind").asText()).isEqualTo("test");
    }

    @Test
    void should_reject_an_invalid_address_without_a_request() throws Exception {
        for (String address : new String[] {"alice", "alice@", "a b@example.org", "alice@example", "@example.org"}) {
            DeliveryResult result = delivery.send(request("e-bad", Channel.EMAIL, address, "x")).get(5, TimeUnit.SECONDS);
            assertThat(result).as(address).isInstanceOf(DeliveryResult.Rejected.class);
            assertThat(((DeliveryResult.Rejected) result).reason()).isEqualTo("invalid-email-address");
        }
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void should_reject_other_4xx_with_status_and_body() throws Exception {
        server.enqueue(SandboxSendGridServer.error(400, "The from address does not match a verified Sender Identity."));

        DeliveryResult result = delivery.send(request("e-400", Channel.EMAIL, "bob@example.org", "x")).get(10, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(((DeliveryResult.Rejected) result).reason())
                .startsWith("sendgrid:400: ")
                .contains("verified Sender Identity");
        assertThat(server.requestCount("e-400")).isEqualTo(1);
    }

    @Test
    void should_fail_retriably_on_429_with_the_reset_time_and_on_5xx() throws Exception {
        Instant reset = Instant.now().plusSeconds(30);
        server.enqueue(SandboxSendGridServer.tooManyRequests(reset), HttpReply.json(502, "{}"));

        CompletableFuture<DeliveryResult> throttled = delivery.send(request("e-429", Channel.EMAIL, "bob@example.org", "x"));
        CompletableFuture<DeliveryResult> failed = delivery.send(request("e-502", Channel.EMAIL, "bob@example.org", "x"));

        assertThatThrownBy(() -> throttled.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RetriableDeliveryException.class)
                .satisfies(e -> assertThat(((RetriableDeliveryException) e).retryAfter())
                        .isBetween(Duration.ofSeconds(25), Duration.ofSeconds(31)));
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(RetriableDeliveryException.class);
    }

    @Test
    void should_end_accepted_after_three_429_honouring_the_reset_time() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        RecordingScheduler scheduler = new RecordingScheduler(clock, Duration.ofSeconds(5));
        RetryingDelivery retrying = new RetryingDelivery(delivery, RetryPolicy.custom().maxAttempts(4)
                .initialBackoff(Duration.ofMillis(100)).jitter(0).build(), scheduler, clock);
        // the first 429 says the limit resets in 2 s: the first wait is 2 s, not 100 ms
        server.enqueue(SandboxSendGridServer.tooManyRequests(Instant.now().plusSeconds(2)),
                SandboxSendGridServer.error(429, "too many requests"),
                SandboxSendGridServer.error(429, "too many requests"));
        try {
            DeliveryResult result = retrying.send(request("e-busy", Channel.EMAIL, "bob@example.org", "x"))
                    .get(20, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(DeliveryResult.Accepted.class);
            assertThat(server.requestCount("e-busy")).isEqualTo(4);
            assertThat(scheduler.shortDelays()).hasSize(3);
            assertThat(scheduler.shortDelays().get(0)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2000));
            assertThat(scheduler.shortDelays().subList(1, 3)).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void should_time_out_retriably_when_sendgrid_never_answers() {
        SendGridDelivery impatient = new SendGridDelivery(config().requestTimeout(Duration.ofMillis(300))
                .connectTimeout(Duration.ofMillis(300)).build());
        server.enqueue(HttpReply.noAnswer());
        try {
            CompletableFuture<DeliveryResult> future = impatient.send(request("e-hang", Channel.EMAIL, "bob@example.org", "x"));
            assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(RetriableDeliveryException.class);
            assertThat(server.requestCount("e-hang")).isEqualTo(1);
        } finally {
            impatient.close();
        }
    }

    @Test
    void should_never_show_the_api_key() {
        assertThat(config().build().toString()).doesNotContain(KEY);
    }
}
