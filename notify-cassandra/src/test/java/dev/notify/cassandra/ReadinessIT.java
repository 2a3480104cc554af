package dev.notify.cassandra;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.sandbox.CassandraEngine;
import dev.notify.sandbox.WithEngines;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readiness check fails at start, before any record is consumed, with a message that says what to fix. */
@WithEngines
class ReadinessIT {

    @Test
    void should_name_the_configured_and_the_seen_datacenters_when_the_local_datacenter_is_wrong(
            CassandraEngine cassandra) {
        CassandraStoreConfig config = ItSupport.config(cassandra, "notify_it_store").localDatacenter("dc-east-9")
                .build();

        assertThatThrownBy(() -> CassandraStatusStore.connect(config))
                .isInstanceOf(CassandraReadinessException.class)
                .hasMessageContaining("Local datacenter 'dc-east-9' is not a datacenter of the Cassandra cluster")
                .hasMessageContaining("its nodes report [datacenter1]");
    }

    @Test
    void should_say_the_cluster_cannot_be_reached(CassandraEngine cassandra) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        InetSocketAddress nowhere = new InetSocketAddress("127.0.0.1", closedPort);
        CassandraStoreConfig config = ItSupport.config(cassandra, "notify_it_store").contactPoints(List.of(nowhere))
                .build();

        assertThatThrownBy(() -> CassandraStatusStore.connect(config))
                .isInstanceOf(CassandraReadinessException.class)
                .hasMessageContaining("Cannot reach Cassandra at [/127.0.0.1:" + closedPort + "]")
                .hasMessageContaining("local datacenter 'datacenter1'");
    }

    @Test
    void should_say_the_schema_is_missing(CassandraEngine cassandra) {
        CassandraStoreConfig config = ItSupport.config(cassandra, "notify_it_never_migrated").build();

        assertThatThrownBy(() -> CassandraStatusStore.connect(config))
                .isInstanceOf(CassandraReadinessException.class)
                .hasMessageContaining("schema is missing [notify_it_never_migrated.notification_status, "
                        + "notify_it_never_migrated.pending_by_bucket]")
                .hasMessageContaining("run the schema migration");
    }
}
