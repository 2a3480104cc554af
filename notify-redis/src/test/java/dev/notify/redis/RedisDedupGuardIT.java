package dev.notify.redis;

import static dev.notify.redis.Requests.push;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.notify.core.BatchOutcome;
import dev.notify.core.Channel;
import dev.notify.core.DedupGuard;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Disposition;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.core.inmemory.InMemoryDeferredDelivery;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RedisDedupGuard} on a real redis-server. */
class RedisDedupGuardIT {

    private static LocalRedis redis;
    private static int testNumber;

    private RedisConfig config;
    private SimpleMeterRegistry registry;
    private final List<AutoCloseable> toClose = new ArrayList<>();

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
                .keyPrefix("dedup-it-" + (++testNumber) + ":")
                .commandTimeout(Duration.ofMillis(500))
                .maxReconnectDelay(Duration.ofMillis(200))
                .build();
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private RedisDedupGuard guard(RedisConfig guardConfig) {
        RedisDedupGuard guard = (RedisDedupGuard) RedisDedupGuard.create(guardConfig, registry);
        toClose.add(guard);
        return guard;
    }

    private double dedupHits() {
        return registry.get("notify.redis.dedup.hits").counter().count();
    }

    @Test
    void should_claim_once_until_released_with_the_configured_time_to_live() {
        RedisDedupGuard guard = guard(config.mutate().dedupTtl(Duration.ofMinutes(10)).build());

        Set<String> first = guard.claim(List.of("a", "b", "b")).toCompletableFuture().join();
        Set<String> second = guard.claim(List.of("a", "c")).toCompletableFuture().join();
        guard.release("a").toCompletableFuture().join();
        Set<String> afterRelease = guard.claim(List.of("a", "b")).toCompletableFuture().join();

        assertThat(first).containsExactlyInAnyOrder("a", "b");
        assertThat(second).containsExactly("c");
        assertThat(afterRelease).containsExactly("a");
        assertThat(dedupHits()).isEqualTo(2.0);
        try (LocalRedis.Admin admin = new LocalRedis.Admin(redis.uri())) {
            long ttl = admin.commands().pttl(config.keyPrefix() + "dedup:b");
            assertThat(ttl).isBetween(Duration.ofMinutes(9).toMillis(), Duration.ofMinutes(10).toMillis());
        }
    }

    @Test
    void should_be_off_when_the_configuration_says_so() {
        DedupGuard guard = RedisDedupGuard.create(config.mutate().dedupEnabled(false).build(), registry);

        assertThat(guard).isSameAs(DedupGuard.NONE);
    }

    @Test
    void should_send_nothing_twice_when_a_batch_is_replayed_after_a_crash() {
        // Given: a batch whose sends were done but whose offsets were not committed before the worker died
        InMemoryDelivery apns = new InMemoryDelivery(Channel.APNS);
        InMemoryStatusStore statuses = new InMemoryStatusStore();
        Instant now = Instant.now();
        List<NotificationRequest> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add(push("replay-" + i, "user-" + (i % 40), "tok-" + i, Priority.NORMAL, now));
        }
        BatchOutcome first;
        try (BatchProcessor worker = BatchProcessor.builder().delivery(apns).statusStore(statuses)
                .dedup(RedisDedupGuard.create(config, registry)).build()) {
            first = worker.process(batch).join();
        }

        // When: another worker (a new process, a new guard) consumes the same batch again
        BatchOutcome replay;
        try (BatchProcessor worker = BatchProcessor.builder().delivery(apns).statusStore(statuses)
                .dedup(RedisDedupGuard.create(config, registry)).build()) {
            replay = worker.process(batch).join();
        }

        // Then
        assertThat(first.count(Disposition.DELIVERED)).isEqualTo(200);
        assertThat(replay.count(Disposition.DUPLICATE)).isEqualTo(200);
        for (NotificationRequest request : batch) {
            assertThat(apns.sendsOf(request.id())).as(request.id()).isEqualTo(1);
        }
        assertThat(apns.duplicateSends()).isZero();
        assertThat(statuses.count(DeliveryStatus.DELIVERED)).isEqualTo(200);
        assertThat(dedupHits()).isEqualTo(200.0);
    }

    @Test
    void should_release_the_claim_of_a_transiently_failed_send_so_that_a_later_try_sends_it_once() {
        // Given: the provider fails the first send of each id transiently
        InMemoryDelivery apns = new InMemoryDelivery(Channel.APNS).behaviour(InMemoryDelivery.failTransiently(1));
        InMemoryStatusStore statuses = new InMemoryStatusStore();
        InMemoryDeferredDelivery deferred = new InMemoryDeferredDelivery();
        RedisDedupGuard guard = guard(config);
        NotificationRequest request = push("flaky-1", "user-1", "tok-1", Priority.NORMAL, Instant.now());
        BatchProcessor worker = BatchProcessor.builder().delivery(apns).statusStore(statuses).dedup(guard)
                .deferred(deferred).build();

        // When: the first try fails, the deferred lane tries again, then the record is replayed once more
        BatchOutcome firstTry = worker.process(List.of(request)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> !claimExists("flaky-1"));
        BatchOutcome laterTry = worker.process(List.of(deferred.deferred().get(0).request())).join();
        BatchOutcome replay = worker.process(List.of(request)).join();

        // Then
        assertThat(firstTry.dispositions()).containsExactly(Disposition.DEFERRED);
        assertThat(laterTry.dispositions()).containsExactly(Disposition.DELIVERED);
        assertThat(replay.dispositions()).containsExactly(Disposition.DUPLICATE);
        assertThat(apns.sendsOf("flaky-1")).as("one failed try, one accepted send").isEqualTo(2);
        assertThat(statuses.get("flaky-1").orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(claimExists("flaky-1")).isTrue();
    }

    @Test
    void should_grant_its_own_claim_that_redis_carried_out_after_the_call_timed_out() {
        // Given: Redis stalls (CLIENT PAUSE) longer than the command timeout, then runs the claim it received
        RedisDedupGuard guard = guard(config.mutate().commandTimeout(Duration.ofMillis(200)).build());
        try (LocalRedis.Admin admin = new LocalRedis.Admin(redis.uri())) {
            admin.commands().clientPause(1_000);
        }
        assertThatThrownBy(() -> guard.claim(List.of("slow-1", "slow-2")).toCompletableFuture().join())
                .hasRootCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> claimExists("slow-1") && claimExists("slow-2"));

        // When: the batch is retried by the same guard, and by another worker's guard
        Set<String> retried = guard.claim(List.of("slow-1", "slow-2", "slow-3")).toCompletableFuture().join();
        Set<String> other = guard(config).claim(List.of("slow-1", "slow-2")).toCompletableFuture().join();

        // Then: the ids were not lost, and still not claimable twice
        assertThat(retried).containsExactlyInAnyOrder("slow-1", "slow-2", "slow-3");
        assertThat(other).isEmpty();
        assertThat(registry.get("notify.redis.dedup.failures").counter().count()).isEqualTo(1.0);
    }

    @Test
    void should_send_a_release_that_failed_again_before_the_next_claim() {
        // Given: a claim, then Redis goes away (keeping its data) and the release fails
        RedisDedupGuard guard = guard(config);
        assertThat(guard.claim(List.of("rel-1")).toCompletableFuture().join()).containsExactly("rel-1");
        redis.snapshotAndStop();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> !guard.isConnected());
            assertThatThrownBy(() -> guard.release("rel-1").toCompletableFuture().join())
                    .isInstanceOf(java.util.concurrent.CompletionException.class);
            assertThat(guard.pendingReleases()).isEqualTo(1);
        } finally {
            redis.start();
        }
        await().atMost(Duration.ofSeconds(10)).until(guard::isConnected);
        assertThat(claimExists("rel-1")).as("the claim came back with the data").isTrue();

        // When
        Set<String> claimed = guard.claim(List.of("rel-1")).toCompletableFuture().join();

        // Then
        assertThat(claimed).containsExactly("rel-1");
        assertThat(guard.pendingReleases()).isZero();
    }

    private boolean claimExists(String notificationId) {
        try (LocalRedis.Admin admin = new LocalRedis.Admin(redis.uri())) {
            return admin.commands().exists(config.keyPrefix() + "dedup:" + notificationId) == 1;
        }
    }
}
