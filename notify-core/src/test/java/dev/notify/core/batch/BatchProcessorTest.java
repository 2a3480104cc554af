package dev.notify.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.BatchOutcome;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Disposition;
import dev.notify.core.NotificationRequest;
import dev.notify.core.OffsetPolicy;
import dev.notify.core.Preferences;
import dev.notify.core.Priority;
import dev.notify.core.QuietHours;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusUpdate;
import dev.notify.core.inmemory.FaultMode;
import dev.notify.core.inmemory.InMemoryDedupGuard;
import dev.notify.core.inmemory.InMemoryDeferredDelivery;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.core.inmemory.InMemoryJournal;
import dev.notify.core.inmemory.InMemoryPreferenceStore;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchProcessorTest {

    private final Map<Channel, InMemoryDelivery> deliveries = new EnumMap<>(Channel.class);
    private final InMemoryStatusStore store = new InMemoryStatusStore();
    private final InMemoryJournal journal = new InMemoryJournal();

    @BeforeEach
    void deliveries() {
        for (Channel channel : Channel.values()) {
            deliveries.put(channel, new InMemoryDelivery(channel));
        }
    }

    private BatchProcessor.Builder processor() {
        return BatchProcessor.builder()
                .deliveries(deliveries.values())
                .statusStore(store)
                .journal(journal);
    }

    private int sendsOf(NotificationRequest request) {
        return deliveries.get(request.channel()).sendsOf(request.id());
    }

    private long totalSends() {
        return deliveries.values().stream().mapToLong(InMemoryDelivery::sends).sum();
    }

    private long duplicateSends() {
        return deliveries.values().stream().mapToLong(InMemoryDelivery::duplicateSends).sum();
    }

    @Test
    void should_send_each_notification_once_and_mark_it_delivered_when_the_store_is_healthy() {
        // Given
        List<NotificationRequest> batch = TestRequests.batch(1000);
        SimulatedPartition partition = new SimulatedPartition(batch);
        BatchProcessor processor = processor().build();

        // When
        BatchOutcome outcome = partition.pollProcessCommit(processor, OffsetPolicy.commitAfterDelivery());

        // Then
        for (NotificationRequest request : batch) {
            assertThat(sendsOf(request)).as("sends of %s", request.id()).isEqualTo(1);
            assertThat(store.get(request.id())).map(StatusRecord::status).contains(DeliveryStatus.DELIVERED);
        }
        assertThat(outcome.count(Disposition.DELIVERED)).isEqualTo(1000);
        assertThat(outcome.statusWriteFailures()).isZero();
        assertThat(partition.committed()).isEqualTo(1000);
        assertThat(store.get("n-0")).map(StatusRecord::providerMessageId).contains("mem-n-0");
        assertThat(journal.entries()).hasSize(1000);
    }

    @Test
    void should_commit_without_duplicates_when_every_status_write_fails_under_the_default_policy() {
        // Given
        List<NotificationRequest> batch = TestRequests.batch(1000);
        SimulatedPartition partition = new SimulatedPartition(batch);
        store.setMode(FaultMode.FAILING);
        BatchProcessor processor = processor().build();

        // When
        BatchOutcome outcome = partition.pollProcessCommit(processor, OffsetPolicy.commitAfterDelivery());

        // Then
        assertThat(partition.committed()).isEqualTo(1000);
        for (NotificationRequest request : batch) {
            assertThat(sendsOf(request)).as("sends of %s", request.id()).isEqualTo(1);
        }
        assertThat(store.count(DeliveryStatus.DELIVERED)).isZero();
        assertThat(processor.statusStore().failedWrites()).isEqualTo(1000);
        assertThat(outcome.statusWriteFailures()).isEqualTo(1000);
        assertThat(journal.entries()).as("the journal still has every outcome").hasSize(1000);

        // And the next poll finds nothing to re-send
        partition.pollProcessCommit(processor, OffsetPolicy.commitAfterDelivery());
        assertThat(duplicateSends()).isZero();
    }

    @Test
    void should_replay_and_resend_the_batch_when_status_writes_fail_under_the_replay_policy() {
        // Given
        List<NotificationRequest> batch = TestRequests.batch(1000);
        SimulatedPartition partition = new SimulatedPartition(batch);
        store.setMode(FaultMode.FAILING);
        BatchProcessor processor = processor().build();

        // When
        partition.pollProcessCommit(processor, OffsetPolicy.replayOnStatusFailure());

        // Then
        assertThat(partition.committed()).isZero();
        assertThat(totalSends()).isEqualTo(1000);

        // When the replayed batch is processed
        partition.pollProcessCommit(processor, OffsetPolicy.replayOnStatusFailure());

        // Then every notification went out a second time
        assertThat(duplicateSends()).isEqualTo(1000);
        assertThat(partition.committed()).isZero();
    }

    @Test
    void should_bound_the_writes_reaching_a_hanging_store_by_the_breaker_window() {
        // Given: a store that never answers, a short write timeout, a small window
        StatusGuardConfig guard = StatusGuardConfig.custom()
                .writeTimeout(Duration.ofMillis(200))
                .maxInFlight(16)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .waitDurationInOpenState(Duration.ofHours(1))
                .build();
        store.setMode(FaultMode.HANGING);
        List<NotificationRequest> batch = TestRequests.batch(1000);
        SimulatedPartition partition = new SimulatedPartition(batch);
        BatchProcessor processor = processor().statusGuard(guard).build();

        // When
        BatchOutcome outcome = partition.pollProcessCommit(processor, OffsetPolicy.commitAfterDelivery());

        // Then the batch completed, everything was sent once, and few writes reached the store
        assertThat(outcome.count(Disposition.DELIVERED)).isEqualTo(1000);
        assertThat(partition.committed()).isEqualTo(1000);
        assertThat(totalSends()).isEqualTo(1000);
        assertThat(store.writesReceived())
                .as("writes that reached the store")
                .isLessThanOrEqualTo(guard.maxInFlight() + guard.minimumNumberOfCalls());
        assertThat(processor.statusStore().breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(processor.statusStore().failedWrites()).isEqualTo(1000);

        // And a second batch reaches the store not at all: the open breaker refuses at once
        long reachedBefore = store.writesReceived();
        BatchOutcome second = processor.process(TestRequests.batch("second", 1000)).orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(second.count(Disposition.DELIVERED)).isEqualTo(1000);
        assertThat(store.writesReceived()).isEqualTo(reachedBefore);
        assertThat(second.statusWriteFailures()).isEqualTo(1000);
    }

    @Test
    void should_close_the_breaker_again_once_the_store_recovers() {
        // Given an open breaker, on a clock the test moves
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
        StatusGuardConfig guard = StatusGuardConfig.custom()
                .slidingWindowSize(20).minimumNumberOfCalls(10)
                .permittedCallsInHalfOpenState(5)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .clock(clock)
                .build();
        store.setMode(FaultMode.FAILING);
        BatchProcessor processor = processor().statusGuard(guard).build();
        processor.process(TestRequests.batch("down", 100)).join();
        assertThat(processor.statusStore().breakerState()).isEqualTo(CircuitBreaker.State.OPEN);

        // When the store is back but the wait is not over
        store.setMode(FaultMode.HEALTHY);
        BatchOutcome early = processor.process(TestRequests.batch("early", 10)).join();

        // Then writes are still refused
        assertThat(early.statusWriteFailures()).isEqualTo(10);

        // When the wait is over
        clock.advance(Duration.ofSeconds(31));
        BatchOutcome probe = processor.process(TestRequests.batch("probe", 5)).join();
        BatchOutcome after = processor.process(TestRequests.batch("after", 100)).join();

        // Then the probes succeed, the breaker closes, and writes flow again
        assertThat(probe.statusWriteFailures()).isZero();
        assertThat(processor.statusStore().breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(after.statusWriteFailures()).isZero();
        assertThat(store.get("after-99")).map(StatusRecord::status).contains(DeliveryStatus.DELIVERED);
    }

    @Test
    void should_never_move_a_final_status_back_to_pending() {
        // Given a delivered notification
        NotificationRequest request = TestRequests.request("late", "u-1", Channel.SMS);
        Instant sentAt = TestRequests.CREATED.plusSeconds(2);
        store.apply(StatusUpdate.delivered(request, "SM1", sentAt, 1));

        // When PENDING arrives late (a publisher retry), and again stamped later than the delivery
        store.record(StatusUpdate.pending(request, TestRequests.CREATED)).toCompletableFuture().join();
        store.record(StatusUpdate.pending(request, sentAt.plusSeconds(60))).toCompletableFuture().join();

        // Then it is still DELIVERED, with the provider id
        StatusRecord record = store.get("late").orElseThrow();
        assertThat(record.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(record.providerMessageId()).isEqualTo("SM1");

        // And a replayed batch does not move it either
        store.apply(StatusUpdate.of(request, DeliveryStatus.FAILED, "undelivered", "SM1", sentAt.plusSeconds(5), 1));
        store.apply(StatusUpdate.delivered(request, "SM1", sentAt, 1));
        assertThat(store.get("late").orElseThrow().status()).isEqualTo(DeliveryStatus.FAILED);
    }

    @Test
    void should_not_send_to_a_user_who_opted_out_of_the_channel() {
        // Given
        InMemoryPreferenceStore preferences = new InMemoryPreferenceStore()
                .put("u-out", new Preferences(Set.of(Channel.SMS), Set.of(), null));
        NotificationRequest sms = TestRequests.request("sms-1", "u-out", Channel.SMS);
        NotificationRequest email = TestRequests.request("email-1", "u-out", Channel.EMAIL);
        BatchProcessor processor = processor().preferences(preferences).build();

        // When
        BatchOutcome outcome = processor.process(List.of(sms, email)).join();

        // Then
        assertThat(sendsOf(sms)).isZero();
        assertThat(sendsOf(email)).isEqualTo(1);
        assertThat(outcome.dispositions()).containsExactly(Disposition.SUPPRESSED, Disposition.DELIVERED);
        StatusRecord record = store.get("sms-1").orElseThrow();
        assertThat(record.status()).isEqualTo(DeliveryStatus.SUPPRESSED);
        assertThat(record.reason()).isEqualTo("opted-out:SMS");
        assertThat(preferences.lookups()).as("one lookup for the batch").isEqualTo(1);
    }

    @Test
    void should_hold_high_and_suppress_normal_priority_in_quiet_hours() {
        // Given a user whose quiet hours cover the whole day but one minute
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T03:00:00Z"));
        QuietHours quiet = new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0), ZoneOffset.UTC);
        InMemoryPreferenceStore preferences = new InMemoryPreferenceStore()
                .put("u-night", new Preferences(Set.of(), Set.of(), quiet));
        InMemoryDeferredDelivery deferred = new InMemoryDeferredDelivery();
        NotificationRequest urgent = TestRequests.request("otp", "u-night", Channel.SMS, Priority.HIGH);
        NotificationRequest social = TestRequests.request("like", "u-night", Channel.APNS, Priority.NORMAL);
        BatchProcessor processor = processor().preferences(preferences).deferred(deferred).clock(clock).build();

        // When
        BatchOutcome outcome = processor.process(List.of(urgent, social)).join();

        // Then
        assertThat(outcome.dispositions()).containsExactly(Disposition.DEFERRED, Disposition.SUPPRESSED);
        assertThat(totalSends()).isZero();
        assertThat(deferred.deferred()).singleElement().satisfies(d -> {
            assertThat(d.request().id()).isEqualTo("otp");
            assertThat(d.notBefore()).isEqualTo(Instant.parse("2026-12-03T07:00:00Z"));
        });
        assertThat(store.get("like").orElseThrow().reason()).isEqualTo("quiet-hours");
    }

    @Test
    void should_send_nothing_and_hold_the_offsets_when_preferences_cannot_be_read() {
        // Given
        InMemoryPreferenceStore preferences = new InMemoryPreferenceStore();
        preferences.setMode(FaultMode.FAILING);
        List<NotificationRequest> batch = TestRequests.batch(100);
        SimulatedPartition partition = new SimulatedPartition(batch);
        BatchProcessor processor = processor().preferences(preferences).build();

        // When
        BatchOutcome outcome = partition.pollProcessCommit(processor, OffsetPolicy.commitAfterDelivery());

        // Then
        assertThat(totalSends()).isZero();
        assertThat(outcome.count(Disposition.NOT_ATTEMPTED)).isEqualTo(100);
        assertThat(partition.committed()).isZero();

        // When preferences are back, the same records are sent, once
        preferences.setMode(FaultMode.HEALTHY);
        partition.pollProcessCommit(processor, OffsetPolicy.commitAfterDelivery());
        assertThat(totalSends()).isEqualTo(100);
        assertThat(duplicateSends()).isZero();
        assertThat(partition.committed()).isEqualTo(100);
    }

    @Test
    void should_send_channels_allowed_without_preferences_when_preferences_cannot_be_read() {
        InMemoryPreferenceStore preferences = new InMemoryPreferenceStore();
        preferences.setMode(FaultMode.FAILING);
        BatchProcessor processor = processor().preferences(preferences)
                .sendWithoutPreferences(List.of(Channel.EMAIL)).build();

        BatchOutcome outcome = processor.process(List.of(
                TestRequests.request("e", "u", Channel.EMAIL), TestRequests.request("s", "u", Channel.SMS))).join();

        assertThat(outcome.dispositions()).containsExactly(Disposition.DELIVERED, Disposition.NOT_ATTEMPTED);
    }

    @Test
    void should_not_resend_a_replayed_batch_when_the_dedup_guard_is_on() {
        // Given a batch whose statuses fail and a replay policy, with the guard on
        store.setMode(FaultMode.FAILING);
        List<NotificationRequest> batch = TestRequests.batch(500);
        SimulatedPartition partition = new SimulatedPartition(batch);
        BatchProcessor processor = processor().dedup(new InMemoryDedupGuard()).build();

        // When it is processed three times
        partition.pollProcessCommit(processor, OffsetPolicy.replayOnStatusFailure());
        BatchOutcome replay = partition.pollProcessCommit(processor, OffsetPolicy.replayOnStatusFailure());
        partition.pollProcessCommit(processor, OffsetPolicy.replayOnStatusFailure());

        // Then each notification went out once
        assertThat(totalSends()).isEqualTo(500);
        assertThat(duplicateSends()).isZero();
        assertThat(replay.count(Disposition.DUPLICATE)).isEqualTo(500);
    }

    @Test
    void should_release_the_claim_and_fail_a_notification_whose_send_failed_transiently() {
        // Given
        InMemoryDedupGuard dedup = new InMemoryDedupGuard();
        deliveries.get(Channel.APNS).behaviour(InMemoryDelivery.failTransiently(1));
        NotificationRequest request = TestRequests.request("flaky", "u", Channel.APNS);
        BatchProcessor processor = processor().dedup(dedup).build();

        // When
        BatchOutcome first = processor.process(List.of(request)).join();

        // Then
        assertThat(first.dispositions()).containsExactly(Disposition.FAILED_TRANSIENT);
        assertThat(dedup.isClaimed("flaky")).isFalse();
        assertThat(store.get("flaky").orElseThrow().reason()).startsWith("transient:");

        // And a later try may send it, and it is delivered
        BatchOutcome second = processor.process(List.of(request)).join();
        assertThat(second.dispositions()).containsExactly(Disposition.DELIVERED);
        assertThat(sendsOf(request)).isEqualTo(2);
    }

    @Test
    void should_hand_transient_failures_to_the_deferred_lane_when_there_is_one() {
        InMemoryDeferredDelivery deferred = new InMemoryDeferredDelivery();
        deliveries.get(Channel.FCM).behaviour(InMemoryDelivery.failTransiently(1));
        BatchProcessor processor = processor().deferred(deferred).build();

        BatchOutcome outcome = processor.process(List.of(TestRequests.request("f", "u", Channel.FCM))).join();

        assertThat(outcome.dispositions()).containsExactly(Disposition.DEFERRED);
        assertThat(deferred.deferred()).singleElement().satisfies(d -> assertThat(d.reason()).startsWith("transient:"));
        assertThat(store.get("f")).isEmpty();
    }

    @Test
    void should_time_out_a_send_whose_answer_never_comes() {
        deliveries.get(Channel.EMAIL).behaviour(InMemoryDelivery.NEVER_ANSWER);
        BatchProcessor processor = processor().sendTimeout(Duration.ofMillis(100)).build();

        BatchOutcome outcome = processor.process(List.of(TestRequests.request("slow", "u", Channel.EMAIL)))
                .orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(outcome.dispositions()).containsExactly(Disposition.FAILED_TRANSIENT);
        assertThat(store.get("slow").orElseThrow().reason()).contains("TimeoutException");
    }

    @Test
    void should_mark_expired_notifications_without_sending_them() {
        NotificationRequest expired = new NotificationRequest("old", "u", Channel.APNS, "tok", "t", "b", Map.of(),
                Priority.NORMAL, TestRequests.CREATED, TestRequests.CREATED.plusSeconds(1), null);
        BatchProcessor processor = processor().build();

        BatchOutcome outcome = processor.process(List.of(expired)).join();

        assertThat(outcome.dispositions()).containsExactly(Disposition.EXPIRED);
        assertThat(totalSends()).isZero();
        assertThat(store.get("old").orElseThrow().status()).isEqualTo(DeliveryStatus.EXPIRED);
    }

    @Test
    void should_record_permanent_rejections_as_failed_with_the_reason_and_report_dead_tokens() {
        deliveries.get(Channel.APNS).behaviour((request, attempt, clock) ->
                java.util.concurrent.CompletableFuture.completedFuture(new dev.notify.core.DeliveryResult.Rejected(
                        "Unregistered", true, Instant.parse("2026-12-01T00:00:00Z"), clock.instant())));
        List<String> invalidated = new ArrayList<>();
        BatchProcessor processor = processor()
                .tokenInvalidationListener((user, channel, token, at) -> invalidated.add(user + "@" + at))
                .build();

        BatchOutcome outcome = processor.process(List.of(TestRequests.request("dead", "u-9", Channel.APNS))).join();

        assertThat(outcome.dispositions()).containsExactly(Disposition.REJECTED);
        assertThat(store.get("dead").orElseThrow().reason()).isEqualTo("Unregistered");
        assertThat(invalidated).containsExactly("u-9@2026-12-01T00:00:00Z");
    }

    @Test
    void should_send_an_id_repeated_within_one_batch_once() {
        NotificationRequest request = TestRequests.request("twice", "u", Channel.SMS);
        BatchOutcome outcome = processor().build().process(List.of(request, request)).join();

        assertThat(outcome.dispositions()).containsExactly(Disposition.DELIVERED, Disposition.DUPLICATE);
        assertThat(sendsOf(request)).isEqualTo(1);
    }

    @Test
    void should_run_ten_thousand_synchronous_sends_without_deep_recursion() {
        BatchOutcome outcome = processor().maxConcurrentSends(1).build()
                .process(TestRequests.batch(10_000)).orTimeout(30, TimeUnit.SECONDS).join();

        assertThat(outcome.count(Disposition.DELIVERED)).isEqualTo(10_000);
    }

    @Test
    void should_not_wait_for_a_slow_store_when_status_writes_are_not_awaited() {
        // Given a store that hangs and a batch that does not await its writes
        store.setMode(FaultMode.HANGING);
        BatchProcessor processor = processor()
                .statusGuard(StatusGuardConfig.custom().writeTimeout(Duration.ofHours(1)).build())
                .awaitStatusWrites(false)
                .build();

        // When
        BatchOutcome outcome = processor.process(TestRequests.batch(1000)).orTimeout(10, TimeUnit.SECONDS).join();

        // Then it completes although no write has ended, every notification sent once
        assertThat(outcome.count(Disposition.DELIVERED)).isEqualTo(1000);
        assertThat(totalSends()).isEqualTo(1000);
        assertThat(store.hangingCalls()).isPositive();
        assertThat(store.count(DeliveryStatus.DELIVERED)).isZero();

        // And once the store answers, the writes land
        store.setMode(FaultMode.HEALTHY);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> store.count(DeliveryStatus.DELIVERED) == 1000);
    }

    @Test
    void should_skip_and_count_writes_beyond_the_queue_bound() {
        // Given a hanging store with room for 10 writes in flight and 50 waiting
        store.setMode(FaultMode.HANGING);
        StatusGuardConfig guard = StatusGuardConfig.custom().maxInFlight(10).maxQueued(50)
                .writeTimeout(Duration.ofHours(1)).build();
        BatchProcessor processor = processor().statusGuard(guard).awaitStatusWrites(false).build();

        // When
        BatchOutcome outcome = processor.process(TestRequests.batch(1000)).orTimeout(10, TimeUnit.SECONDS).join();

        // Then 60 writes are held and the other 940 are skipped at once, and counted
        assertThat(outcome.count(Disposition.DELIVERED)).isEqualTo(1000);
        assertThat(store.writesReceived()).isEqualTo(10);
        assertThat(processor.statusStore().failedWrites()).isEqualTo(940);
        assertThat(outcome.statusWriteFailures()).isEqualTo(940);
    }
}
