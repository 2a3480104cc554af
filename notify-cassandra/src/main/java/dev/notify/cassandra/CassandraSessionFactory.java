package dev.notify.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a driver session from a {@link CassandraStoreConfig} and checks, before handing it out, that the cluster
 * answers and that the configured local datacenter is one of the cluster's. Either problem fails with a
 * {@link CassandraReadinessException} whose message names the contact points, the configured datacenter and the
 * datacenters the nodes report, instead of the driver's later "No node was available" on every request.
 */
public final class CassandraSessionFactory {

    private static final Logger log = LoggerFactory.getLogger(CassandraSessionFactory.class);

    private CassandraSessionFactory() {
    }

    /**
     * A session on the cluster, checked as above; not bound to the keyspace (statements name it). The caller owns
     * and closes it.
     *
     * @throws CassandraReadinessException if the cluster cannot be reached or the local datacenter is wrong
     */
    public static CqlSession open(CassandraStoreConfig config) {
        Objects.requireNonNull(config, "config");
        CqlSession session = build(config);
        try {
            checkDatacenter(session, config);
            checkAnswers(session, config);
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static CqlSession build(CassandraStoreConfig config) {
        CqlSessionBuilder builder = CqlSession.builder()
                .addContactPoints(config.contactPoints())
                .withLocalDatacenter(config.localDatacenter())
                .withConfigLoader(driverConfig(config));
        if (config.username().isPresent()) {
            builder.withAuthCredentials(config.username().get(), config.password().orElseThrow());
        }
        config.sslContext().ifPresent(builder::withSslContext);
        try {
            return builder.buildAsync().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CassandraReadinessException("interrupted while connecting to Cassandra at "
                    + config.contactPoints(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            throw new CassandraReadinessException("Cannot reach Cassandra at " + config.contactPoints()
                    + " (local datacenter '" + config.localDatacenter() + "'): " + cause, cause);
        }
    }

    static DriverConfigLoader driverConfig(CassandraStoreConfig config) {
        return DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.SESSION_NAME, config.sessionName())
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, config.requestTimeout())
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, config.readConsistency().name())
                .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
                .withString(DefaultDriverOption.REQUEST_THROTTLER_CLASS, "ConcurrencyLimitingRequestThrottler")
                .withInt(DefaultDriverOption.REQUEST_THROTTLER_MAX_CONCURRENT_REQUESTS, config.maxInFlight())
                .withInt(DefaultDriverOption.REQUEST_THROTTLER_MAX_QUEUE_SIZE, config.maxQueued())
                .withString(DefaultDriverOption.RECONNECTION_POLICY_CLASS, "ExponentialReconnectionPolicy")
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, config.reconnectionBaseDelay())
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, config.reconnectionMaxDelay())
                .build();
    }

    private static void checkDatacenter(CqlSession session, CassandraStoreConfig config) {
        Collection<Node> nodes = session.getMetadata().getNodes().values();
        Set<String> datacenters = new TreeSet<>();
        for (Node node : nodes) {
            if (node.getDatacenter() != null) {
                datacenters.add(node.getDatacenter());
            }
        }
        if (!datacenters.contains(config.localDatacenter())) {
            throw new CassandraReadinessException("Local datacenter '" + config.localDatacenter()
                    + "' is not a datacenter of the Cassandra cluster at " + config.contactPoints()
                    + ": its nodes report " + datacenters + ". Set localDatacenter to one of them.");
        }
        log.info("[{}] connected to {} node(s) in datacenters {}; local datacenter '{}'", config.sessionName(),
                nodes.size(), datacenters, config.localDatacenter());
    }

    private static void checkAnswers(CqlSession session, CassandraStoreConfig config) {
        try {
            session.execute(SimpleStatement.newInstance("SELECT release_version FROM system.local")
                    .setTimeout(config.requestTimeout())
                    .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_ONE));
        } catch (RuntimeException e) {
            throw new CassandraReadinessException("Cassandra at " + config.contactPoints()
                    + " does not answer queries in local datacenter '" + config.localDatacenter() + "': " + e, e);
        }
    }
}
