package dev.notify.app.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text format), {@code /health} (the process is alive) and {@code /ready} (the
 * app's readiness check passes: 200, else 503 with the reason).
 */
public final class OpsServer implements AutoCloseable {

    private final HttpServer server;

    /**
     * @param readiness {@code null} when ready, else why not
     */
    public OpsServer(int port, PrometheusMeterRegistry registry, Supplier<String> readiness) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
        server.createContext("/ready", exchange -> {
            String notReady = readiness.get();
            respond(exchange, notReady == null ? 200 : 503, "text/plain", notReady == null ? "ready\n" : notReady + "\n");
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
