package dev.notify.app.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the alert signals in-process and logs a WARN line when one crosses its threshold and another when it
 * clears; exports {@code notify.alert.active{alert=...}} (1 while firing). The same conditions ship as Prometheus
 * rules in {@code ops/prometheus/notify-alerts.yml}, for fleets that alert centrally.
 */
public final class AlertMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertMonitor.class);

    /** Thresholds of the four signals. */
    public record Thresholds(double statusWriteErrorRate, Duration batchDuration, long consumerLag,
                             long reconcileBacklog) {
    }

    private final List<Signal> signals = new ArrayList<>();
    private final ScheduledExecutorService scheduler;

    private final class Signal {
        final String name;
        final String unit;
        final DoubleSupplier value;
        final double threshold;
        final AtomicInteger active = new AtomicInteger();

        Signal(MeterRegistry registry, String name, String unit, DoubleSupplier value, double threshold) {
            this.name = name;
            this.unit = unit;
            this.value = value;
            this.threshold = threshold;
            Gauge.builder("notify.alert.active", active, AtomicInteger::get)
                    .description("1 while the alert fires")
                    .tag("alert", name)
                    .register(registry);
        }

        void evaluate() {
            double now = value.getAsDouble();
            if (Double.isNaN(now)) {
                return;
            }
            if (now > threshold && active.compareAndSet(0, 1)) {
                log.warn("[alert] {} FIRING: {} {} above threshold {} {}", name, format(now), unit, format(threshold), unit);
            } else if (now <= threshold && active.compareAndSet(1, 0)) {
                log.warn("[alert] {} CLEARED: {} {} (threshold {} {})", name, format(now), unit, format(threshold), unit);
            }
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format("%.3f", value);
    }

    /**
     * @param consumerLag the workers' total consumer lag now
     * @param reconcileBacklog the reconciliation backlog now
     */
    public AlertMonitor(MeterRegistry registry, Thresholds thresholds, DoubleSupplier consumerLag,
                        DoubleSupplier reconcileBacklog, Duration interval) {
        WindowedRate errorRate = new WindowedRate(registry);
        signals.add(new Signal(registry, "StatusWriteErrors", "of status writes", errorRate::errorRate,
                thresholds.statusWriteErrorRate()));
        signals.add(new Signal(registry, "SlowBatches", "s", () -> batchMaxSeconds(registry),
                thresholds.batchDuration().toMillis() / 1000.0));
        signals.add(new Signal(registry, "ConsumerLag", "records", consumerLag, thresholds.consumerLag()));
        signals.add(new Signal(registry, "ReconcileBacklog", "entries", reconcileBacklog, thresholds.reconcileBacklog()));
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "notify-alerts");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleAtFixedRate(this::evaluate, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Evaluates every signal now. */
    public void evaluate() {
        for (Signal signal : signals) {
            try {
                signal.evaluate();
            } catch (RuntimeException e) {
                log.debug("[alert] cannot evaluate {}", signal.name, e);
            }
        }
    }

    /** Whether the alert {@code name} is firing. */
    public boolean isFiring(String name) {
        return signals.stream().anyMatch(signal -> signal.name.equals(name) && signal.active.get() == 1);
    }

    private static double batchMaxSeconds(MeterRegistry registry) {
        Timer timer = registry.find("notify.batch.duration").timer();
        return timer == null ? Double.NaN : timer.max(TimeUnit.SECONDS);
    }

    /** The share of failed status writes since the previous evaluation. */
    private static final class WindowedRate {
        private final MeterRegistry registry;
        private double lastTotal;
        private double lastFailed;

        WindowedRate(MeterRegistry registry) {
            this.registry = registry;
        }

        synchronized double errorRate() {
            double total = 0;
            double failed = 0;
            for (Counter counter : registry.find("notify.status.writes").counters()) {
                total += counter.count();
                if (!"success".equals(counter.getId().getTag("result"))) {
                    failed += counter.count();
                }
            }
            double deltaTotal = total - lastTotal;
            double deltaFailed = failed - lastFailed;
            lastTotal = total;
            lastFailed = failed;
            return deltaTotal <= 0 ? 0 : deltaFailed / deltaTotal;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
