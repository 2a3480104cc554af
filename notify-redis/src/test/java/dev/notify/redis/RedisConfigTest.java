package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisConfigTest {

    @Test
    void should_hold_the_documented_defaults() {
        RedisConfig config = RedisConfig.ofDefaults();

        assertThat(config.uri()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(config.commandTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.requestQueueSize()).isEqualTo(10_000);
        assertThat(config.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.preferenceCacheTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.preferenceCacheMaxSize()).isEqualTo(100_000);
        assertThat(config.dedupEnabled()).isTrue();
        assertThat(config.dedupTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.keyPrefix()).isEqualTo("notify:");
        assertThat(config.senders()).isEmpty();
    }

    @Test
    void should_mask_the_password_in_toString() {
        RedisConfig config = RedisConfig.builder().uri("rediss://alice:s3cret@cache.internal:6380/2").build();

        assertThat(config.toString())
                .contains("uri=rediss://alice:***@cache.internal:6380/2")
                .doesNotContain("s3cret");
        assertThat(RedisConfig.maskedUri("redis://:s3cret@host:6379")).isEqualTo("redis://:***@host:6379");
        assertThat(RedisConfig.maskedUri("redis://s3cret@host:6379")).isEqualTo("redis://***@host:6379");
        assertThat(RedisConfig.maskedUri("redis://host:6379?password=s3cret&timeout=1s"))
                .isEqualTo("redis://host:6379?password=***&timeout=1s");
        assertThat(config.uri()).contains("s3cret");
    }

    @Test
    void should_print_every_field() {
        String text = RedisConfig.builder().senders(Set.of("+15550100")).build().toString();

        assertThat(text).contains("commandTimeout=PT1S", "connectTimeout=PT2S", "requestQueueSize=10000",
                "maxReconnectDelay=PT5S", "preferenceCacheTtl=PT5S", "preferenceCacheMaxSize=100000",
                "dedupEnabled=true", "dedupTtl=PT24H", "keyPrefix=notify:", "senders=[+15550100]");
    }

    @Test
    void should_reject_bad_values_naming_the_field() {
        assertThatThrownBy(() -> RedisConfig.builder().commandTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout");
        assertThatThrownBy(() -> RedisConfig.builder().requestQueueSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestQueueSize");
        assertThatThrownBy(() -> RedisConfig.builder().preferenceCacheTtl(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("preferenceCacheTtl");
        assertThatThrownBy(() -> RedisConfig.builder().uri("http://host:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://");
        assertThatThrownBy(() -> RedisConfig.builder().keyPrefix("a b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
    }

    @Test
    void should_reject_a_claim_shorter_than_a_command() {
        assertThatThrownBy(() -> RedisConfig.builder().dedupTtl(Duration.ofMillis(500)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dedupTtl");
    }

    @Test
    void should_copy_and_change_through_mutate() {
        RedisConfig base = RedisConfig.builder().keyPrefix("a:").build();
        RedisConfig changed = base.mutate().preferenceCacheTtl(Duration.ZERO).build();

        assertThat(changed.keyPrefix()).isEqualTo("a:");
        assertThat(changed.preferenceCacheTtl()).isZero();
        assertThat(base.preferenceCacheTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(base.mutate().build()).isEqualTo(base).hasSameHashCodeAs(base);
    }
}
