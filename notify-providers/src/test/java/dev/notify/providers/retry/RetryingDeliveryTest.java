package dev.notify.providers.retry;

import static dev.notify.providers.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.NotificationRequest;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.providers.DeliveryTimeoutException;
import dev.notify.providers.RecordingScheduler;
import dev.notify.providers.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryingDeliveryTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final NotificationRequest REQUEST = request("r-1", Channel.SMS, "+14155552671", "x");

    private final TestClock clock = new TestClock(START);
    private final RecordingScheduler scheduler = new RecordingScheduler(clock, Duration.ofSeconds(20));
    private final ScriptedDelivery delegate = new ScriptedDelivery();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private RetryingDelivery retrying(RetryPolicy policy) {
        return new RetryingDelivery(delegate, policy, scheduler, clock);
    }

    private static RetryPolicy.Builder exact() {
        return RetryPolicy.custom().maxAttempts(5).initialBackoff(Duration.ofMillis(100)).multiplier(2).jitter(0);
    }

    @Test
    void should_retry_transient_failures_with_exponential_backoff_until_accepted() throws Exception {
        delegate.failTimes(3, () -> new RetriableDeliveryException("busy"));

        DeliveryResult result = retrying(exact().build()).send(REQUEST).get(5, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(DeliveryResult.Accepted.class);
        assertThat(delegate.calls.get()).isEqualTo(4);
        assertThat(scheduler.shortDelays()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(400));
        assertThat(clock.instant()).isEqualTo(START.plusMillis(700));
    }

    @Test
    void should_wait_at_least_the_retry_after_the_provider_asked_for() throws Exception {
        delegate.failTimes(1, () -> new RetriableDeliveryException("slow down", Duration.ofSeconds(3), null));

        retrying(exact().build()).send(REQUEST).get(5, TimeUnit.SECONDS);

        assertThat(scheduler.shortDelays()).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void should_give_up_after_max_attempts_with_the_last_failure() {
        delegate.failTimes(10, () -> new RetriableDeliveryException("down"));

        CompletableFuture<DeliveryResult> future = retrying(exact().maxAttempts(3).build()).send(REQUEST);

        assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RetriableDeliveryException.class).hasMessage("down");
        assertThat(delegate.calls.get()).isEqualTo(3);
    }

    @Test
    void should_not_retry_a_rejection() throws Exception {
        delegate.rejectNext();

        DeliveryResult result = retrying(exact().build()).send(REQUEST).get(5, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(delegate.calls.get()).isEqualTo(1);
        assertThat(scheduler.shortDelays()).isEmpty();
    }

    @Test
    void should_not_retry_an_exception_that_is_not_retriable() {
        delegate.failTimes(1, () -> new IllegalStateException("bug"));

        CompletableFuture<DeliveryResult> future = retrying(exact().build()).send(REQUEST);

        assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalStateException.class);
        assertThat(delegate.calls.get()).isEqualTo(1);
    }

    @Test
    void should_not_start_a_retry_whose_wait_passes_the_total_time() {
        delegate.failTimes(1, () -> new RetriableDeliveryException("come back in a minute", Duration.ofMinutes(1), null));

        // 30 s: a deadline above the recording scheduler's 20 s threshold runs in real time; a shorter one would
        // run at once and race the refusal to retry.
        CompletableFuture<DeliveryResult> future = retrying(exact().maxTotalTime(Duration.ofSeconds(30)).build())
                .send(REQUEST);

        assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOf(RetriableDeliveryException.class)
                .satisfies(e -> assertThat(((RetriableDeliveryException) e).retryAfter()).isEqualTo(Duration.ofMinutes(1)));
        assertThat(delegate.calls.get()).isEqualTo(1);
    }

    @Test
    void should_spread_waits_by_the_jitter() throws Exception {
        List<Double> randoms = new CopyOnWriteArrayList<>(List.of(0.0, 1.0));
        RetryingDelivery jittered = new RetryingDelivery(delegate, exact().jitter(0.5).build(), scheduler, clock,
                () -> randoms.remove(0));
        delegate.failTimes(2, () -> new RetriableDeliveryException("busy"));

        jittered.send(REQUEST).get(5, TimeUnit.SECONDS);

        assertThat(scheduler.shortDelays()).containsExactly(Duration.ofMillis(50), Duration.ofMillis(300));
    }

    @Test
    void should_end_a_send_whose_answer_never_comes_at_the_total_time() {
        delegate.neverAnswer();
        RecordingScheduler realTime = new RecordingScheduler(clock, Duration.ZERO);
        try {
            RetryingDelivery bounded = new RetryingDelivery(delegate, exact().maxTotalTime(Duration.ofMillis(300)).build(),
                    realTime, clock);
            long started = System.nanoTime();
            CompletableFuture<DeliveryResult> future = bounded.send(REQUEST);

            assertThat(System.nanoTime() - started).as("send returns at once").isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
            assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(DeliveryTimeoutException.class);
            assertThat(delegate.calls.get()).isEqualTo(1);
        } finally {
            realTime.shutdownNow();
        }
    }

    @Test
    void should_reject_bad_settings_naming_the_field() {
        assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.custom().jitter(1.0)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> RetryPolicy.custom().initialBackoff(Duration.ofSeconds(20)).build())
                .hasMessageContaining("maxBackoff");
        assertThat(RetryPolicy.ofDefaults().toString()).contains("maxAttempts=4", "maxTotalTime=PT30S");
    }

    /** Answers as scripted, then accepts. */
    private static final class ScriptedDelivery implements Delivery {
        private final AtomicInteger calls = new AtomicInteger();
        private final Deque<Supplier<CompletableFuture<DeliveryResult>>> script = new ConcurrentLinkedDeque<>();

        void failTimes(int times, Supplier<RuntimeException> failure) {
            for (int i = 0; i < times; i++) {
                script.add(() -> CompletableFuture.failedFuture(failure.get()));
            }
        }

        void rejectNext() {
            script.add(() -> CompletableFuture.completedFuture(DeliveryResult.Rejected.because("no", START)));
        }

        void neverAnswer() {
            script.add(CompletableFuture::new);
        }

        @Override
        public Channel channel() {
            return Channel.SMS;
        }

        @Override
        public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
            calls.incrementAndGet();
            Supplier<CompletableFuture<DeliveryResult>> next = script.pollFirst();
            return next != null ? next.get()
                    : CompletableFuture.completedFuture(new DeliveryResult.Accepted("id-" + calls.get(), START));
        }
    }
}
