package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {

    @Test
    void should_reject_while_disconnected_bound_the_queue_time_out_and_never_replay() {
        RedisConfig config = RedisConfig.builder().requestQueueSize(1_234).commandTimeout(Duration.ofMillis(700))
                .connectTimeout(Duration.ofMillis(900)).build();

        ClientOptions options = RedisPreferenceStore.recommendedClientOptions(config);

        assertThat(options.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
        assertThat(options.getRequestQueueSize()).isEqualTo(1_234);
        assertThat(options.isAutoReconnect()).isTrue();
        assertThat(options.getTimeoutOptions().isTimeoutCommands()).isTrue();
        assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofMillis(900));
        Command<String, String, String> set = new Command<>(CommandType.SET, new StatusOutput<>(StringCodec.UTF8));
        assertThat(options.getReplayFilter().test(set)).as("not replayed after a reconnection").isTrue();
    }
}
