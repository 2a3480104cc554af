package dev.notify.app;

import dev.notify.app.config.Config;
import dev.notify.app.config.Keys;
import dev.notify.app.ops.AlertMonitor;
import dev.notify.app.ops.OpsServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;

/** The metrics registry, the ops endpoint and the alert monitor of a long-running command. */
final class Operations implements AutoCloseable {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private OpsServer server;
    private AlertMonitor alerts;
    private volatile String notReady = "starting";

    Operations() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** Starts the endpoint (unless its port is 0) and the alert monitor. */
    Operations start(Config config) throws IOException {
        int port = config.get(Keys.METRICS_PORT);
        if (port > 0) {
            server = new OpsServer(port, registry, () -> notReady);
        }
        alerts = new AlertMonitor(registry, new AlertMonitor.Thresholds(
                config.get(Keys.ALERT_STATUS_WRITE_ERROR_RATE), config.get(Keys.ALERT_BATCH_DURATION),
                config.get(Keys.ALERT_CONSUMER_LAG), config.get(Keys.ALERT_RECONCILE_BACKLOG)),
                () -> gaugeSum("notify.kafka.consumer.lag"), () -> gaugeSum("notify.reconcile.backlog"),
                Duration.ofSeconds(15));
        return this;
    }

    void ready() {
        notReady = null;
    }

    void notReady(String why) {
        notReady = why;
    }

    private double gaugeSum(String name) {
        double sum = 0;
        boolean any = false;
        for (Gauge gauge : registry.find(name).gauges()) {
            sum += gauge.value();
            any = true;
        }
        return any ? sum : Double.NaN;
    }

    @Override
    public void close() {
        if (alerts != null) {
            alerts.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
