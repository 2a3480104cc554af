package dev.notify.core.batch;

import dev.notify.core.BatchOutcome;
import dev.notify.core.Channel;
import dev.notify.core.Disposition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The batch path's meters, looked up once so that the hot path only increments. */
final class BatchMetrics {

    static final int ACCEPTED = 0;
    static final int REJECTED = 1;
    static final int TRANSIENT = 2;
    private static final String[] SEND_OUTCOMES = {"accepted", "rejected", "transient"};

    private final Counter[][] sends = new Counter[Channel.values().length][SEND_OUTCOMES.length];
    private final Counter[] dispositions = new Counter[Disposition.values().length];
    private final Timer batchDuration;
    private final Counter preferenceFailures;
    private final Counter dedupFailures;

    BatchMetrics(MeterRegistry registry, BoundedDispatcher sendDispatcher) {
        for (Channel channel : Channel.values()) {
            for (int outcome = 0; outcome < SEND_OUTCOMES.length; outcome++) {
                sends[channel.ordinal()][outcome] = Counter.builder("notify.sends")
                        .description("Sends by channel and outcome")
                        .tag("channel", channel.name())
                        .tag("outcome", SEND_OUTCOMES[outcome])
                        .register(registry);
            }
        }
        for (Disposition disposition : Disposition.values()) {
            dispositions[disposition.ordinal()] = Counter.builder("notify.notifications")
                    .description("Notifications processed, by what was done with them")
                    .tag("disposition", disposition.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        batchDuration = Timer.builder("notify.batch.duration")
                .description("Time to process one batch, status writes included")
                .publishPercentileHistogram()
                .register(registry);
        preferenceFailures = Counter.builder("notify.preferences.failures")
                .description("Batches whose preferences could not be read")
                .register(registry);
        dedupFailures = Counter.builder("notify.dedup.failures")
                .description("Batches whose dedup claim could not be made")
                .register(registry);
        Gauge.builder("notify.sends.in_flight", sendDispatcher, BoundedDispatcher::inFlight)
                .description("Sends in flight")
                .register(registry);
    }

    void sent(Channel channel, int outcome) {
        sends[channel.ordinal()][outcome].increment();
    }

    void preferenceFailure() {
        preferenceFailures.increment();
    }

    void dedupFailure() {
        dedupFailures.increment();
    }

    void batchDone(BatchOutcome outcome) {
        batchDuration.record(outcome.elapsed());
        int[] counts = new int[dispositions.length];
        for (Disposition disposition : outcome.dispositions()) {
            counts[disposition.ordinal()]++;
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                dispositions[i].increment(counts[i]);
            }
        }
    }
}
