package dev.notify.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CassandraStoreConfigTest {

    @Test
    void should_apply_the_documented_defaults() {
        CassandraStoreConfig config = CassandraStoreConfig.builder().localDatacenter("dc1").build();

        assertThat(config.contactPoints()).containsExactly(new InetSocketAddress("127.0.0.1", 9042));
        assertThat(config.localDatacenter()).isEqualTo("dc1");
        assertThat(config.keyspace()).isEqualTo("notify");
        assertThat(config.replication()).isEqualTo(Replication.simple(1));
        assertThat(config.writeConsistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
        assertThat(config.readConsistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxInFlight()).isEqualTo(256);
        assertThat(config.maxQueued()).isEqualTo(10_000);
        assertThat(config.bucketSize()).isEqualTo(Duration.ofHours(1));
        assertThat(config.shards()).isEqualTo(8);
        assertThat(config.indexTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(config.username()).isEmpty();
        assertThat(config.password()).isEmpty();
        assertThat(config.sslContext()).isEmpty();
        assertThat(config.reconnectionBaseDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.reconnectionMaxDelay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.sessionName()).isEqualTo("notify-status");
    }

    @Test
    void should_require_a_local_datacenter() {
        assertThatThrownBy(() -> CassandraStoreConfig.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("localDatacenter is required");
    }

    @Test
    void should_mask_the_password_and_print_every_other_field() {
        CassandraStoreConfig config = CassandraStoreConfig.builder()
                .localDatacenter("dc1")
                .credentials("notify", "s3cret-pw")
                .addContactPoint("10.0.0.5:9142")
                .build();

        assertThat(config.toString())
                .doesNotContain("s3cret-pw")
                .contains("password=****", "username=notify", "localDatacenter=dc1", "keyspace=notify",
                        "writeConsistency=LOCAL_QUORUM", "shards=8", "indexTtl=PT168H", "9142");
        assertThat(config.password()).contains("s3cret-pw");
    }

    @Test
    void should_reject_bad_values_naming_the_field() {
        CassandraStoreConfig.Builder builder = CassandraStoreConfig.builder();

        assertThatThrownBy(() -> builder.keyspace("Drop;Table")).hasMessageContaining("keyspace");
        assertThatThrownBy(() -> builder.shards(0)).hasMessageContaining("shards");
        assertThatThrownBy(() -> builder.maxInFlight(0)).hasMessageContaining("maxInFlight");
        assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO)).hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> builder.bucketSize(Duration.ofSeconds(30))).hasMessageContaining("bucketSize");
        assertThatThrownBy(() -> builder.indexTtl(Duration.ofMillis(1500))).hasMessageContaining("indexTtl");
        assertThatThrownBy(() -> builder.writeConsistency(DefaultConsistencyLevel.SERIAL))
                .hasMessageContaining("writeConsistency");
        assertThatThrownBy(() -> builder.addContactPoint("host:port")).hasMessageContaining("contactPoint");
    }

    @Test
    void should_reject_conflicting_settings_at_build() {
        assertThatThrownBy(() -> CassandraStoreConfig.builder().localDatacenter("dc1")
                .bucketSize(Duration.ofDays(2)).indexTtl(Duration.ofDays(1)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("indexTtl");
        assertThatThrownBy(() -> CassandraStoreConfig.builder().localDatacenter("dc1")
                .reconnectionBaseDelay(Duration.ofSeconds(10)).reconnectionMaxDelay(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reconnectionMaxDelay");
    }

    @Test
    void should_copy_every_value_into_a_new_builder() {
        CassandraStoreConfig config = CassandraStoreConfig.builder().localDatacenter("dc2").keyspace("ks")
                .shards(3).writeConsistency(DefaultConsistencyLevel.ONE).credentials("u", "p").build();

        CassandraStoreConfig copy = config.toBuilder().shards(4).build();

        assertThat(copy.toString()).isEqualTo(config.toString().replace("shards=3", "shards=4"));
    }

    @Test
    void should_parse_and_print_replication() {
        assertThat(Replication.parse("simple:3")).isEqualTo(Replication.simple(3));
        assertThat(Replication.parse("network:dc2=2, dc1=3").toCql())
                .isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}");
        assertThat(Replication.simple(1).toCql()).isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 1}");
        assertThat(Replication.networkTopology(Map.of("dc1", 3)).factors()).containsExactly(Map.entry("dc1", 3));
        assertThatThrownBy(() -> Replication.parse("simple:0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Replication.parse("network:dc'1=3")).hasMessageContaining("invalid datacenter");
        assertThatThrownBy(() -> Replication.parse("local:1")).hasMessageContaining("unknown replication strategy");
    }

    @Test
    void should_describe_the_schema_with_the_configured_keyspace_and_ttl() {
        CassandraStoreConfig config = CassandraStoreConfig.builder().localDatacenter("dc1").keyspace("notify_test")
                .indexTtl(Duration.ofDays(2)).replication(Replication.parse("network:dc1=3")).build();

        assertThat(SchemaMigration.statements(config)).containsExactly(
                "CREATE KEYSPACE IF NOT EXISTS notify_test WITH replication = "
                        + "{'class': 'NetworkTopologyStrategy', 'dc1': 3}",
                "CREATE TABLE IF NOT EXISTS notify_test.notification_status (id text PRIMARY KEY, status int, "
                        + "channel int, user_id text, created_at timestamp, updated_at timestamp, "
                        + "delivered_at timestamp, provider_message_id text, reason text, attempts int)",
                "CREATE TABLE IF NOT EXISTS notify_test.pending_by_bucket (bucket bigint, shard int, "
                        + "created_at timestamp, id text, PRIMARY KEY ((bucket, shard), created_at, id)) "
                        + "WITH CLUSTERING ORDER BY (created_at ASC, id ASC) AND default_time_to_live = 172800 "
                        + "AND gc_grace_seconds = 10800");
    }
}
