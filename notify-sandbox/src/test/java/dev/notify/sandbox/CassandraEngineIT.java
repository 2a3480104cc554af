package dev.notify.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;

/**
 * All tests use the shared node in turn (one startup for the class); {@link WithEngines} resumes or restarts it
 * after a test that paused or killed it.
 */
@WithEngines
class CassandraEngineIT {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SCHEMA_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void should_read_back_the_rows_it_wrote(CassandraEngine cassandra) {
        try (CqlSession session = connect(cassandra)) {
            // Given
            createTable(session, "rows_basic");

            // When
            for (int id = 0; id < 100; id++) {
                session.execute(SimpleStatement.newInstance("INSERT INTO sandbox.rows_basic (id, value) VALUES (?, ?)", id, "value-" + id));
            }

            // Then
            Map<Integer, String> rows = readAll(session, "rows_basic");
            assertThat(rows).hasSize(100).containsEntry(0, "value-0").containsEntry(99, "value-99");
            assertThat(session.execute("SELECT data_center FROM system.local").one().getString("data_center"))
                    .isEqualTo(cassandra.localDatacenter());
        }
    }

    @Test
    void should_time_out_requests_while_paused_and_serve_the_same_session_once_resumed(CassandraEngine cassandra) {
        try (CqlSession session = connect(cassandra)) {
            // Given
            createTable(session, "rows_pause");
            insert(session, "rows_pause", 1, "before");

            // When
            cassandra.pause();
            long begin = System.nanoTime();
            Throwable failure = catchThrowable(() -> insert(session, "rows_pause", 2, "while-paused"));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

            // Then
            assertThat(cassandra.isPaused()).isTrue();
            assertThat(failure).isInstanceOf(DriverTimeoutException.class);
            assertThat(elapsedMillis).isBetween(REQUEST_TIMEOUT.toMillis() - 50, REQUEST_TIMEOUT.toMillis() + 1500);

            // When
            cassandra.resume();
            insert(session, "rows_pause", 3, "after");

            // Then
            assertThat(readAll(session, "rows_pause")).containsEntry(1, "before").containsEntry(3, "after");
        }
    }

    @Test
    void should_keep_rows_across_a_kill_and_a_restart_on_the_same_data(CassandraEngine cassandra) {
        try (CqlSession session = connect(cassandra)) {
            // Given
            createTable(session, "rows_crash");
            for (int id = 0; id < 50; id++) {
                insert(session, "rows_crash", id, "value-" + id);
            }
            java.nio.file.Path folder = cassandra.workDirectory();

            // When
            cassandra.kill();
            long begin = System.nanoTime();
            Throwable failure = catchThrowable(() -> insert(session, "rows_crash", 1000, "while-down"));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

            // Then
            assertThat(cassandra.isRunning()).isFalse();
            assertThat(failure).isInstanceOf(DriverException.class);
            assertThat(elapsedMillis).isLessThan(REQUEST_TIMEOUT.toMillis() + 1500);

            // When
            cassandra.start();

            // Then the open session reconnects by itself and every row is there
            assertThat(cassandra.workDirectory()).isEqualTo(folder);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(readAll(session, "rows_crash")).hasSize(50));
            Map<Integer, String> rows = readAll(session, "rows_crash");
            for (int id = 0; id < 50; id++) {
                assertThat(rows).containsEntry(id, "value-" + id);
            }
            insert(session, "rows_crash", 50, "after-restart");
            assertThat(readAll(session, "rows_crash")).hasSize(51);
        }
    }

    @Test
    void should_keep_rows_across_a_graceful_restart(CassandraEngine cassandra) {
        try (CqlSession session = connect(cassandra)) {
            // Given
            createTable(session, "rows_restart");
            for (int id = 0; id < 20; id++) {
                insert(session, "rows_restart", id, "value-" + id);
            }
            java.net.InetSocketAddress address = cassandra.contactPoint();

            // When: SIGTERM, wait for the exit, fork again on the same folder and ports
            cassandra.restart();

            // Then
            assertThat(cassandra.isRunning()).isTrue();
            assertThat(cassandra.contactPoint()).isEqualTo(address);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(readAll(session, "rows_restart")).hasSize(20).containsEntry(19, "value-19"));
        }
    }

    /** A session with a 1 s request timeout and a reconnection policy quick enough for a test. */
    private static CqlSession connect(CassandraEngine cassandra) {
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(100))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofMillis(500))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, SCHEMA_TIMEOUT)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, SCHEMA_TIMEOUT)
                .build();
        return CqlSession.builder()
                .addContactPoint(cassandra.contactPoint())
                .withLocalDatacenter(cassandra.localDatacenter())
                .withConfigLoader(config)
                .build();
    }

    private static void createTable(CqlSession session, String table) {
        session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS sandbox WITH replication = "
                + "{'class': 'SimpleStrategy', 'replication_factor': 1}").setTimeout(SCHEMA_TIMEOUT));
        session.execute(SimpleStatement.newInstance("DROP TABLE IF EXISTS sandbox." + table).setTimeout(SCHEMA_TIMEOUT));
        session.execute(SimpleStatement.newInstance("CREATE TABLE sandbox." + table + " (id int PRIMARY KEY, value text)")
                .setTimeout(SCHEMA_TIMEOUT));
    }

    private static void insert(CqlSession session, String table, int id, String value) {
        session.execute(SimpleStatement.newInstance("INSERT INTO sandbox." + table + " (id, value) VALUES (?, ?)", id, value));
    }

    private static Map<Integer, String> readAll(CqlSession session, String table) {
        Map<Integer, String> rows = new HashMap<>();
        for (Row row : session.execute("SELECT id, value FROM sandbox." + table)) {
            rows.put(row.getInt("id"), row.getString("value"));
        }
        return rows;
    }
}
