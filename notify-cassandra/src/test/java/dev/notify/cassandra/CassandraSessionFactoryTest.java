package dev.notify.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CassandraSessionFactoryTest {

    @Test
    void should_hand_the_store_settings_to_the_driver() {
        CassandraStoreConfig config = CassandraStoreConfig.builder().localDatacenter("dc1")
                .requestTimeout(Duration.ofMillis(750)).maxInFlight(64).maxQueued(1000)
                .reconnectionBaseDelay(Duration.ofMillis(200)).reconnectionMaxDelay(Duration.ofSeconds(5))
                .sessionName("status-a").build();

        try (DriverConfigLoader loader = CassandraSessionFactory.driverConfig(config)) {
            DriverExecutionProfile profile = loader.getInitialConfig().getDefaultProfile();

            assertThat(profile.getString(DefaultDriverOption.SESSION_NAME)).isEqualTo("status-a");
            assertThat(profile.getDuration(DefaultDriverOption.REQUEST_TIMEOUT)).isEqualTo(Duration.ofMillis(750));
            assertThat(profile.getString(DefaultDriverOption.REQUEST_CONSISTENCY)).isEqualTo("LOCAL_QUORUM");
            assertThat(profile.getBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE)).isTrue();
            assertThat(profile.getString(DefaultDriverOption.REQUEST_THROTTLER_CLASS))
                    .isEqualTo("ConcurrencyLimitingRequestThrottler");
            assertThat(profile.getInt(DefaultDriverOption.REQUEST_THROTTLER_MAX_CONCURRENT_REQUESTS)).isEqualTo(64);
            assertThat(profile.getInt(DefaultDriverOption.REQUEST_THROTTLER_MAX_QUEUE_SIZE)).isEqualTo(1000);
            assertThat(profile.getDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY))
                    .isEqualTo(Duration.ofMillis(200));
            assertThat(profile.getDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY))
                    .isEqualTo(Duration.ofSeconds(5));
        }
    }
}
