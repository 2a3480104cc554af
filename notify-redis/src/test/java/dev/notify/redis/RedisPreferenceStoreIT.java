package dev.notify.redis;

import static dev.notify.redis.Requests.push;
import static dev.notify.redis.Requests.sms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.BatchOutcome;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryResult;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Disposition;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Preferences;
import dev.notify.core.Priority;
import dev.notify.core.QuietHours;
import dev.notify.core.StatusRecord;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.core.inmemory.InMemoryDeferredDelivery;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RedisPreferenceStore} on a real redis-server, through a real {@link BatchProcessor}. */
class RedisPreferenceStoreIT {

    // 23:30 in Paris (CET, UTC+1), 17:30 in New York.
    private static final Instant NOW = Instant.parse("2026-12-03T22:30:00Z");
    private static final QuietHours PARIS_NIGHTS =
            new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0), ZoneId.of("Europe/Paris"));
    private static final QuietHours NEW_YORK_NIGHTS =
            new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0), ZoneId.of("America/New_York"));

    private static LocalRedis redis;
    private static int testNumber;

    private RedisConfig config;
    private SimpleMeterRegistry registry;
    private RedisPreferenceStore store;
    private InMemoryDelivery apns;
    private InMemoryDelivery smsDelivery;
    private InMemoryStatusStore statuses;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.started();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void setUp() {
        config = RedisConfig.builder()
                .uri(redis.uri())
                .keyPrefix("prefs-it-" + (++testNumber) + ":")
                .build();
        registry = new SimpleMeterRegistry();
        store = RedisPreferenceStore.create(config, registry);
        apns = new InMemoryDelivery(Channel.APNS);
        smsDelivery = new InMemoryDelivery(Channel.SMS);
        statuses = new InMemoryStatusStore();
    }

    @AfterEach
    void tearDown() {
        if (store != null) {
            store.close();
        }
    }

    private BatchProcessor.Builder processor() {
        return BatchProcessor.builder()
                .delivery(apns)
                .delivery(smsDelivery)
                .statusStore(statuses)
                .preferences(store)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void should_suppress_notifications_to_opted_out_users_and_blocked_recipients_with_the_reason() {
        // Given
        store.optOut("alice", Channel.SMS).toCompletableFuture().join();
        store.blockRecipient("bob", "+15550100", null, "twilio:21610").toCompletableFuture().join();
        List<NotificationRequest> batch = List.of(
                sms("n1", "alice", "+15550001", NOW),
                push("n2", "alice", "tok-alice", Priority.NORMAL, NOW),
                sms("n3", "bob", "+15550100", NOW),
                sms("n4", "bob", "+15550200", NOW),
                sms("n5", "carol", "+15550300", NOW));

        // When
        BatchOutcome outcome;
        try (BatchProcessor processor = processor().build()) {
            outcome = processor.process(batch).join();
        }

        // Then
        assertThat(outcome.dispositions()).containsExactly(Disposition.SUPPRESSED, Disposition.DELIVERED,
                Disposition.SUPPRESSED, Disposition.DELIVERED, Disposition.DELIVERED);
        assertThat(smsDelivery.sendsOf("n1")).isZero();
        assertThat(smsDelivery.sendsOf("n3")).isZero();
        assertThat(apns.sendsOf("n2")).isEqualTo(1);
        assertThat(smsDelivery.sendsOf("n4")).isEqualTo(1);
        assertThat(smsDelivery.sendsOf("n5")).isEqualTo(1);
        StatusRecord n1 = statuses.get("n1").orElseThrow();
        assertThat(n1.status()).isEqualTo(DeliveryStatus.SUPPRESSED);
        assertThat(n1.reason()).isEqualTo("opted-out:SMS");
        StatusRecord n3 = statuses.get("n3").orElseThrow();
        assertThat(n3.status()).isEqualTo(DeliveryStatus.SUPPRESSED);
        assertThat(n3.reason()).isEqualTo("opted-out:recipient");
        assertThat(statuses.get("n4").orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void should_apply_a_sender_specific_block_only_when_we_send_from_that_sender() {
        // Given: a STOP recorded for one sender and recipient
        store.blockRecipient("dave", "+15550400", "+15559999", "twilio:21610").toCompletableFuture().join();
        store.close();
        store = RedisPreferenceStore.create(config.mutate().senders(Set.of("+15558888")).build(), registry);

        // When: this deployment sends from another number
        Map<String, Preferences> otherSender = store.lookup(List.of("dave")).toCompletableFuture().join();
        store.close();
        store = RedisPreferenceStore.create(config.mutate().senders(Set.of("+15559999")).build(), registry);
        Map<String, Preferences> sameSender = store.lookup(List.of("dave")).toCompletableFuture().join();

        // Then
        assertThat(otherSender.get("dave").blockedRecipients()).isEmpty();
        assertThat(sameSender.get("dave").blockedRecipients()).containsExactly("+15550400");
    }

    @Test
    void should_hold_high_and_suppress_normal_priority_in_the_users_quiet_hours() {
        // Given: 23:30 in Paris, 17:30 in New York
        store.setQuietHours("paris", PARIS_NIGHTS).toCompletableFuture().join();
        store.setQuietHours("newyork", NEW_YORK_NIGHTS).toCompletableFuture().join();
        InMemoryDeferredDelivery deferred = new InMemoryDeferredDelivery();
        List<NotificationRequest> batch = List.of(
                push("q1", "paris", "tok-p", Priority.HIGH, NOW),
                push("q2", "paris", "tok-p", Priority.NORMAL, NOW),
                push("q3", "newyork", "tok-ny", Priority.NORMAL, NOW));

        // When
        BatchOutcome outcome;
        try (BatchProcessor processor = processor().deferred(deferred).build()) {
            outcome = processor.process(batch).join();
        }

        // Then
        assertThat(outcome.dispositions())
                .containsExactly(Disposition.DEFERRED, Disposition.SUPPRESSED, Disposition.DELIVERED);
        assertThat(apns.sendsOf("q1")).isZero();
        assertThat(apns.sendsOf("q2")).isZero();
        assertThat(apns.sendsOf("q3")).isEqualTo(1);
        assertThat(deferred.deferred()).hasSize(1);
        InMemoryDeferredDelivery.Deferred held = deferred.deferred().get(0);
        assertThat(held.request().id()).isEqualTo("q1");
        assertThat(held.notBefore()).as("07:00 in Paris").isEqualTo(Instant.parse("2026-12-04T06:00:00Z"));
        assertThat(held.reason()).isEqualTo("quiet-hours");
        StatusRecord q2 = statuses.get("q2").orElseThrow();
        assertThat(q2.status()).isEqualTo(DeliveryStatus.SUPPRESSED);
        assertThat(q2.reason()).isEqualTo("quiet-hours");
    }

    @Test
    void should_suppress_high_priority_in_quiet_hours_when_there_is_no_deferred_lane() {
        store.setQuietHours("paris", PARIS_NIGHTS).toCompletableFuture().join();

        BatchOutcome outcome;
        try (BatchProcessor processor = processor().build()) {
            outcome = processor.process(List.of(push("q4", "paris", "tok-p", Priority.HIGH, NOW))).join();
        }

        assertThat(outcome.dispositions()).containsExactly(Disposition.SUPPRESSED);
        assertThat(statuses.get("q4").orElseThrow().reason()).isEqualTo("quiet-hours");
        assertThat(apns.sendsOf("q4")).isZero();
    }

    @Test
    void should_remove_an_invalidated_token_and_keep_one_registered_again_after_the_invalidation() {
        // Given: two tokens registered at t0; the app registers "tok-back" again at t2, after it died at t1
        Instant t0 = NOW.minus(Duration.ofDays(30));
        Instant t1 = NOW.minus(Duration.ofDays(2));
        Instant t2 = NOW.minus(Duration.ofDays(1));
        store.registerToken("erin", Channel.APNS, "tok-dead", t0).toCompletableFuture().join();
        store.registerToken("erin", Channel.APNS, "tok-back", t0).toCompletableFuture().join();
        store.registerToken("erin", Channel.APNS, "tok-back", t2).toCompletableFuture().join();
        store.registerToken("erin", Channel.APNS, "tok-live", t0).toCompletableFuture().join();
        apns.behaviour((request, attempt, clock) -> CompletableFuture.completedFuture(
                request.recipient().equals("tok-live")
                        ? new DeliveryResult.Accepted("apns-" + request.id(), clock.instant())
                        : new DeliveryResult.Rejected("Unregistered", true, t1, clock.instant())));

        // When: both dead-looking tokens are rejected as unregistered since t1, through the batch path
        // (the processor is not closed here: closing it closes the store)
        BatchProcessor processor = processor().tokenInvalidationListener(store).build();
        BatchOutcome outcome = processor.process(List.of(
                push("t1", "erin", "tok-dead", Priority.NORMAL, NOW),
                push("t2", "erin", "tok-back", Priority.NORMAL, NOW),
                push("t3", "erin", "tok-live", Priority.NORMAL, NOW))).join();

        // Then
        assertThat(outcome.dispositions())
                .containsExactly(Disposition.REJECTED, Disposition.REJECTED, Disposition.DELIVERED);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(store.tokens("erin", Channel.APNS).toCompletableFuture().join())
                        .containsExactlyInAnyOrder("tok-back", "tok-live"));
        assertThat(store.removeTokenIfRegisteredBefore("erin", Channel.APNS, "tok-back", t1)
                .toCompletableFuture().join()).isFalse();
        assertThat(store.removeTokenIfRegisteredBefore("erin", Channel.APNS, "tok-back", NOW)
                .toCompletableFuture().join()).isTrue();
        assertThat(store.tokens("erin", Channel.APNS).toCompletableFuture().join()).containsExactly("tok-live");
    }

    @Test
    void should_serve_from_the_cache_and_forget_it_on_a_local_write() {
        // Given
        Map<String, Preferences> first = store.lookup(List.of("frank")).toCompletableFuture().join();
        Map<String, Preferences> second = store.lookup(List.of("frank")).toCompletableFuture().join();

        // When
        store.optOut("frank", Channel.EMAIL).toCompletableFuture().join();
        Map<String, Preferences> afterWrite = store.lookup(List.of("frank")).toCompletableFuture().join();

        // Then
        assertThat(first.get("frank")).isEqualTo(Preferences.NONE);
        assertThat(second.get("frank")).isEqualTo(Preferences.NONE);
        assertThat(afterWrite.get("frank").optedOutChannels()).containsExactly(Channel.EMAIL);
        assertThat(registry.get("notify.redis.cache").tag("result", "hit").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("notify.redis.cache").tag("result", "miss").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("notify.redis.lookup").tag("outcome", "success").timer().count()).isEqualTo(2);
    }

    @Test
    void should_see_another_process_write_once_the_cache_entry_expires() {
        store.close();
        store = RedisPreferenceStore.create(config.mutate().preferenceCacheTtl(Duration.ofMillis(200)).build(),
                registry);
        assertThat(store.lookup(List.of("gina")).toCompletableFuture().join().get("gina"))
                .isEqualTo(Preferences.NONE);

        try (LocalRedis.Admin admin = new LocalRedis.Admin(redis.uri())) {
            admin.commands().hset(config.keyPrefix() + "pref:gina", "optout:APNS", "1");
        }

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(store.lookup(List.of("gina")).toCompletableFuture().join().get("gina")
                        .optedOutChannels()).containsExactly(Channel.APNS));
    }

    @Test
    void should_hold_the_batch_and_name_the_key_when_redis_refuses_to_read_a_users_preferences() {
        // Given: someone wrote a plain string where a user's preference hash belongs
        String badKey = config.keyPrefix() + "pref:henry";
        try (LocalRedis.Admin admin = new LocalRedis.Admin(redis.uri())) {
            admin.commands().set(badKey, "opted out");
        }
        store.optOut("ivy", Channel.SMS).toCompletableFuture().join();

        // When
        BatchOutcome outcome;
        try (BatchProcessor processor = processor().build()) {
            outcome = processor.process(List.of(sms("w1", "henry", "+15550500", NOW),
                    sms("w2", "ivy", "+15550600", NOW))).join();
        }
        Throwable failure;
        try (RedisPreferenceStore another = RedisPreferenceStore.create(config, registry)) {
            failure = another.lookup(List.of("henry", "ivy")).toCompletableFuture().handle((ok, error) -> error).join();
        }

        // Then: nothing is sent whose preferences could not be read, and the log says which key is bad
        assertThat(outcome.dispositions()).containsExactly(Disposition.NOT_ATTEMPTED, Disposition.NOT_ATTEMPTED);
        assertThat(smsDelivery.sends()).isZero();
        assertThat(failure).hasMessageContaining("HGETALL " + badKey).hasMessageContaining("WRONGTYPE");
        assertThat(registry.get("notify.redis.lookup.failures").counter().count()).isEqualTo(2.0);
    }

    @Test
    void should_work_on_a_connection_the_caller_owns_and_leave_it_open() {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        client.setOptions(RedisPreferenceStore.recommendedClientOptions(config));
        try (io.lettuce.core.api.StatefulRedisConnection<String, String> shared = client.connect()) {
            RedisPreferenceStore sharedStore = RedisPreferenceStore.using(shared, config, registry);
            RedisDedupGuard sharedGuard = RedisDedupGuard.using(shared, config, registry);

            sharedStore.optOut("jack", Channel.FCM).toCompletableFuture().join();
            Set<String> claimed = sharedGuard.claim(List.of("s1")).toCompletableFuture().join();
            sharedStore.close();
            sharedGuard.close();

            assertThat(claimed).containsExactly("s1");
            assertThat(shared.isOpen()).isTrue();
            assertThat(shared.sync().hget(config.keyPrefix() + "pref:jack", "optout:FCM")).isNotNull();
            assertThat(shared.sync().get(config.keyPrefix() + "dedup:s1")).isNotNull();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void should_read_every_user_of_a_large_batch_in_one_lookup() {
        // Given: 1,000 users, every third opted out of SMS
        List<String> users = new ArrayList<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            users.add("user-" + i);
            if (i % 3 == 0) {
                writes.add(store.optOut("user-" + i, Channel.SMS).toCompletableFuture());
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();

        // When
        Map<String, Preferences> found = store.lookup(users).toCompletableFuture().join();

        // Then
        assertThat(found).hasSize(1_000);
        long optedOut = found.values().stream().filter(p -> p.optedOutChannels().contains(Channel.SMS)).count();
        assertThat(optedOut).isEqualTo(334);
        assertThat(found.get("user-3").optedOutChannels()).containsExactly(Channel.SMS);
        assertThat(found.get("user-4")).isEqualTo(Preferences.NONE);
        assertThat(registry.get("notify.redis.lookup").tag("outcome", "success").timer().count()).isEqualTo(1);
        assertThat(store.awaitedCommands()).isZero();
    }
}
