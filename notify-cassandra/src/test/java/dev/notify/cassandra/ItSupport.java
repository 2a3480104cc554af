package dev.notify.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.notify.sandbox.CassandraEngine;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Settings shared by this module's integration tests, all on the JVM's shared Cassandra node. */
final class ItSupport {

    /** The per-request timeout of the stores under test: generous, the build machine is shared and small. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private ItSupport() {
    }

    /** A store configuration for one node: consistency LOCAL_ONE, fast reconnection. */
    static CassandraStoreConfig.Builder config(CassandraEngine cassandra, String keyspace) {
        return CassandraStoreConfig.builder()
                .addContactPoint(cassandra.contactPoint())
                .localDatacenter(cassandra.localDatacenter())
                .keyspace(keyspace)
                .writeConsistency(DefaultConsistencyLevel.LOCAL_ONE)
                .readConsistency(DefaultConsistencyLevel.LOCAL_ONE)
                .requestTimeout(REQUEST_TIMEOUT)
                .reconnectionBaseDelay(Duration.ofMillis(200))
                .reconnectionMaxDelay(Duration.ofSeconds(1))
                .sessionName("it-" + keyspace);
    }

    /** Waits for {@code stage}, at most 30 s. */
    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("stage did not complete normally", e);
        }
    }
}
