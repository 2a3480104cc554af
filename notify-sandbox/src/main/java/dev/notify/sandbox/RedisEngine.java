package dev.notify.sandbox;

import java.io.IOException;
import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.embedded.RedisServer;

/**
 * A Redis 6.2 server (the Linux x86-64 binary bundled by embedded-redis) run as a child process on
 * 127.0.0.1 and a free port. It keeps nothing on disk ({@code save ""}, {@code appendonly no}): a restart
 * comes back empty, like a cache node that lost its memory.
 *
 * <pre>{@code
 * try (RedisEngine redis = RedisEngine.create()) {
 *     redis.start();
 *     RedisClient client = RedisClient.create(redis.uri());
 * }
 * }</pre>
 */
public final class RedisEngine implements Engine {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEngine.class);

    private int port;
    private RedisServer server;
    private boolean closed;

    private RedisEngine() {
    }

    /** A new engine, not started. */
    public static RedisEngine create() {
        return new RedisEngine();
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("closed: " + this);
        }
        if (server != null && server.isActive()) {
            return;
        }
        if (port == 0) {
            port = Plumbing.freePort();
        }
        Reaper.register(this);
        long begin = System.nanoTime();
        try {
            RedisServer candidate = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .soutListener(line -> LOG.debug("[redis {}] {}", port, line))
                    .serrListener(line -> LOG.debug("[redis {}] {}", port, line))
                    .build();
            server = candidate;
            candidate.start();
        } catch (IOException e) {
            throw new EngineException("Redis did not start on 127.0.0.1:" + port, e);
        }
        LOG.info("[redis {}] ready in {}", port, Plumbing.seconds(System.nanoTime() - begin));
    }

    /** Stops the server (SIGTERM, then waits for it to exit); its keys are gone. */
    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new EngineException("Redis did not stop on 127.0.0.1:" + port, e);
        } finally {
            server = null;
        }
        LOG.info("[redis {}] stopped", port);
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null && server.isActive();
    }

    /**
     * The port, chosen at the first start and kept across restarts.
     *
     * @throws IllegalStateException before the first start
     */
    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("not started yet: " + this);
        }
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, as Lettuce's {@code RedisClient.create(String)} takes it. */
    public String uri() {
        return URI.create("redis://127.0.0.1:" + port()).toString();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            Reaper.unregister(this);
        }
    }

    @Override
    public synchronized String toString() {
        return "RedisEngine[127.0.0.1:" + port + (isRunning() ? ", running" : "") + "]";
    }
}
