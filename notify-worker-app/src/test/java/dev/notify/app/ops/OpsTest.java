package dev.notify.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void should_fire_and_clear_the_status_write_and_lag_alerts() {
        // Given
        Counter success = Counter.builder("notify.status.writes").tag("result", "success").register(registry);
        Counter rejected = Counter.builder("notify.status.writes").tag("result", "rejected").register(registry);
        AtomicLong lag = new AtomicLong();
        try (AlertMonitor alerts = new AlertMonitor(registry,
                new AlertMonitor.Thresholds(0.05, Duration.ofSeconds(5), 1_000, 10_000),
                lag::get, () -> 0, Duration.ofHours(1))) {

            // When the store fails and the workers fall behind
            success.increment(10);
            rejected.increment(90);
            lag.set(5_000);
            alerts.evaluate();

            // Then both fire, and say so as a metric
            assertThat(alerts.isFiring("StatusWriteErrors")).isTrue();
            assertThat(alerts.isFiring("ConsumerLag")).isTrue();
            assertThat(registry.get("notify.alert.active").tag("alert", "StatusWriteErrors").gauge().value())
                    .isEqualTo(1.0);

            // When writes succeed again and the lag drains
            success.increment(100);
            lag.set(0);
            alerts.evaluate();

            // Then both clear
            assertThat(alerts.isFiring("StatusWriteErrors")).isFalse();
            assertThat(alerts.isFiring("ConsumerLag")).isFalse();
            assertThat(alerts.isFiring("ReconcileBacklog")).isFalse();
        }
    }

    @Test
    void should_serve_metrics_health_and_readiness() throws Exception {
        Counter.builder("notify.status.writes").tag("result", "success").register(registry).increment(3);
        AtomicReference<String> notReady = new AtomicReference<>("connecting to Cassandra");
        try (OpsServer server = new OpsServer(0, registry, notReady::get)) {
            HttpClient client = HttpClient.newHttpClient();

            HttpResponse<String> metrics = get(client, server, "/metrics");
            HttpResponse<String> health = get(client, server, "/health");
            HttpResponse<String> starting = get(client, server, "/ready");
            notReady.set(null);
            HttpResponse<String> ready = get(client, server, "/ready");

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("notify_status_writes_total{result=\"success\"} 3.0");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(starting.body()).contains("connecting to Cassandra");
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> get(HttpClient client, OpsServer server, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
