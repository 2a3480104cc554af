package dev.notify.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.StalePage;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StatusStore} on Apache Cassandra, through the Java driver 4.x.
 *
 * <h2>Writes</h2>
 * Every statement is prepared, idempotent, bound to one partition, and carries the request timeout and the configured
 * consistency; there is no batch and no lightweight transaction. The driver's concurrency-limiting throttler bounds
 * the requests in flight ({@link CassandraStoreConfig#maxInFlight()}) and queued
 * ({@link CassandraStoreConfig#maxQueued()}); beyond the queue a request fails at once.
 * <ul>
 *   <li>PENDING writes the status row and an entry in the PENDING index ({@code pending_by_bucket}, with the index
 *       TTL), two statements in parallel; the stage completes when both have.</li>
 *   <li>A final status writes the status row and, as a separate statement, deletes the index entry. The stage
 *       follows the status row alone: a failed delete only leaves an entry that reads skip.</li>
 * </ul>
 * Write timestamps follow {@link WriteTimestamps}: PENDING at the creation time, a final status at its event time but
 * always after PENDING. So a final status wins over PENDING whatever the order of arrival (and its delete shadows an
 * index entry written by a late PENDING), between two finals the later event time wins, and the same write twice
 * changes nothing.
 *
 * <h2>Stale PENDING</h2>
 * {@link #findStalePending} reads the index partitions {@code (bucket, shard)} from the bucket of the oldest entry
 * that can still be alive ({@code now - indexTtl}) to the bucket of {@code createdBefore}, each as a range read
 * {@code created_at < createdBefore}, and checks each entry against its status row: only rows still PENDING are
 * returned (the status row is the authority; the index is a hint). Order is by creation time within a partition and
 * by bucket across partitions. A page holds at most {@code pageSize} records; the cursor is opaque. The scan reads at
 * most {@value #MAX_SCAN_FETCH} entries at a time (and never more than half of
 * {@link CassandraStoreConfig#maxInFlight()}), so that it leaves request slots to the delivery path's writes.
 *
 * <h2>Failures</h2>
 * Every failure completes the stage exceptionally with the driver's exception (a timeout, no node available, a
 * throttled request); nothing is logged here, the caller decides. The session reconnects by itself after an outage.
 */
public final class CassandraStatusStore implements StatusStore {

    private static final Logger log = LoggerFactory.getLogger(CassandraStatusStore.class);

    /** Index entries read at once by the stale scan, each then checked against its status row in parallel. */
    public static final int MAX_SCAN_FETCH = 100;

    private static final String STATUS_COLUMNS =
            "id, status, channel, user_id, created_at, updated_at, delivered_at, provider_message_id, reason, attempts";

    private final CqlSession session;
    private final boolean ownsSession;
    private final CassandraStoreConfig config;
    private final PendingIndexLayout layout;
    private final Clock clock;
    private final int scanFetchSize;
    private final PreparedStatement insertStatus;
    private final PreparedStatement selectStatus;
    private final PreparedStatement insertPending;
    private final PreparedStatement deletePending;
    private final PreparedStatement selectPending;

    private CassandraStatusStore(CqlSession session, boolean ownsSession, CassandraStoreConfig config, Clock clock) {
        this.session = session;
        this.ownsSession = ownsSession;
        this.config = config;
        this.layout = new PendingIndexLayout(config.bucketSize(), config.shards());
        this.clock = clock;
        // the scan's status reads take at most half the request slots: the delivery path's writes share them
        this.scanFetchSize = Math.max(1, Math.min(MAX_SCAN_FETCH, config.maxInFlight() / 2));
        checkSchema(session, config);
        String keyspace = config.keyspace();
        String status = keyspace + "." + SchemaMigration.STATUS_TABLE;
        String pending = keyspace + "." + SchemaMigration.PENDING_TABLE;
        this.insertStatus = prepare("INSERT INTO " + status + " (" + STATUS_COLUMNS + ") "
                + "VALUES (:id, :status, :channel, :user_id, :created_at, :updated_at, :delivered_at, "
                + ":provider_message_id, :reason, :attempts) USING TIMESTAMP :ts");
        this.selectStatus = prepare("SELECT " + STATUS_COLUMNS + " FROM " + status + " WHERE id = :id");
        this.insertPending = prepare("INSERT INTO " + pending + " (bucket, shard, created_at, id) "
                + "VALUES (:bucket, :shard, :created_at, :id) USING TTL :ttl AND TIMESTAMP :ts");
        this.deletePending = prepare("DELETE FROM " + pending + " USING TIMESTAMP :ts "
                + "WHERE bucket = :bucket AND shard = :shard AND created_at = :created_at AND id = :id");
        this.selectPending = prepare("SELECT created_at, id FROM " + pending
                + " WHERE bucket = :bucket AND shard = :shard AND created_at < :created_before");
    }

    /**
     * Connects with {@code config}, checks that Cassandra is ready (reachable, the local datacenter right, the schema
     * in place) and prepares the statements. The store owns the session and closes it on {@link #close()}.
     *
     * @throws CassandraReadinessException if Cassandra is not ready; the message says what to fix
     */
    public static CassandraStatusStore connect(CassandraStoreConfig config) {
        return connect(config, Clock.systemUTC());
    }

    static CassandraStatusStore connect(CassandraStoreConfig config, Clock clock) {
        CqlSession session = CassandraSessionFactory.open(config);
        try {
            return new CassandraStatusStore(session, true, config, clock);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * A store on a session the caller opened and keeps (for instance from {@link CassandraSessionFactory#open}); it
     * is not closed by {@link #close()}. The session's own settings apply where a statement does not set them.
     *
     * @throws CassandraReadinessException if the schema is missing
     */
    public static CassandraStatusStore using(CqlSession session, CassandraStoreConfig config) {
        return new CassandraStatusStore(Objects.requireNonNull(session, "session"), false, config, Clock.systemUTC());
    }

    static CassandraStatusStore using(CqlSession session, CassandraStoreConfig config, Clock clock) {
        return new CassandraStatusStore(session, false, config, clock);
    }

    private static void checkSchema(CqlSession session, CassandraStoreConfig config) {
        Optional<KeyspaceMetadata> keyspace = session.getMetadata().getKeyspace(config.keyspace());
        List<String> missing = new ArrayList<>();
        for (String table : List.of(SchemaMigration.STATUS_TABLE, SchemaMigration.PENDING_TABLE)) {
            if (keyspace.flatMap(metadata -> metadata.getTable(table)).isEmpty()) {
                missing.add(config.keyspace() + "." + table);
            }
        }
        if (!missing.isEmpty()) {
            throw new CassandraReadinessException("The status store's schema is missing " + missing
                    + ": run the schema migration first (the app's schema command, or SchemaMigration.migrate)");
        }
    }

    private PreparedStatement prepare(String cql) {
        try {
            return session.prepare(SimpleStatement.newInstance(cql).setIdempotent(true)
                    .setTimeout(SchemaMigration.DDL_TIMEOUT));
        } catch (DriverException e) {
            throw new CassandraReadinessException("Cassandra at " + config.contactPoints()
                    + " could not prepare the status store's statements: " + e, e);
        }
    }

    @Override
    public CompletionStage<Void> record(StatusUpdate update) {
        Objects.requireNonNull(update, "update");
        long timestamp = WriteTimestamps.of(update);
        CompletableFuture<AsyncResultSet> statusWrite = execute(bindStatus(update, timestamp), true);
        if (update.status().isFinal()) {
            execute(bindIndex(deletePending.boundStatementBuilder(), update, timestamp).build(), true)
                    .whenComplete((ignored, error) -> {
                        if (error != null) {
                            log.debug("[{}] index entry of {} not deleted (reads skip it): {}", config.sessionName(),
                                    update.notificationId(), error.toString());
                        }
                    });
            return statusWrite.thenApply(ignored -> null);
        }
        BoundStatement indexWrite = bindIndex(insertPending.boundStatementBuilder(), update, timestamp)
                .setInt("ttl", (int) config.indexTtl().toSeconds())
                .build();
        CompletableFuture<AsyncResultSet> indexInsert = execute(indexWrite, true);
        return CompletableFuture.allOf(statusWrite, indexInsert);
    }

    private BoundStatement bindStatus(StatusUpdate update, long timestamp) {
        BoundStatementBuilder row = insertStatus.boundStatementBuilder()
                .setString("id", update.notificationId())
                .setInt("status", update.status().code())
                .setInstant("created_at", update.createdAt())
                .setInstant("updated_at", update.eventTime())
                .setInt("attempts", update.attempts())
                .setLong("ts", timestamp);
        // Unset columns are left as they are; columns set to null are cleared at this write's timestamp.
        if (update.channel() != null) {
            row.setInt("channel", update.channel().code());
        }
        if (!update.userId().isEmpty()) {
            row.setString("user_id", update.userId());
        }
        if (update.providerMessageId() != null) {
            row.setString("provider_message_id", update.providerMessageId());
        }
        if (update.status().isFinal()) {
            // A final write states the whole outcome, so that a later final does not keep an earlier one's reason.
            row.setString("reason", update.reason());
            row.setInstant("delivered_at", update.status() == DeliveryStatus.DELIVERED ? update.eventTime() : null);
        } else if (update.reason() != null) {
            row.setString("reason", update.reason());
        }
        return row.build();
    }

    private BoundStatementBuilder bindIndex(BoundStatementBuilder entry, StatusUpdate update, long timestamp) {
        return entry.setLong("bucket", layout.bucketOf(update.createdAt()))
                .setInt("shard", layout.shardOf(update.notificationId()))
                .setInstant("created_at", update.createdAt())
                .setString("id", update.notificationId())
                .setLong("ts", timestamp);
    }

    private CompletableFuture<AsyncResultSet> execute(BoundStatement statement, boolean write) {
        BoundStatement configured = statement
                .setIdempotent(true)
                .setTimeout(config.requestTimeout())
                .setConsistencyLevel(write ? config.writeConsistency() : config.readConsistency());
        try {
            return session.executeAsync(configured).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Optional<StatusRecord>> find(String notificationId) {
        Objects.requireNonNull(notificationId, "notificationId");
        return execute(selectStatus.bind().setString("id", notificationId), false)
                .thenApply(result -> Optional.ofNullable(result.one()).map(CassandraStatusStore::toRecord));
    }

    private static StatusRecord toRecord(Row row) {
        return new StatusRecord(
                row.getString("id"),
                row.getString("user_id"),
                row.isNull("channel") ? null : Channel.fromCode(row.getInt("channel")),
                DeliveryStatus.fromCode(row.getInt("status")),
                row.getString("reason"),
                row.getString("provider_message_id"),
                row.getInstant("created_at"),
                row.getInstant("updated_at"),
                row.getInt("attempts"));
    }

    @Override
    public CompletionStage<StalePage> findStalePending(Instant createdBefore, int pageSize, String cursor) {
        Objects.requireNonNull(createdBefore, "createdBefore");
        if (pageSize < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("pageSize must be at least 1, was "
                    + pageSize));
        }
        long threshold = createdBefore.toEpochMilli();
        StaleCursor start;
        try {
            start = cursor == null
                    ? new StaleCursor(threshold, layout.firstBucket(clock.instant(), config.indexTtl(), createdBefore),
                            0, null)
                    : StaleCursor.decode(cursor, threshold);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return scan(Instant.ofEpochMilli(threshold), layout.lastBucket(createdBefore), pageSize, start,
                new ArrayList<>());
    }

    // Reads partition after partition until the page is full or the last bucket is done. Each step is one range read
    // of at most the records still missing (and at most scanFetchSize), then one status read per entry, in parallel.
    private CompletionStage<StalePage> scan(Instant createdBefore, long lastBucket, int pageSize, StaleCursor position,
                                            List<StatusRecord> collected) {
        if (position.bucket() > lastBucket) {
            return CompletableFuture.completedFuture(new StalePage(collected, null));
        }
        if (collected.size() >= pageSize) {
            return CompletableFuture.completedFuture(new StalePage(collected, position.encode()));
        }
        BoundStatement read = selectPending.bind()
                .setLong("bucket", position.bucket())
                .setInt("shard", position.shard())
                .setInstant("created_before", createdBefore)
                .setPageSize(Math.min(pageSize - collected.size(), scanFetchSize))
                .setPagingState(position.pagingState());
        return execute(read, false).thenCompose(result -> {
            List<String> ids = new ArrayList<>();
            for (Row row : result.currentPage()) {
                ids.add(row.getString("id"));
            }
            StaleCursor next = result.hasMorePages()
                    ? new StaleCursor(position.createdBeforeMillis(), position.bucket(), position.shard(),
                            result.getExecutionInfo().getPagingState())
                    : position.nextPartition(layout.shards());
            return stillPending(ids).thenCompose(pending -> {
                collected.addAll(pending);
                return scan(createdBefore, lastBucket, pageSize, next, collected);
            });
        });
    }

    private CompletionStage<List<StatusRecord>> stillPending(List<String> ids) {
        List<CompletableFuture<Optional<StatusRecord>>> lookups = new ArrayList<>(ids.size());
        for (String id : ids) {
            lookups.add(find(id).toCompletableFuture());
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<StatusRecord> pending = new ArrayList<>(ids.size());
            for (CompletableFuture<Optional<StatusRecord>> lookup : lookups) {
                lookup.join().filter(record -> record.status() == DeliveryStatus.PENDING).ifPresent(pending::add);
            }
            return pending;
        });
    }

    /** The configuration of this store. */
    public CassandraStoreConfig config() {
        return config;
    }

    /** Closes the session if the store opened it. */
    @Override
    public void close() {
        if (ownsSession) {
            session.close();
        }
    }
}
