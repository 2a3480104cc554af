package dev.notify.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Receipt;
import dev.notify.core.StatusUpdate;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The job on its own thread and the system clock: it yields to live load and comes back, and stops when asked. */
class ReconcilerLoopTest {

    private volatile double load;

    @Test
    void should_pause_under_live_load_and_resume_on_its_own_thread() throws Exception {
        // Given 5,000 SMS to query at 200/s and a reconciler running passes on its thread
        InMemoryStatusStore store = new InMemoryStatusStore();
        StubReceiptQuery twilio = new StubReceiptQuery(Channel.SMS, null);
        Instant created = Instant.now().minus(Duration.ofHours(5));
        for (int k = 0; k < 5_000; k++) {
            String id = "sms-" + k;
            store.apply(new StatusUpdate(id, "u", Channel.SMS, DeliveryStatus.PENDING, null, "SM" + k,
                    created.plusMillis(k), created.plusMillis(k), 0));
            twilio.answer(id, new Receipt(Receipt.State.DELIVERED, null, "SM" + k, created.plusSeconds(60)));
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Reconciler reconciler = Reconciler.builder()
                .statusStore(store)
                .receiptQuery(twilio)
                .liveLoadSignal(() -> load)
                .meterRegistry(registry)
                .config(ReconcilerConfig.custom().queriesPerSecond(200).liveLoad(100, 100)
                        .loadPollInterval(Duration.ofMillis(20)).build())
                .build();
        reconciler.start(Duration.ofMillis(200));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> twilio.total() >= 100);

            // When live load goes above the stop threshold
            load = 500;
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> registry.get("notify.reconcile.paused").gauge().value() == 1.0);
            int whilePaused = twilio.total();

            // Then no query is made while it stays there
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                    .until(() -> twilio.total() == whilePaused);
            assertThat(registry.get("notify.reconcile.query.rate.allowed").gauge().value()).isZero();

            // When it falls again, queries resume
            load = 0;
            await().atMost(Duration.ofSeconds(10)).until(() -> twilio.total() >= whilePaused + 100);
            assertThat(registry.get("notify.reconcile.paused").gauge().value()).isZero();
            assertThat(store.count(DeliveryStatus.DELIVERED)).isGreaterThanOrEqualTo(whilePaused);
        } finally {
            // And it stops when asked
            assertThat(reconciler.stopAndWait(Duration.ofSeconds(10))).isTrue();
        }
        int stoppedAt = twilio.total();
        assertThat(reconciler.runOnce().outcome()).isEqualTo(RunSummary.Outcome.STOPPED);
        assertThat(twilio.total()).isEqualTo(stoppedAt);
        assertThat(twilio.queriesById().values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    }
}
