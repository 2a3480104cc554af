package dev.notify.cassandra;

import static dev.notify.cassandra.ItSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.StalePage;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusUpdate;
import dev.notify.sandbox.CassandraEngine;
import dev.notify.sandbox.WithEngines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stale-PENDING query over 10,000 notifications of mixed status and age (0 to 48 hours, hourly buckets, 8
 * shards): it returns exactly the PENDING ones created before the threshold, page by page.
 */
@WithEngines
class StalePendingIT {

    private static final Logger log = LoggerFactory.getLogger(StalePendingIT.class);
    private static final String KEYSPACE = "notify_it_stale";
    private static final int ROWS = 10_000;
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Instant THRESHOLD = NOW.minus(Duration.ofHours(6)).plusMillis(123);

    private static CassandraStatusStore store;
    private static final Set<String> expected = new HashSet<>();
    private static final Set<String> pendingAfterThreshold = new HashSet<>();

    @BeforeAll
    static void writeTenThousandNotifications(CassandraEngine cassandra) {
        // a bulk load on a shared 2-core machine: a long timeout
        CassandraStoreConfig config = ItSupport.config(cassandra, KEYSPACE).indexTtl(Duration.ofDays(3))
                .requestTimeout(Duration.ofSeconds(10)).build();
        SchemaMigration.migrate(config);
        try (CqlSession session = CassandraSessionFactory.open(config)) {
            // a rerun of the build without clean finds the previous run's rows
            session.execute(SimpleStatement.newInstance("TRUNCATE " + KEYSPACE + ".notification_status")
                    .setTimeout(Duration.ofSeconds(30)));
            session.execute(SimpleStatement.newInstance("TRUNCATE " + KEYSPACE + ".pending_by_bucket")
                    .setTimeout(Duration.ofSeconds(30)));
        }
        store = CassandraStatusStore.connect(config, Clock.fixed(NOW, ZoneOffset.UTC));

        Random random = new Random(42);
        Semaphore window = new Semaphore(64);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < ROWS; i++) {
            String id = String.format("stale-%05d", i);
            Instant created = NOW.minusMillis(random.nextInt((int) Duration.ofHours(48).toMillis()));
            DeliveryStatus status = DeliveryStatus.fromCode(random.nextInt(10) < 4 ? 0 : 1 + random.nextInt(4));
            boolean finalFirst = random.nextInt(4) == 0;
            StatusUpdate pending = new StatusUpdate(id, "u" + (i % 97), Channel.fromCode(1 + i % 4),
                    DeliveryStatus.PENDING, null, null, created, created, 0);
            StatusUpdate outcome = new StatusUpdate(id, "u" + (i % 97), Channel.fromCode(1 + i % 4), status,
                    status == DeliveryStatus.PENDING ? null : "r", null, created, created.plusSeconds(30), 1);
            if (status == DeliveryStatus.PENDING) {
                (created.isBefore(THRESHOLD) ? expected : pendingAfterThreshold).add(id);
            }
            window.acquireUninterruptibly();
            CompletableFuture<Void> write = status == DeliveryStatus.PENDING
                    ? store.record(pending).toCompletableFuture()
                    : finalFirst
                            ? store.record(outcome).thenCompose(ignored -> store.record(pending)).toCompletableFuture()
                            : store.record(pending).thenCompose(ignored -> store.record(outcome)).toCompletableFuture();
            writes.add(write.whenComplete((ignored, error) -> window.release()));
        }
        await(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
        log.info("wrote {} notifications ({} stale PENDING) in {} ms", ROWS, expected.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void should_return_exactly_the_pending_created_before_the_threshold_page_by_page() {
        Set<String> found = new HashSet<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        long start = System.nanoTime();
        do {
            StalePage page = await(store.findStalePending(THRESHOLD, 500, cursor));
            pageSizes.add(page.records().size());
            for (StatusRecord record : page.records()) {
                assertThat(record.status()).isEqualTo(DeliveryStatus.PENDING);
                assertThat(record.createdAt()).isBefore(THRESHOLD);
                assertThat(found.add(record.notificationId())).as("duplicate %s", record.notificationId()).isTrue();
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        log.info("scanned {} stale PENDING in {} pages in {} ms", found.size(), pageSizes.size(),
                (System.nanoTime() - start) / 1_000_000);

        assertThat(expected).hasSizeGreaterThan(2_500);
        assertThat(pendingAfterThreshold).isNotEmpty();
        assertThat(found).isEqualTo(expected);
        assertThat(pageSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(500));
        assertThat(pageSizes.subList(0, pageSizes.size() - 1)).allSatisfy(size -> assertThat(size).isEqualTo(500));
    }

    @Test
    void should_honour_a_small_page_size_and_keep_creation_order_within_a_bucket() {
        StalePage first = await(store.findStalePending(THRESHOLD, 7, null));
        StalePage second = await(store.findStalePending(THRESHOLD, 7, first.nextCursor()));

        assertThat(first.records()).hasSize(7);
        assertThat(second.records()).hasSize(7);
        assertThat(first.hasMore()).isTrue();
        List<StatusRecord> both = new ArrayList<>(first.records());
        both.addAll(second.records());
        assertThat(both).extracting(StatusRecord::notificationId).doesNotHaveDuplicates().allMatch(expected::contains);
        // the oldest bucket first
        assertThat(first.records().get(0).createdAt()).isBefore(NOW.minus(Duration.ofHours(46)));
    }

    @Test
    void should_find_nothing_before_the_oldest_notification() {
        StalePage page = await(store.findStalePending(NOW.minus(Duration.ofHours(49)), 100, null));

        assertThat(page.records()).isEmpty();
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void should_skip_an_index_entry_whose_status_is_already_final() {
        String id = "stale-final-without-delete";
        Instant created = NOW.minus(Duration.ofHours(20));
        await(store.record(new StatusUpdate(id, "u", Channel.SMS, DeliveryStatus.PENDING, null, null, created,
                created, 0)));
        // the final status row written, as if the delete of its index entry had failed
        try (CqlSession session = CassandraSessionFactory.open(store.config())) {
            session.execute(SimpleStatement.newInstance("UPDATE " + KEYSPACE + ".notification_status USING TIMESTAMP ?"
                    + " SET status = 1 WHERE id = ?", created.toEpochMilli() * 1000 + 5, id));
        }
        Set<String> found = new HashSet<>();
        String cursor = null;
        do {
            StalePage page = await(store.findStalePending(NOW.minus(Duration.ofHours(19)), 1_000, cursor));
            page.records().forEach(record -> found.add(record.notificationId()));
            cursor = page.nextCursor();
        } while (cursor != null);

        assertThat(found).doesNotContain(id).isNotEmpty().allMatch(expected::contains);
    }
}
