package dev.notify.cassandra;

import static dev.notify.cassandra.ItSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusUpdate;
import dev.notify.sandbox.CassandraEngine;
import dev.notify.sandbox.WithEngines;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Writes and reads on a real node: transitions, order of arrival, replays, the index entry of PENDING. */
@WithEngines
class CassandraStatusStoreIT {

    private static final String KEYSPACE = "notify_it_store";

    private static CassandraStoreConfig config;
    private static CassandraStatusStore store;
    private static CqlSession raw;

    @BeforeAll
    static void createSchemaAndStore(CassandraEngine cassandra) {
        config = ItSupport.config(cassandra, KEYSPACE).build();
        SchemaMigration.migrate(config);
        store = CassandraStatusStore.connect(config);
        raw = CassandraSessionFactory.open(config);
    }

    @AfterAll
    static void close() {
        if (raw != null) {
            raw.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static String newId() {
        return "n-" + UUID.randomUUID();
    }

    private static Instant createdAt() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
    }

    private static StatusUpdate pending(String id, Instant created) {
        return new StatusUpdate(id, "user-7", Channel.SMS, DeliveryStatus.PENDING, null, null, created, created, 0);
    }

    private static StatusUpdate delivered(String id, Instant created, Instant at) {
        return new StatusUpdate(id, "user-7", Channel.SMS, DeliveryStatus.DELIVERED, null, "SM123", created, at, 1);
    }

    private static StatusRecord find(String id) {
        return await(store.find(id)).orElseThrow(() -> new AssertionError("no row for " + id));
    }

    private static List<Row> indexEntries(String id, Instant created) {
        PendingIndexLayout layout = new PendingIndexLayout(config.bucketSize(), config.shards());
        return raw.execute(SimpleStatement.newInstance("SELECT id, created_at FROM " + KEYSPACE
                        + ".pending_by_bucket WHERE bucket = ? AND shard = ? AND created_at = ? AND id = ?",
                layout.bucketOf(created), layout.shardOf(id), created, id)).all();
    }

    private static long writeTimeOfStatus(String id) {
        return raw.execute(SimpleStatement.newInstance("SELECT writetime(status) FROM " + KEYSPACE
                + ".notification_status WHERE id = ?", id)).one().getLong(0);
    }

    @Test
    void should_read_back_pending_with_every_field_and_an_index_entry() {
        String id = newId();
        Instant created = createdAt();

        await(store.record(pending(id, created)));

        assertThat(find(id)).isEqualTo(new StatusRecord(id, "user-7", Channel.SMS, DeliveryStatus.PENDING, null,
                null, created, created, 0));
        assertThat(indexEntries(id, created)).hasSize(1);
        assertThat(writeTimeOfStatus(id)).isEqualTo(created.toEpochMilli() * 1000);
    }

    @Test
    void should_write_and_read_back_every_transition_from_pending() {
        for (DeliveryStatus status : DeliveryStatus.values()) {
            if (!status.isFinal()) {
                continue;
            }
            String id = newId();
            Instant created = createdAt();
            Instant at = created.plusMillis(1500);
            String reason = status == DeliveryStatus.DELIVERED ? null : "reason-" + status.name().toLowerCase();
            String providerId = status == DeliveryStatus.DELIVERED ? "apns-42" : null;
            await(store.record(new StatusUpdate(id, "user-1", Channel.APNS, DeliveryStatus.PENDING, null, null,
                    created, created, 0)));

            await(store.record(new StatusUpdate(id, "user-1", Channel.APNS, status, reason, providerId, created, at,
                    2)));

            assertThat(find(id)).as(status.name()).isEqualTo(new StatusRecord(id, "user-1", Channel.APNS, status,
                    reason, providerId, created, at, 2));
            assertThat(indexEntries(id, created)).as("index entry after " + status).isEmpty();
            Row row = raw.execute(SimpleStatement.newInstance("SELECT delivered_at FROM " + KEYSPACE
                    + ".notification_status WHERE id = ?", id)).one();
            assertThat(row.getInstant("delivered_at")).isEqualTo(status == DeliveryStatus.DELIVERED ? at : null);
        }
    }

    @Test
    void should_keep_delivered_when_pending_arrives_after_it() {
        String id = newId();
        Instant created = createdAt();
        Instant deliveredAt = created.plusSeconds(2);

        await(store.record(delivered(id, created, deliveredAt)));
        await(store.record(pending(id, created)));
        await(store.record(pending(id, created)));

        assertThat(find(id)).isEqualTo(new StatusRecord(id, "user-7", Channel.SMS, DeliveryStatus.DELIVERED, null,
                "SM123", created, deliveredAt, 1));
        assertThat(indexEntries(id, created)).as("the late PENDING's index entry is shadowed").isEmpty();
    }

    @Test
    void should_keep_delivered_even_when_its_event_time_is_before_creation() {
        String id = newId();
        Instant created = createdAt();

        await(store.record(delivered(id, created, created.minusSeconds(5))));
        await(store.record(pending(id, created)));

        assertThat(find(id).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(writeTimeOfStatus(id)).isEqualTo(created.toEpochMilli() * 1000 + 1);
    }

    @Test
    void should_leave_the_row_unchanged_when_the_same_write_arrives_twice() {
        String id = newId();
        Instant created = createdAt();
        StatusUpdate update = delivered(id, created, created.plusMillis(250));
        await(store.record(pending(id, created)));
        await(store.record(update));
        StatusRecord first = find(id);
        long firstWriteTime = writeTimeOfStatus(id);

        await(store.record(update));

        assertThat(find(id)).isEqualTo(first);
        assertThat(writeTimeOfStatus(id)).isEqualTo(firstWriteTime).isEqualTo(created.plusMillis(250).toEpochMilli() * 1000);
        assertThat(raw.execute(SimpleStatement.newInstance("SELECT count(*) FROM " + KEYSPACE
                + ".notification_status WHERE id = ?", id)).one().getLong(0)).isEqualTo(1);
    }

    @Test
    void should_let_the_later_of_two_finals_win_in_either_order() {
        Instant created = createdAt();
        String id = newId();
        StatusUpdate failed = new StatusUpdate(id, "user-7", Channel.SMS, DeliveryStatus.FAILED, "undelivered-30003",
                null, created, created.plusSeconds(10), 1);
        StatusUpdate delivered = delivered(id, created, created.plusSeconds(3));
        String otherId = newId();

        await(store.record(failed));
        await(store.record(delivered));
        await(store.record(new StatusUpdate(otherId, "user-7", Channel.SMS, DeliveryStatus.DELIVERED, null, "SM123",
                created, created.plusSeconds(3), 1)));
        await(store.record(new StatusUpdate(otherId, "user-7", Channel.SMS, DeliveryStatus.FAILED,
                "undelivered-30003", null, created, created.plusSeconds(10), 1)));

        for (String each : List.of(id, otherId)) {
            StatusRecord record = find(each);
            assertThat(record.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(record.reason()).isEqualTo("undelivered-30003");
            assertThat(record.updatedAt()).isEqualTo(created.plusSeconds(10));
            // the provider's id stays known: a final without one does not erase it
            assertThat(record.providerMessageId()).isEqualTo("SM123");
        }
    }

    @Test
    void should_store_a_failed_invalid_record_without_channel() {
        String id = newId();
        Instant created = createdAt();

        await(store.record(new StatusUpdate(id, null, null, DeliveryStatus.FAILED, "invalid-channel", null, created,
                created, 0)));

        assertThat(find(id)).isEqualTo(new StatusRecord(id, null, null, DeliveryStatus.FAILED, "invalid-channel",
                null, created, created, 0));
    }

    @Test
    void should_find_nothing_for_an_unknown_id() {
        assertThat(await(store.find(newId()))).isEqualTo(Optional.empty());
    }

    @Test
    void should_apply_the_schema_again_without_change() {
        SchemaMigration.migrate(config);

        assertThat(raw.getMetadata().getKeyspace(KEYSPACE).orElseThrow().getTables().keySet())
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("notification_status", "pending_by_bucket");
    }
}
