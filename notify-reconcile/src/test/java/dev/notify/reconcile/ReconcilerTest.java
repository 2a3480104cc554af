package dev.notify.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Receipt;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusUpdate;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcilerTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private final ManualTimeSource time = new ManualTimeSource(NOW);
    private final InMemoryStatusStore store = new InMemoryStatusStore();
    private final InMemoryJournalIndex journal = new InMemoryJournalIndex(100_000, Duration.ofDays(2), time);
    private final InMemoryReceiptLog receipts = new InMemoryReceiptLog();
    private final StubReceiptQuery twilio = new StubReceiptQuery(Channel.SMS, time);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ExecutorService executor;

    @AfterEach
    void shutdown() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private Reconciler.Builder reconciler(ReconcilerConfig config) {
        return Reconciler.builder()
                .statusStore(store)
                .journalIndex(journal)
                .receiptLog(receipts)
                .receiptQuery(twilio)
                .receiptQuery(dev.notify.core.ReceiptQuery.notQueryable(Channel.APNS))
                .timeSource(time)
                .meterRegistry(registry)
                .config(config);
    }

    private void load(ReconcileScenario scenario) {
        scenario.pending.forEach(store::apply);
        scenario.journal.forEach(journal::offer);
        scenario.pushed.forEach(push -> receipts.record(push.notificationId(), push.receipt()));
        scenario.queryAnswers.forEach(twilio::answer);
    }

    @Test
    void should_settle_2000_stale_notifications_from_journal_webhooks_and_queries_without_sending_anything() {
        // Given 2,000 stale PENDING notifications over the four channels, 100 journal entries the store lacks,
        // and deliveries of every channel that nothing is wired to
        ReconcileScenario scenario = ReconcileScenario.of(NOW, 500, 100);
        load(scenario);
        List<InMemoryDelivery> deliveries = List.of(new InMemoryDelivery(Channel.APNS),
                new InMemoryDelivery(Channel.FCM), new InMemoryDelivery(Channel.SMS), new InMemoryDelivery(Channel.EMAIL));

        // When one pass runs
        RunSummary summary = reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();

        // Then every one has the right status, reason and time
        assertThat(summary.outcome()).isEqualTo(RunSummary.Outcome.COMPLETED);
        scenario.expected.forEach((id, expected) -> {
            StatusRecord record = store.get(id).orElseThrow(() -> new AssertionError("no record for " + id));
            assertThat(record.status()).as(id).isEqualTo(expected.status());
            assertThat(record.reason()).as(id).isEqualTo(expected.reason());
            assertThat(record.updatedAt()).as(id).isEqualTo(expected.at());
        });
        assertThat(scenario.expected).hasSize(2_100);
        scenario.stillPending.forEach(id -> assertThat(store.get(id).orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING));
        scenario.markedUnresolved.forEach(id -> {
            StatusRecord record = store.get(id).orElseThrow();
            assertThat(record.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(record.reason()).isEqualTo(ReconcilerConfig.UNRESOLVED_REASON);
        });
        // each source did its share, and each SMS needing a query was queried once
        long fromJournal = scenario.journal.size();
        long fromQuery = scenario.queryAnswers.size();
        assertThat(summary.staleFound()).isEqualTo(2_020);
        assertThat(summary.journalMissing()).isEqualTo(100);
        assertThat(summary.resolvedFromJournal()).isEqualTo(fromJournal);
        assertThat(summary.resolvedFromQuery()).isEqualTo(fromQuery);
        assertThat(summary.resolvedFromWebhook()).isEqualTo(2_100 - fromJournal - fromQuery);
        assertThat(summary.markedUnresolved()).isEqualTo(10);
        assertThat(summary.unresolved()).isEqualTo(10);
        assertThat(twilio.total()).isEqualTo(300);
        assertThat(twilio.queriesById().values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        // nothing was sent
        assertThat(deliveries).allSatisfy(delivery -> assertThat(delivery.sends()).isZero());
        // and the meters say the same
        assertThat(registry.get("notify.reconcile.resolved").tag("source", "journal").counter().count())
                .isEqualTo(fromJournal);
        assertThat(registry.get("notify.reconcile.resolved").tag("source", "query").counter().count())
                .isEqualTo(fromQuery);
        assertThat(registry.get("notify.reconcile.stale.found").counter().count()).isEqualTo(2_020);
        assertThat(registry.get("notify.reconcile.unresolved").counter().count()).isEqualTo(10);
    }

    @Test
    void should_change_nothing_when_run_a_second_time() {
        // Given a pass that settled everything it could
        ReconcileScenario scenario = ReconcileScenario.of(NOW, 100, 20);
        load(scenario);
        reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();
        Map<String, StatusRecord> after = snapshot();
        long writes = store.writesReceived();
        int queries = twilio.total();

        // When a second pass (a second job) runs a minute later
        time.advance(Duration.ofMinutes(1));
        RunSummary second = reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();

        // Then it writes nothing, asks nothing, and every record is as it was
        assertThat(second.resolved()).isZero();
        assertThat(second.journalMissing()).isZero();
        assertThat(second.markedUnresolved()).isZero();
        assertThat(second.unresolved()).isEqualTo(scenario.stillPending.size());
        assertThat(store.writesReceived()).isEqualTo(writes);
        assertThat(twilio.total()).isEqualTo(queries);
        assertThat(snapshot()).isEqualTo(after);
    }

    @Test
    void should_never_move_a_final_status_back_when_receipts_arrive_out_of_order() {
        // Given an SMS whose callbacks came "delivered" then "sent" (later), and one already final in the store
        Instant created = NOW.minus(Duration.ofHours(5));
        store.apply(new StatusUpdate("sms-a", "u", Channel.SMS, DeliveryStatus.PENDING, null, "SMa", created, created, 0));
        receipts.record("sms-a", new Receipt(Receipt.State.DELIVERED, null, "SMa", created.plusSeconds(20)));
        receipts.record("sms-a", new Receipt(Receipt.State.PENDING_AT_PROVIDER, "sent", "SMa", created.plusSeconds(30)));
        store.apply(new StatusUpdate("sms-b", "u", Channel.SMS, DeliveryStatus.DELIVERED, null, "SMb", created,
                created.plusSeconds(5), 1));
        // and a late journal PENDING and a stale replay of the PENDING write for it
        journal.offer(new StatusUpdate("sms-b", "u", Channel.SMS, DeliveryStatus.PENDING, null, null, created,
                created.plusSeconds(40), 0));
        store.apply(new StatusUpdate("sms-b", "u", Channel.SMS, DeliveryStatus.PENDING, null, null, created,
                created.plusSeconds(50), 0));

        // When the job runs twice
        RunSummary first = reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();
        RunSummary second = reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();

        // Then the delivered receipt won, the final status stayed, and nothing was asked
        assertThat(store.get("sms-a").orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(store.get("sms-a").orElseThrow().updatedAt()).isEqualTo(created.plusSeconds(20));
        assertThat(store.get("sms-b").orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(store.get("sms-b").orElseThrow().updatedAt()).isEqualTo(created.plusSeconds(5));
        assertThat(first.resolvedFromWebhook()).isEqualTo(1);
        assertThat(second.resolved()).isZero();
        assertThat(twilio.total()).isZero();
    }

    @Test
    void should_query_at_the_configured_rate_measured_on_the_injected_clock() {
        // Given 2,000 stale SMS that only a query can settle
        seedQueryOnly(2_000);

        // When one pass runs at the default 100 queries per second
        RunSummary summary = reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();

        // Then 2,000 queries took 20 s of the injected clock: 100/s within 5 %, second by second too
        assertThat(summary.resolvedFromQuery()).isEqualTo(2_000);
        List<Double> times = twilio.queryTimes();
        double span = times.get(times.size() - 1) - times.get(0);
        double rate = (times.size() - 1) / span;
        assertThat(rate).isBetween(95.0, 105.0);
        for (int second = 1; second < 19; second++) {
            assertThat(twilio.queriesBetween(second, second + 1)).as("second %d", second).isBetween(95L, 105L);
        }
    }

    @Test
    void should_honour_another_configured_rate() {
        seedQueryOnly(300);

        reconciler(ReconcilerConfig.custom().queriesPerSecond(20).build()).build().runOnce();

        List<Double> times = twilio.queryTimes();
        double rate = (times.size() - 1) / (times.get(times.size() - 1) - times.get(0));
        assertThat(rate).isBetween(19.0, 21.0);
    }

    @Test
    void should_stop_querying_under_high_live_load_and_resume_when_it_falls() {
        // Given 2,500 SMS to query, and live load that is high from 5 s to 10 s, then halfway between the
        // thresholds from 15 s to 20 s
        seedQueryOnly(2_500);
        LiveLoadSignal load = () -> {
            double t = time.elapsedSeconds();
            if (t >= 5 && t < 10) {
                return 1_000;
            }
            if (t >= 15 && t < 20) {
                return 600;
            }
            return 10;
        };
        ReconcilerConfig config = ReconcilerConfig.custom().liveLoad(200, 1_000)
                .loadPollInterval(Duration.ofMillis(100)).build();

        // When one pass runs
        RunSummary summary = reconciler(config).liveLoadSignal(load).build().runOnce();

        // Then it queried at full rate, stopped while the load was high, came back, and ran at half rate between
        assertThat(summary.resolvedFromQuery()).isEqualTo(2_500);
        assertThat(twilio.queriesBetween(1, 5)).isBetween(380L, 420L);
        assertThat(twilio.queriesBetween(5.01, 10)).isZero();
        assertThat(twilio.queriesBetween(10.2, 15)).isBetween(450L, 500L);
        assertThat(twilio.queriesBetween(15.2, 20)).isBetween(228L, 252L); // factor 0.5: 50/s
        assertThat(twilio.queriesBetween(20.2, 25)).isBetween(450L, 500L);
        assertThat(registry.get("notify.reconcile.paused").gauge().value()).isZero();
    }

    @Test
    void should_not_query_again_what_a_stopped_job_already_asked(@TempDir Path folder) {
        // Given 600 SMS to query, answered on another thread, a job that is stopped after 250 queries,
        // and a store that refuses writes during that first job (the answers reach the checkpoint only)
        seedQueryOnly(600);
        executor = Executors.newFixedThreadPool(2);
        twilio.answerOn(executor);
        WriteSwitchStore flaky = new WriteSwitchStore(store);
        flaky.writesFail(true);
        Path file = folder.resolve("checkpoint-0.jsonl");
        AtomicReference<Reconciler> running = new AtomicReference<>();
        twilio.onQuery(count -> {
            if (count == 250) {
                running.get().stop();
            }
        });
        RunSummary first;
        try (FileCheckpointStore checkpoint = FileCheckpointStore.open(file)) {
            Reconciler job = reconciler(ReconcilerConfig.ofDefaults()).statusStore(flaky).checkpointStore(checkpoint)
                    .build();
            running.set(job);
            first = job.runOnce();
        }
        assertThat(first.outcome()).isEqualTo(RunSummary.Outcome.STOPPED);
        assertThat(first.storeErrors()).isEqualTo(250);
        assertThat(store.count(DeliveryStatus.PENDING)).isEqualTo(600);

        // When the store is back and a new job starts on the same checkpoint file
        flaky.writesFail(false);
        twilio.onQuery(count -> { });
        RunSummary second;
        try (FileCheckpointStore checkpoint = FileCheckpointStore.open(file)) {
            assertThat(checkpoint.size()).isEqualTo(250);
            second = reconciler(ReconcilerConfig.ofDefaults()).statusStore(flaky).checkpointStore(checkpoint).build()
                    .runOnce();
        }

        // Then everything is settled and no id was asked twice
        assertThat(second.outcome()).isEqualTo(RunSummary.Outcome.COMPLETED);
        assertThat(second.resolvedFromQuery()).isEqualTo(600);
        assertThat(second.queries()).isEqualTo(350);
        assertThat(store.count(DeliveryStatus.PENDING)).isZero();
        assertThat(twilio.total()).isEqualTo(600);
        assertThat(twilio.queriesById()).hasSize(600);
        assertThat(twilio.queriesById().values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    }

    @Test
    void should_not_ask_again_before_the_requery_interval_when_the_provider_knew_nothing_yet() {
        // Given an SMS the provider still holds
        Instant created = NOW.minus(Duration.ofHours(5));
        store.apply(new StatusUpdate("sms-q", "u", Channel.SMS, DeliveryStatus.PENDING, null, "SMq", created, created, 0));
        twilio.answer("sms-q", new Receipt(Receipt.State.PENDING_AT_PROVIDER, "sent", "SMq", created.plusSeconds(3)));
        InMemoryCheckpointStore checkpoint = new InMemoryCheckpointStore();

        // When passes run now, 10 minutes later, and 31 minutes later
        reconciler(ReconcilerConfig.ofDefaults()).checkpointStore(checkpoint).build().runOnce();
        time.advance(Duration.ofMinutes(10));
        RunSummary second = reconciler(ReconcilerConfig.ofDefaults()).checkpointStore(checkpoint).build().runOnce();
        int afterSecond = twilio.queriesOf("sms-q");
        time.advance(Duration.ofMinutes(21));
        twilio.answer("sms-q", new Receipt(Receipt.State.DELIVERED, null, "SMq", created.plusSeconds(90)));
        reconciler(ReconcilerConfig.ofDefaults()).checkpointStore(checkpoint).build().runOnce();

        // Then it asked at the first and the third pass only, and the third settled it
        assertThat(afterSecond).isEqualTo(1);
        assertThat(second.unresolved()).isEqualTo(1);
        assertThat(twilio.queriesOf("sms-q")).isEqualTo(2);
        assertThat(store.get("sms-q").orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(store.get("sms-q").orElseThrow().updatedAt()).isEqualTo(created.plusSeconds(90));
        assertThat(checkpoint.find("sms-q").orElseThrow().queries()).isEqualTo(2);
    }

    @Test
    void should_leave_a_failed_query_for_the_next_pass() {
        seedQueryOnly(5);
        twilio.failing(true);

        RunSummary first = reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();
        twilio.failing(false);
        RunSummary second = reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();

        assertThat(first.queryErrors()).isEqualTo(5);
        assertThat(first.unresolved()).isEqualTo(5);
        assertThat(second.resolvedFromQuery()).isEqualTo(5);
        assertThat(store.count(DeliveryStatus.PENDING)).isZero();
    }

    @Test
    void should_respect_the_channel_stale_age() {
        // Given an SMS and an email both 1 hour old: stale for email (10 min), not for SMS (4 h)
        Instant created = NOW.minus(Duration.ofHours(1));
        store.apply(new StatusUpdate("sms-young", "u", Channel.SMS, DeliveryStatus.PENDING, null, "SMy", created,
                created, 0));
        store.apply(new StatusUpdate("email-old", "u", Channel.EMAIL, DeliveryStatus.PENDING, null, null, created,
                created, 0));
        twilio.answer("sms-young", new Receipt(Receipt.State.DELIVERED, null, "SMy", created.plusSeconds(9)));

        RunSummary summary = reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();

        assertThat(summary.staleFound()).isEqualTo(1);
        assertThat(summary.unresolved()).isEqualTo(1);
        assertThat(twilio.total()).isZero();
        assertThat(store.get("sms-young").orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
    }

    @Test
    void should_split_the_work_between_instances_without_overlap() {
        // Given 400 SMS to query and three instances, each with its shard
        seedQueryOnly(400);
        long[] resolved = new long[3];

        for (int index = 0; index < 3; index++) {
            ReconcilerConfig config = ReconcilerConfig.custom().shard(new InstanceShard(index, 3)).build();
            resolved[index] = reconciler(config).build().runOnce().resolvedFromQuery();
        }

        // Then together they settled all, each id asked once, and each took a fair share
        assertThat(resolved[0] + resolved[1] + resolved[2]).isEqualTo(400);
        for (long share : resolved) {
            assertThat(share).isBetween(90L, 180L);
        }
        assertThat(twilio.queriesById().values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        assertThat(store.count(DeliveryStatus.PENDING)).isZero();
    }

    @Test
    void should_do_nothing_outside_the_off_peak_window() {
        seedQueryOnly(3);
        OffPeakWindow night = new OffPeakWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneId.of("UTC"));

        RunSummary noon = reconciler(ReconcilerConfig.custom().offPeakWindow(night).build()).build().runOnce();
        time.advance(Duration.ofHours(11));
        RunSummary night11 = reconciler(ReconcilerConfig.custom().offPeakWindow(night).build()).build().runOnce();

        assertThat(noon.outcome()).isEqualTo(RunSummary.Outcome.OUTSIDE_WINDOW);
        assertThat(noon.resolved()).isZero();
        assertThat(night11.outcome()).isEqualTo(RunSummary.Outcome.COMPLETED);
        assertThat(night11.resolvedFromQuery()).isEqualTo(3);
    }

    @Test
    void should_wait_for_the_journal_to_catch_up() {
        seedQueryOnly(3);

        RunSummary summary = reconciler(ReconcilerConfig.ofDefaults()).journalReady(() -> false).build().runOnce();

        assertThat(summary.outcome()).isEqualTo(RunSummary.Outcome.JOURNAL_NOT_READY);
        assertThat(twilio.total()).isZero();
    }

    @Test
    void should_end_the_pass_when_the_store_is_down() {
        seedQueryOnly(3);
        store.setMode(dev.notify.core.inmemory.FaultMode.FAILING);

        RunSummary summary = reconciler(ReconcilerConfig.ofDefaults()).build().runOnce();

        assertThat(summary.outcome()).isEqualTo(RunSummary.Outcome.STORE_UNAVAILABLE);
        assertThat(twilio.total()).isZero();
    }

    private void seedQueryOnly(int count) {
        Instant base = NOW.minus(Duration.ofHours(5));
        for (int k = 0; k < count; k++) {
            String id = "sms-" + k;
            Instant created = base.plusMillis(k);
            String sid = ReconcileScenario.sid(id);
            store.apply(new StatusUpdate(id, "u", Channel.SMS, DeliveryStatus.PENDING, null, sid, created, created, 0));
            twilio.answer(id, new Receipt(Receipt.State.DELIVERED, null, sid, created.plusSeconds(30)));
        }
    }

    private Map<String, StatusRecord> snapshot() {
        return store.all().stream().collect(Collectors.toMap(StatusRecord::notificationId, record -> record));
    }
}
