package dev.notify.providers.apns;

import static dev.notify.providers.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.eatthepath.pushy.apns.server.RejectionReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryResult;
import dev.notify.core.NotificationRequest;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.providers.retry.RetryPolicy;
import dev.notify.providers.retry.RetryingDelivery;
import dev.notify.providers.sandbox.SandboxApnsServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ApnsDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

    private static SandboxApnsServer server;
    private static SimpleMeterRegistry meters;
    private static ApnsDelivery delivery;

    @BeforeAll
    static void start() {
        server = SandboxApnsServer.start(0);
        meters = new SimpleMeterRegistry();
        delivery = new ApnsDelivery(server.configBuilder().build(), meters);
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

    private static DeliveryResult send(NotificationRequest request) throws Exception {
        return delivery.send(request).get(10, TimeUnit.SECONDS);
    }

    @Test
    void should_accept_with_the_notification_id_as_apns_id() throws Exception {
        String id = UUID.randomUUID().toString();

        DeliveryResult result = send(request(id, Channel.APNS, TOKEN, "You have mail"));

        assertThat(result).isInstanceOf(DeliveryResult.Accepted.class);
        assertThat(((DeliveryResult.Accepted) result).providerMessageId()).isEqualTo(id);
        assertThat(server.acceptedCount(id)).isEqualTo(1);
        JsonNode payload = JSON.readTree(server.lastAcceptedPayload());
        assertThat(payload.at("/aps/alert/title").asText()).isEqualTo("Hello");
        assertThat(payload.at("/aps/alert/body").asText()).isEqualTo("You have mail");
        assertThat(payload.at("/notification_id").asText()).isEqualTo(id);
        assertThat(payload.at("/kind").asText()).isEqualTo("test");
    }

    @Test
    void should_derive_a_stable_apns_id_from_an_id_that_is_not_a_uuid() throws Exception {
        String apnsId = ApnsIds.apnsId("order-42").toString();

        DeliveryResult first = send(request("order-42", Channel.APNS, TOKEN, "x"));
        DeliveryResult second = send(request("order-42", Channel.APNS, TOKEN, "x"));

        assertThat(ApnsIds.apnsId("order-42").toString()).isEqualTo(apnsId);
        assertThat(ApnsIds.apnsId("order-43").toString()).isNotEqualTo(apnsId);
        assertThat(((DeliveryResult.Accepted) first).providerMessageId()).isEqualTo(apnsId);
        assertThat(((DeliveryResult.Accepted) second).providerMessageId()).isEqualTo(apnsId);
        assertThat(server.receivedCount(apnsId)).isEqualTo(2);
    }

    @Test
    void should_reject_unregistered_with_apns_timestamp_and_invalidate_the_token() throws Exception {
        Instant since = Instant.parse("2026-02-03T04:05:06.789Z");
        server.unregister(TOKEN, since);

        DeliveryResult result = send(request(UUID.randomUUID().toString(), Channel.APNS, TOKEN, "x"));

        DeliveryResult.Rejected rejected = (DeliveryResult.Rejected) result;
        assertThat(rejected.reason()).isEqualTo("Unregistered");
        assertThat(rejected.tokenInvalid()).isTrue();
        assertThat(rejected.tokenInvalidatedAt()).isEqualTo(since);
    }

    @Test
    void should_reject_bad_device_token_and_invalidate_the_token() throws Exception {
        server.rejectToken(TOKEN, RejectionReason.BAD_DEVICE_TOKEN);

        DeliveryResult.Rejected rejected = (DeliveryResult.Rejected) send(
                request(UUID.randomUUID().toString(), Channel.APNS, TOKEN, "x"));

        assertThat(rejected.reason()).isEqualTo("BadDeviceToken");
        assertThat(rejected.tokenInvalid()).isTrue();
        assertThat(rejected.tokenInvalidatedAt()).isNull();
    }

    @Test
    void should_reject_configuration_errors_keep_the_token_and_count_them() throws Exception {
        double before = count("DeviceTokenNotForTopic");
        server.rejectNext(RejectionReason.DEVICE_TOKEN_NOT_FOR_TOPIC, RejectionReason.TOPIC_DISALLOWED,
                RejectionReason.INVALID_PROVIDER_TOKEN);

        List<DeliveryResult.Rejected> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add((DeliveryResult.Rejected) send(request(UUID.randomUUID().toString(), Channel.APNS, TOKEN, "x")));
        }

        assertThat(results).extracting(DeliveryResult.Rejected::reason)
                .containsExactly("DeviceTokenNotForTopic", "TopicDisallowed", "InvalidProviderToken");
        assertThat(results).allSatisfy(rejected -> assertThat(rejected.tokenInvalid()).isFalse());
        assertThat(count("DeviceTokenNotForTopic")).isEqualTo(before + 1);
        assertThat(count("TopicDisallowed")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void should_fail_retriably_on_throttling_expired_token_and_5xx() {
        List<RejectionReason> reasons = List.of(RejectionReason.TOO_MANY_REQUESTS, RejectionReason.EXPIRED_PROVIDER_TOKEN,
                RejectionReason.TOO_MANY_PROVIDER_TOKEN_UPDATES, RejectionReason.INTERNAL_SERVER_ERROR,
                RejectionReason.SERVICE_UNAVAILABLE);
        for (RejectionReason reason : reasons) {
            server.rejectNext(reason);
            CompletableFuture<DeliveryResult> future = delivery.send(
                    request(UUID.randomUUID().toString(), Channel.APNS, TOKEN, "x"));
            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).as(reason.name())
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RetriableDeliveryException.class);
        }
    }

    @Test
    void should_reject_a_malformed_token_without_calling_apns() throws Exception {
        for (String token : List.of("not-hex", TOKEN.substring(1), TOKEN.substring(0, 60) + " abc", TOKEN + "zz")) {
            String id = UUID.randomUUID().toString();
            DeliveryResult.Rejected rejected = (DeliveryResult.Rejected) send(request(id, Channel.APNS, token, "x"));
            assertThat(rejected.reason()).isEqualTo("BadDeviceToken");
            assertThat(rejected.tokenInvalid()).isTrue();
            assertThat(server.receivedCount(id)).isZero();
        }
    }

    @Test
    void should_cut_an_alert_of_1100_emoji_to_fit_with_valid_utf8() throws Exception {
        String id = UUID.randomUUID().toString();
        String emoji = "\uD83D\uDE00";

        DeliveryResult result = send(request(id, Channel.APNS, TOKEN, emoji.repeat(1100)));

        assertThat(result).isInstanceOf(DeliveryResult.Accepted.class);
        String payload = server.lastAcceptedPayload();
        assertThat(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(ApnsPayloads.MAX_PAYLOAD_BYTES);
        assertThat(payload).doesNotContain("\uFFFD");
        String body = JSON.readTree(payload).at("/aps/alert/body").asText();
        assertThat(body).endsWith("\u2026");
        String kept = body.substring(0, body.length() - 1);
        assertThat(kept.codePoints()).allMatch(codePoint -> codePoint == 0x1F600);
        assertThat(kept.codePointCount(0, kept.length())).isBetween(500, 1099);
    }

    @Test
    void should_retry_sends_lost_with_a_dropped_connection_on_a_new_one_exactly_once() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (TcpProxy proxy = new TcpProxy(server.port())) {
            ApnsDelivery viaProxy = new ApnsDelivery(server.configBuilder(proxy.port())
                    .requestTimeout(Duration.ofSeconds(5)).build());
            RetryingDelivery retrying = new RetryingDelivery(viaProxy, RetryPolicy.custom().maxAttempts(5)
                    .initialBackoff(Duration.ofMillis(50)).maxTotalTime(Duration.ofSeconds(20)).build(), scheduler);
            try {
                List<String> ids = new ArrayList<>();
                List<CompletableFuture<DeliveryResult>> futures = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String id = UUID.randomUUID().toString();
                    ids.add(id);
                    futures.add(retrying.send(request(id, Channel.APNS, TOKEN, "first half " + i)));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
                assertThat(server.acceptedTotal()).isEqualTo(20);

                proxy.pauseUpstream();
                for (int i = 0; i < 20; i++) {
                    String id = UUID.randomUUID().toString();
                    ids.add(id);
                    futures.add(retrying.send(request(id, Channel.APNS, TOKEN, "second half " + i)));
                }
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                        .until(() -> server.acceptedTotal() == 20 && futures.stream().filter(CompletableFuture::isDone).count() == 20);
                proxy.dropConnections();

                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
                assertThat(futures).allSatisfy(future -> assertThat(future.join()).isInstanceOf(DeliveryResult.Accepted.class));
                assertThat(ids).allSatisfy(id -> assertThat(server.acceptedCount(id)).as(id).isEqualTo(1));
                assertThat(server.acceptedTotal()).isEqualTo(40);
                assertThat(proxy.connectionsAccepted()).isGreaterThanOrEqualTo(2);
            } finally {
                retrying.close();
            }
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void should_time_out_retriably_when_apns_never_answers() throws Exception {
        try (TcpProxy proxy = new TcpProxy(server.port())) {
            ApnsDelivery impatient = new ApnsDelivery(server.configBuilder(proxy.port())
                    .requestTimeout(Duration.ofMillis(1500)).build());
            try {
                impatient.send(request(UUID.randomUUID().toString(), Channel.APNS, TOKEN, "warm up")).get(10, TimeUnit.SECONDS);
                proxy.pauseUpstream();
                String id = UUID.randomUUID().toString();
                CompletableFuture<DeliveryResult> future = impatient.send(request(id, Channel.APNS, TOKEN, "lost"));
                assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).cause()
                        .isInstanceOf(RetriableDeliveryException.class);
                assertThat(server.receivedCount(id)).isZero();
            } finally {
                proxy.dropConnections();
                impatient.close();
            }
        }
    }

    @Test
    void should_never_show_the_signing_key() {
        String text = server.configBuilder().build().toString();
        assertThat(text).contains("signingKey=****").contains(SandboxApnsServer.TOPIC);
    }

    private static double count(String reason) {
        var counter = meters.find(ApnsDelivery.CONFIGURATION_ERRORS_METRIC).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
