package dev.notify.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

@WithEngines
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisEngineIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    private static RedisEngine dedicatedFromEarlierTest;

    @Test
    @Order(1)
    void should_get_the_values_it_set(RedisEngine redis) {
        withClient(redis, commands -> {
            commands.set("sandbox:greeting", "hello");
            commands.set("sandbox:counter", "41");
            commands.incr("sandbox:counter");

            assertThat(commands.get("sandbox:greeting")).isEqualTo("hello");
            assertThat(commands.get("sandbox:counter")).isEqualTo("42");
            assertThat(commands.get("sandbox:missing")).isNull();
        });
    }

    @Test
    @Order(2)
    void should_time_out_commands_while_stopped_and_serve_again_once_started(RedisEngine redis) {
        withClient(redis, commands -> {
            // Given
            commands.set("sandbox:before-outage", "kept-in-memory-only");
            int port = redis.port();

            // When
            redis.stop();
            long begin = System.nanoTime();
            Throwable failure = catchThrowable(() -> commands.get("sandbox:before-outage"));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

            // Then
            assertThat(redis.isRunning()).isFalse();
            assertThat(failure).isInstanceOf(RedisException.class);
            assertThat(elapsedMillis).isLessThan(COMMAND_TIMEOUT.toMillis() + 1500);

            // When
            redis.start();

            // Then the same connection serves again, on the same port, from an empty server (nothing is saved)
            assertThat(redis.port()).isEqualTo(port);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(commands.set("sandbox:after-outage", "back")).isEqualTo("OK"));
            assertThat(commands.get("sandbox:after-outage")).isEqualTo("back");
            assertThat(commands.get("sandbox:before-outage")).isNull();
        });
    }

    @Test
    @Order(3)
    void should_give_a_dedicated_instance_apart_from_the_shared_one(@Dedicated RedisEngine dedicated, RedisEngine shared) {
        assertThat(dedicated).isNotSameAs(shared);
        assertThat(dedicated.port()).isNotEqualTo(shared.port());
        withClient(dedicated, commands -> commands.set("sandbox:only-here", "yes"));
        withClient(shared, commands -> assertThat(commands.get("sandbox:only-here")).isNull());
        dedicatedFromEarlierTest = dedicated;
    }

    @Test
    @Order(4)
    void should_have_closed_the_dedicated_instance_after_its_test(RedisEngine shared) {
        assertThat(dedicatedFromEarlierTest).isNotNull();
        assertThat(dedicatedFromEarlierTest.isRunning()).isFalse();
        assertThat(shared.isRunning()).isTrue();
    }

    private static void withClient(RedisEngine redis, java.util.function.Consumer<RedisCommands<String, String>> body) {
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.constant(Duration.ofMillis(100)))
                .build();
        RedisURI uri = RedisURI.create(redis.uri());
        uri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT)).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            body.accept(connection.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
