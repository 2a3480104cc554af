package dev.notify.providers.fcm;

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
import dev.notify.providers.sandbox.SandboxFcmServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FcmDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "fcm-registration-token-1";

    private static SandboxFcmServer server;
    private static FcmDelivery delivery;

    @BeforeAll
    static void start() {
        server = new SandboxFcmServer(0);
        delivery = new FcmDelivery(server.configBuilder().build());
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
    void should_get_a_token_and_send_the_exact_request() throws Exception {
        DeliveryResult result = delivery.send(request("f-1", Channel.FCM, TOKEN, "You have mail")).get(10, TimeUnit.SECONDS);
        delivery.send(request("f-2", Channel.FCM, TOKEN, "again")).get(10, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(DeliveryResult.Accepted.class);
        assertThat(((DeliveryResult.Accepted) result).providerMessageId()).startsWith("projects/sandbox-project/messages/");
        assertThat(server.requestCount("f-1")).isEqualTo(1);
        assertThat(server.tokenRequestCount()).as("token cached between sends").isLessThanOrEqualTo(1);
        HttpExchange send = server.requests().stream().filter(e -> e.path().endsWith("messages:send")).findFirst().orElseThrow();
        assertThat(send.method()).isEqualTo("POST");
        assertThat(send.path()).isEqualTo("/v1/projects/sandbox-project/messages:send");
        assertThat(send.header("Authorization")).startsWith("Bearer ya29.sandbox-");
        JsonNode message = JSON.readTree(send.body()).path("message");
        assertThat(message.path("token").asText()).isEqualTo(TOKEN);
        assertThat(message.at("/notification/title").asText()).isEqualTo("Hello");
        assertThat(message.at("/notification/body").asText()).isEqualTo("You have mail");
        assertThat(message.at("/data/notification_id").asText()).isEqualTo("f-1");
        assertThat(message.at("/data/kind").asText()).isEqualTo("test");
        assertThat(message.at("/android/priority").asText()).isEqualTo("HIGH");
    }

    @Test
    void should_reject_unregistered_and_invalidate_the_token() throws Exception {
        server.enqueue(SandboxFcmServer.error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found."));

        DeliveryResult result = delivery.send(request("f-dead", Channel.FCM, TOKEN, "x")).get(10, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        DeliveryResult.Rejected rejected = (DeliveryResult.Rejected) result;
        assertThat(rejected.reason()).isEqualTo("fcm:UNREGISTERED");
        assertThat(rejected.tokenInvalid()).isTrue();
        assertThat(server.requestCount("f-dead")).isEqualTo(1);
    }

    @Test
    void should_reject_invalid_argument_and_keep_the_token() throws Exception {
        server.enqueue(SandboxFcmServer.error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token"));

        DeliveryResult result = delivery.send(request("f-bad", Channel.FCM, TOKEN, "x")).get(10, TimeUnit.SECONDS);

        DeliveryResult.Rejected rejected = (DeliveryResult.Rejected) result;
        assertThat(rejected.reason()).startsWith("fcm:INVALID_ARGUMENT (HTTP 400)");
        assertThat(rejected.tokenInvalid()).isFalse();
    }

    @Test
    void should_fail_retriably_on_quota_and_5xx_with_retry_after() {
        server.enqueue(SandboxFcmServer.error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "quota").withHeader("Retry-After", "7"),
                SandboxFcmServer.error(503, "UNAVAILABLE", "UNAVAILABLE", "busy"));

        for (String id : List.of("f-429", "f-503")) {
            CompletableFuture<DeliveryResult> future = delivery.send(request(id, Channel.FCM, TOKEN, "x"));
            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RetriableDeliveryException.class);
        }
        server.enqueue(SandboxFcmServer.error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "quota").withHeader("Retry-After", "7"));
        assertThatThrownBy(() -> delivery.send(request("f-429c", Channel.FCM, TOKEN, "x")).get(10, TimeUnit.SECONDS))
                .satisfies(e -> assertThat(((RetriableDeliveryException) e.getCause()).retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void should_end_accepted_after_three_429_honouring_retry_after() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        RecordingScheduler scheduler = new RecordingScheduler(clock, Duration.ofSeconds(5));
        RetryingDelivery retrying = new RetryingDelivery(delivery, RetryPolicy.custom().maxAttempts(4)
                .initialBackoff(Duration.ofMillis(100)).jitter(0).build(), scheduler, clock);
        HttpReply quota = SandboxFcmServer.error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "quota");
        server.enqueue(quota.withHeader("Retry-After", "1"), quota, quota);
        try {
            DeliveryResult result = retrying.send(request("f-busy", Channel.FCM, TOKEN, "x")).get(20, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(DeliveryResult.Accepted.class);
            assertThat(server.requestCount("f-busy")).isEqualTo(4);
            assertThat(scheduler.shortDelays()).containsExactly(
                    Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMillis(400));
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void should_time_out_retriably_when_fcm_never_answers() {
        FcmDelivery impatient = new FcmDelivery(server.configBuilder().requestTimeout(Duration.ofMillis(400))
                .connectTimeout(Duration.ofMillis(400)).build());
        try {
            impatient.send(request("f-warm", Channel.FCM, TOKEN, "x")).join();
            server.enqueue(HttpReply.noAnswer());
            CompletableFuture<DeliveryResult> future = impatient.send(request("f-hang", Channel.FCM, TOKEN, "x"));
            assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(RetriableDeliveryException.class);
            assertThat(server.requestCount("f-hang")).isEqualTo(1);
        } finally {
            impatient.close();
        }
    }

    @Test
    void should_never_show_the_private_key() {
        String text = server.configBuilder().build().toString();
        assertThat(text).contains("privateKey=****").doesNotContain("BEGIN");
    }
}
