package dev.notify.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Lettuce connection opened from a {@link RedisConfig}, with the client and resources it owns: commands are
 * rejected at once while disconnected (never buffered), the queue of commands is bounded, every command has a
 * deadline, and commands interrupted by a disconnection are not replayed after the reconnection (their callers have
 * given up on them already).
 */
final class LettuceConnection implements AutoCloseable {

    private static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(10);

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private LettuceConnection(ClientResources resources, RedisClient client,
                              StatefulRedisConnection<String, String> connection) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
    }

    /**
     * Connects to the server of {@code config}.
     *
     * @throws io.lettuce.core.RedisConnectionException if the server cannot be reached now
     */
    static LettuceConnection open(RedisConfig config) {
        ClientResources resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(MIN_RECONNECT_DELAY, config.maxReconnectDelay(), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        try {
            RedisURI uri = RedisURI.create(config.uri());
            // The URI's timeout bounds the connection handshake (HELLO, AUTH, SELECT); commands have their own,
            // fixed by the timeout options.
            uri.setTimeout(config.connectTimeout().compareTo(config.commandTimeout()) > 0
                    ? config.connectTimeout() : config.commandTimeout());
            RedisClient client = RedisClient.create(resources, uri);
            client.setOptions(clientOptions(config));
            try {
                return new LettuceConnection(resources, client, client.connect(StringCodec.UTF8));
            } catch (RuntimeException e) {
                client.shutdown();
                throw e;
            }
        } catch (RuntimeException e) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    static ClientOptions clientOptions(RedisConfig config) {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(config.requestQueueSize())
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(config.connectTimeout())
                        .keepAlive(true)
                        .build())
                .replayFilter(command -> true)
                .build();
    }

    StatefulRedisConnection<String, String> connection() {
        return connection;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            try {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            } finally {
                resources.shutdown(0, 2, TimeUnit.SECONDS);
            }
        }
    }
}
