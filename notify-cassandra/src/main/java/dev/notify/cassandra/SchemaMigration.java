package dev.notify.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the keyspace and tables of {@link CassandraStatusStore}. Idempotent: every statement is
 * {@code CREATE ... IF NOT EXISTS}, so running it again, or from two instances at once, changes nothing. It never
 * alters an existing keyspace: if its replication differs from the configured one it says so in a WARN line and
 * leaves it (changing replication needs a repair, an operator's decision).
 *
 * <p>The schema (keyspace {@code notify} and the default index TTL shown):
 * <pre>
 * CREATE KEYSPACE IF NOT EXISTS notify WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
 *
 * -- one row per notification; the status codes of DeliveryStatus, the channel codes of Channel
 * CREATE TABLE IF NOT EXISTS notify.notification_status (
 *     id text PRIMARY KEY,
 *     status int, channel int, user_id text,
 *     created_at timestamp, updated_at timestamp, delivered_at timestamp,
 *     provider_message_id text, reason text, attempts int);
 *
 * -- PENDING notifications by creation time; entries expire on their own and are deleted by the final write
 * CREATE TABLE IF NOT EXISTS notify.pending_by_bucket (
 *     bucket bigint, shard int, created_at timestamp, id text,
 *     PRIMARY KEY ((bucket, shard), created_at, id))
 *   WITH CLUSTERING ORDER BY (created_at ASC, id ASC)
 *   AND default_time_to_live = 604800 AND gc_grace_seconds = 10800;
 * </pre>
 *
 * <p>The index table's short {@code gc_grace_seconds} (3 hours) purges the tombstones of final writes sooner: its
 * entries are only hints, checked against {@code notification_status} when read, so an entry that comes back after a
 * missed delete is harmless.
 */
public final class SchemaMigration {

    /** The version of the schema these statements create. */
    public static final int SCHEMA_VERSION = 1;
    /** The status table. */
    public static final String STATUS_TABLE = "notification_status";
    /** The PENDING index table. */
    public static final String PENDING_TABLE = "pending_by_bucket";

    static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);
    private static final int INDEX_GC_GRACE_SECONDS = 3 * 3600;

    private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);

    private SchemaMigration() {
    }

    /** The CQL statements of the schema for {@code config}, in order. */
    public static List<String> statements(CassandraStoreConfig config) {
        String keyspace = config.keyspace();
        List<String> statements = new ArrayList<>();
        statements.add("CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = "
                + config.replication().toCql());
        statements.add("CREATE TABLE IF NOT EXISTS " + keyspace + "." + STATUS_TABLE + " ("
                + "id text PRIMARY KEY, status int, channel int, user_id text, "
                + "created_at timestamp, updated_at timestamp, delivered_at timestamp, "
                + "provider_message_id text, reason text, attempts int)");
        statements.add("CREATE TABLE IF NOT EXISTS " + keyspace + "." + PENDING_TABLE + " ("
                + "bucket bigint, shard int, created_at timestamp, id text, "
                + "PRIMARY KEY ((bucket, shard), created_at, id)) "
                + "WITH CLUSTERING ORDER BY (created_at ASC, id ASC) "
                + "AND default_time_to_live = " + config.indexTtl().toSeconds() + " "
                + "AND gc_grace_seconds = " + INDEX_GC_GRACE_SECONDS);
        return List.copyOf(statements);
    }

    /** Applies the schema through {@code session} (which it does not close). */
    public static void migrate(CqlSession session, CassandraStoreConfig config) {
        warnOnReplicationDrift(session, config);
        for (String cql : statements(config)) {
            session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
        }
        if (!session.checkSchemaAgreement()) {
            log.warn("[{}] schema of keyspace {} applied, but the nodes do not agree on it yet",
                    config.sessionName(), config.keyspace());
        }
        log.info("[{}] schema version {} of keyspace {} is in place", config.sessionName(), SCHEMA_VERSION,
                config.keyspace());
    }

    /**
     * Opens a session with {@code config}, applies the schema and closes it; what the app's {@code schema} command
     * calls.
     *
     * @throws CassandraReadinessException if the cluster cannot be reached or the local datacenter is wrong
     */
    public static void migrate(CassandraStoreConfig config) {
        try (CqlSession session = CassandraSessionFactory.open(config)) {
            migrate(session, config);
        }
    }

    private static void warnOnReplicationDrift(CqlSession session, CassandraStoreConfig config) {
        Optional<KeyspaceMetadata> existing = session.getMetadata().getKeyspace(config.keyspace());
        if (existing.isEmpty()) {
            return;
        }
        Map<String, String> actual = new TreeMap<>(existing.get().getReplication());
        Map<String, String> wanted = new TreeMap<>();
        wanted.put("class", "org.apache.cassandra.locator." + config.replication().strategy());
        config.replication().factors().forEach((key, factor) -> wanted.put(key, String.valueOf(factor)));
        if (!actual.equals(wanted)) {
            log.warn("[{}] keyspace {} exists with replication {}, not the configured {}; left unchanged",
                    config.sessionName(), config.keyspace(), actual, config.replication());
        }
    }

    /**
     * Applies the schema from the command line: {@code --contact-point host:port} (repeatable, default
     * 127.0.0.1:9042), {@code --local-datacenter dc} (required), {@code --keyspace name},
     * {@code --replication simple:1|network:dc1=3,dc2=3}, {@code --username name}; the password is read from the
     * environment variable {@code NOTIFY_CASSANDRA_PASSWORD}, never from the command line. {@code --print} prints
     * the CQL instead of applying it.
     */
    public static void main(String[] args) {
        CassandraStoreConfig.Builder builder = CassandraStoreConfig.builder();
        boolean print = false;
        String username = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--contact-point" -> builder.addContactPoint(value(args, ++i, arg));
                case "--local-datacenter" -> builder.localDatacenter(value(args, ++i, arg));
                case "--keyspace" -> builder.keyspace(value(args, ++i, arg));
                case "--replication" -> builder.replication(Replication.parse(value(args, ++i, arg)));
                case "--username" -> username = value(args, ++i, arg);
                case "--print" -> print = true;
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (username != null) {
            String password = System.getenv("NOTIFY_CASSANDRA_PASSWORD");
            if (password == null) {
                throw new IllegalArgumentException("--username needs NOTIFY_CASSANDRA_PASSWORD in the environment");
            }
            builder.credentials(username, password);
        }
        if (print) {
            builder.localDatacenter("unused");
            statements(builder.build()).forEach(cql -> System.out.println(cql + ";"));
            return;
        }
        migrate(builder.build());
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
