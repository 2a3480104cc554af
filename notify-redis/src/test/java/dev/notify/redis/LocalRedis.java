package dev.notify.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import redis.embedded.RedisServer;

/**
 * A redis-server child process (bundled by embedded-redis) on 127.0.0.1 and a free port, for the ITs. It writes
 * nothing by itself ({@code save ""}, {@code appendonly no}); {@link #snapshotAndStop()} takes an explicit snapshot
 * into its own temporary folder first, so that {@link #start()} brings the same data back, as a production Redis
 * with persistence would after an outage.
 */
final class LocalRedis implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LocalRedis.class);

    private final Path dir;
    private final int port;
    private RedisServer server;

    LocalRedis() {
        try {
            this.dir = Files.createTempDirectory("notify-redis-it");
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                this.port = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LocalRedis started() {
        LocalRedis redis = new LocalRedis();
        redis.start();
        return redis;
    }

    synchronized void start() {
        if (server != null) {
            return;
        }
        long begin = System.nanoTime();
        try {
            RedisServer candidate = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("dir " + dir)
                    .onShutdownForceStop(true)
                    .build();
            candidate.start();
            server = candidate;
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server did not start on 127.0.0.1:" + port, e);
        }
        log.info("[redis {}] started in {} ms", port, (System.nanoTime() - begin) / 1_000_000);
    }

    /** Stops the server (SIGTERM); its keys are kept only if {@link #snapshotAndStop()} was used. */
    synchronized void stop() {
        if (server == null) {
            return;
        }
        long begin = System.nanoTime();
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            server = null;
        }
        log.info("[redis {}] stopped in {} ms", port, (System.nanoTime() - begin) / 1_000_000);
    }

    /** Writes a snapshot (SAVE) into the temporary folder, then stops; {@link #start()} loads it. */
    void snapshotAndStop() {
        long begin = System.nanoTime();
        try (Admin admin = new Admin(uri())) {
            admin.commands().save();
        }
        log.info("[redis {}] snapshot in {} ms", port, (System.nanoTime() - begin) / 1_000_000);
        stop();
    }

    synchronized boolean isRunning() {
        return server != null && server.isActive();
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing a test
        }
    }

    /** A plain synchronous connection for setting up and inspecting. */
    static final class Admin implements AutoCloseable {
        private final io.lettuce.core.RedisClient client;
        private final io.lettuce.core.api.StatefulRedisConnection<String, String> connection;

        Admin(String uri) {
            this.client = io.lettuce.core.RedisClient.create(uri);
            this.connection = client.connect();
        }

        io.lettuce.core.api.sync.RedisCommands<String, String> commands() {
            return connection.sync();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
        }
    }
}
