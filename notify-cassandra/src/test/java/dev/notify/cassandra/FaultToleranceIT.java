package dev.notify.cassandra;

import static dev.notify.cassandra.ItSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.RequestThrottlingException;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.StatusUpdate;
import dev.notify.core.batch.GuardedStatusStore;
import dev.notify.core.batch.StatusGuardConfig;
import dev.notify.sandbox.CassandraEngine;
import dev.notify.sandbox.WithEngines;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store while the node is frozen (SIGSTOP) or killed: writes fail within the timeout, the guard around the store
 * opens its breaker, and once the node is back the same store (same session) writes again.
 */
@WithEngines
class FaultToleranceIT {

    private static final Logger log = LoggerFactory.getLogger(FaultToleranceIT.class);
    private static final String KEYSPACE = "notify_it_faults";
    /** The store's request timeout here: writes to a frozen node must fail within it. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration GUARD_TIMEOUT = Duration.ofMillis(1500);

    private static CassandraStatusStore store;
    private static GuardedStatusStore guarded;

    @BeforeAll
    static void createStore(CassandraEngine cassandra) {
        CassandraStoreConfig config = ItSupport.config(cassandra, KEYSPACE).requestTimeout(REQUEST_TIMEOUT)
                .build();
        SchemaMigration.migrate(config);
        store = CassandraStatusStore.connect(config);
        guarded = new GuardedStatusStore(store, StatusGuardConfig.custom()
                .writeTimeout(GUARD_TIMEOUT)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .waitDurationInOpenState(Duration.ofMillis(500))
                .permittedCallsInHalfOpenState(2)
                .build(), new SimpleMeterRegistry());
    }

    @AfterAll
    static void close() {
        if (guarded != null) {
            guarded.close();
        }
    }

    private static StatusUpdate delivered(String id) {
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new StatusUpdate(id, "user-1", Channel.EMAIL, DeliveryStatus.DELIVERED, null, "sg-" + id, created,
                created.plusMillis(10), 1);
    }

    private static Throwable failureOf(CompletableFuture<?> future, Duration within) {
        try {
            future.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the write neither failed nor succeeded within " + within, e);
        }
        throw new AssertionError("the write succeeded although the node is down");
    }

    private static boolean guardedWriteSucceeds(String id) {
        try {
            guarded.record(delivered(id)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Sends writes through the guard until its breaker opens; returns how long that took. */
    private static long openBreaker() {
        long start = System.nanoTime();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            writes.add(guarded.record(delivered("fault-" + UUID.randomUUID())).toCompletableFuture());
        }
        for (CompletableFuture<Void> write : writes) {
            assertThat(failureOf(write, GUARD_TIMEOUT.plusSeconds(2))).isNotNull();
        }
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> guarded.breakerState() == CircuitBreaker.State.OPEN);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void assertRefusedAtOnce() {
        long start = System.nanoTime();
        Throwable refused = failureOf(guarded.record(delivered("refused-" + UUID.randomUUID())).toCompletableFuture(),
                Duration.ofSeconds(1));
        assertThat(refused).isInstanceOf(CallNotPermittedException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(500);
    }

    @Test
    void should_fail_within_the_timeout_while_paused_and_write_again_on_the_same_session_once_resumed(
            CassandraEngine cassandra) {
        String before = "paused-before-" + UUID.randomUUID();
        await(store.record(delivered(before)));

        cassandra.pause();
        long openedAfter;
        try {
            long start = System.nanoTime();
            Throwable failure = failureOf(store.record(delivered("paused-" + UUID.randomUUID())).toCompletableFuture(),
                    REQUEST_TIMEOUT.plusSeconds(2));
            long failedAfter = (System.nanoTime() - start) / 1_000_000;
            assertThat(failure).isInstanceOf(DriverTimeoutException.class);
            assertThat(failedAfter).isBetween(REQUEST_TIMEOUT.toMillis() - 50,
                    REQUEST_TIMEOUT.toMillis() + 1_000);

            openedAfter = openBreaker();
            assertRefusedAtOnce();
            log.info("paused: a write failed after {} ms, the breaker opened after {} ms", failedAfter, openedAfter);
        } finally {
            cassandra.resume();
        }

        long resumed = System.nanoTime();
        String after = "paused-after-" + UUID.randomUUID();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> guardedWriteSucceeds(after));
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> guardedWriteSucceeds("paused-probe-" + UUID.randomUUID())
                        && guarded.breakerState() == CircuitBreaker.State.CLOSED);
        log.info("resumed: writes succeed again and the breaker closed after {} ms",
                (System.nanoTime() - resumed) / 1_000_000);

        assertThat(await(store.find(after)).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(await(store.find(before)).orElseThrow().providerMessageId()).isEqualTo("sg-" + before);
    }

    @Test
    void should_bound_the_requests_in_flight_and_refuse_beyond_the_queue(CassandraEngine cassandra) {
        CassandraStoreConfig config = ItSupport.config(cassandra, KEYSPACE).requestTimeout(REQUEST_TIMEOUT)
                .maxInFlight(2).maxQueued(2).sessionName("it-throttled").build();
        try (CassandraStatusStore throttled = CassandraStatusStore.connect(config)) {
            cassandra.pause();
            try {
                // each final write is two requests (status row, index delete): two fill the slots, one the queue
                CompletableFuture<Void> inFlight = throttled.record(delivered("slots-" + UUID.randomUUID()))
                        .toCompletableFuture();
                CompletableFuture<Void> queued = throttled.record(delivered("queue-" + UUID.randomUUID()))
                        .toCompletableFuture();
                long start = System.nanoTime();
                Throwable refused = failureOf(throttled.record(delivered("over-" + UUID.randomUUID()))
                        .toCompletableFuture(), Duration.ofSeconds(1));
                long refusedAfter = (System.nanoTime() - start) / 1_000_000;

                assertThat(refused).isInstanceOf(RequestThrottlingException.class);
                assertThat(refusedAfter).isLessThan(500);
                assertThat(failureOf(inFlight, REQUEST_TIMEOUT.plusSeconds(2)))
                        .isInstanceOf(DriverTimeoutException.class);
                assertThat(failureOf(queued, REQUEST_TIMEOUT.multipliedBy(2).plusSeconds(2)))
                        .isInstanceOf(DriverException.class);
            } finally {
                cassandra.resume();
            }
        }
    }

    @Test
    void should_fail_fast_while_killed_and_write_again_on_the_same_session_once_restarted(CassandraEngine cassandra) {
        String before = "killed-before-" + UUID.randomUUID();
        await(store.record(delivered(before)));

        cassandra.kill();
        long start = System.nanoTime();
        Throwable failure = failureOf(store.record(delivered("killed-" + UUID.randomUUID())).toCompletableFuture(),
                REQUEST_TIMEOUT.plusSeconds(2));
        long failedAfter = (System.nanoTime() - start) / 1_000_000;
        assertThat(failure).isInstanceOf(DriverException.class);
        assertThat(failedAfter).isLessThanOrEqualTo(REQUEST_TIMEOUT.toMillis() + 1_000);
        long openedAfter = openBreaker();
        assertRefusedAtOnce();
        log.info("killed: a write failed after {} ms ({}), the breaker opened after {} ms", failedAfter,
                failure.getClass().getSimpleName(), openedAfter);

        long restart = System.nanoTime();
        cassandra.start();
        long started = System.nanoTime();
        String after = "killed-after-" + UUID.randomUUID();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> guardedWriteSucceeds(after));
        log.info("restarted in {} ms; the same session wrote again {} ms later",
                (started - restart) / 1_000_000, (System.nanoTime() - started) / 1_000_000);

        assertThat(await(store.find(after)).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(await(store.find(before)).orElseThrow().providerMessageId())
                .as("a row written before the kill survives it").isEqualTo("sg-" + before);
    }
}
