package dev.notify.providers.retry;

import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.NotificationRequest;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.providers.DeliveryTimeoutException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries the transient failures ({@link RetriableDeliveryException}) of another {@link Delivery}, on Resilience4j
 * Retry, with exponential backoff and jitter, waiting on the injected scheduler and never on the caller's thread.
 *
 * <p>A wait is never shorter than the provider's {@link RetriableDeliveryException#retryAfter()}. A retry whose wait
 * would end past the policy's total time is not started, and the send completes with the last failure; the returned
 * future completes by the total time in every case ({@link DeliveryTimeoutException} if an attempt is still out).
 * A {@link DeliveryResult.Rejected} is final and never retried, nor is an exception that is not retriable.
 *
 * <p>Each send schedules one deadline task on the scheduler and cancels it when done: give a
 * {@code ScheduledThreadPoolExecutor} {@code setRemoveOnCancelPolicy(true)} so that cancelled deadlines do not pile
 * up in its queue at high rates.
 *
 * <p>Retried sends carry the same request, so adapters that derive the provider-side id from the notification id
 * (APNs' apns-id) send the same id again.
 */
public final class RetryingDelivery implements Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingDelivery.class);

    private final Delivery delegate;
    private final RetryPolicy policy;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final DoubleSupplier random;

    /**
     * @param delegate the delivery whose transient failures are retried; closed with this one
     * @param scheduler runs the waits and the deadline; not shut down by {@link #close()}
     */
    public RetryingDelivery(Delivery delegate, RetryPolicy policy, ScheduledExecutorService scheduler) {
        this(delegate, policy, scheduler, Clock.systemUTC());
    }

    public RetryingDelivery(Delivery delegate, RetryPolicy policy, ScheduledExecutorService scheduler, Clock clock) {
        this(delegate, policy, scheduler, clock, () -> ThreadLocalRandom.current().nextDouble());
    }

    RetryingDelivery(Delivery delegate, RetryPolicy policy, ScheduledExecutorService scheduler, Clock clock,
            DoubleSupplier random) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public Channel channel() {
        return delegate.channel();
    }

    @Override
    public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
        SendAttempts attempts = new SendAttempts(request, clock.instant().plus(policy.maxTotalTime()));
        CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
        ScheduledFuture<?> deadline = scheduler.schedule(
                () -> result.completeExceptionally(new DeliveryTimeoutException(
                        "send of " + request.id() + " gave no outcome", policy.maxTotalTime())),
                policy.maxTotalTime().toMillis(), TimeUnit.MILLISECONDS);
        attempts.result = result;

        RetryConfig config = RetryConfig.<DeliveryResult>custom()
                .maxAttempts(policy.maxAttempts())
                .retryOnException(attempts::shouldRetry)
                .intervalBiFunction((attempt, either) -> attempts.nextWaitMillis)
                .failAfterMaxAttempts(false)
                .build();
        Retry retry = Retry.of("delivery-" + request.id(), config);
        CompletionStage<DeliveryResult> retried;
        try {
            retried = retry.executeCompletionStage(scheduler, attempts::attempt);
        } catch (RuntimeException e) {
            retried = CompletableFuture.failedFuture(e);
        }
        retried.whenComplete((value, failure) -> {
            deadline.cancel(false);
            if (failure != null) {
                result.completeExceptionally(unwrap(failure));
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "RetryingDelivery[" + delegate + ", " + policy + "]";
    }

    static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** The state of one send across its tries. */
    private final class SendAttempts {
        private final NotificationRequest request;
        private final Instant deadline;
        private volatile CompletableFuture<DeliveryResult> result;
        private volatile int retries;
        private volatile long nextWaitMillis;

        SendAttempts(NotificationRequest request, Instant deadline) {
            this.request = request;
            this.deadline = deadline;
        }

        CompletionStage<DeliveryResult> attempt() {
            if (result.isDone()) {
                return CompletableFuture.failedFuture(new Abandoned());
            }
            try {
                return delegate.send(request);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        boolean shouldRetry(Throwable failure) {
            Throwable cause = unwrap(failure);
            if (!(cause instanceof RetriableDeliveryException retriable) || result.isDone()) {
                return false;
            }
            int retry = retries + 1;
            if (retry >= policy.maxAttempts()) {
                return false;
            }
            Duration wait = jittered(policy.baseBackoff(retry));
            if (retriable.retryAfter() != null && retriable.retryAfter().compareTo(wait) > 0) {
                wait = retriable.retryAfter();
            }
            if (!clock.instant().plus(wait).isBefore(deadline)) {
                LOG.debug("[retry] {}: not retrying, a wait of {} ms would pass the deadline", request.id(),
                        wait.toMillis());
                return false;
            }
            retries = retry;
            nextWaitMillis = wait.toMillis();
            LOG.debug("[retry] {}: retry {} in {} ms after {}", request.id(), retry, nextWaitMillis,
                    cause.getMessage());
            return true;
        }

        private Duration jittered(Duration base) {
            if (policy.jitter() == 0.0) {
                return base;
            }
            double factor = 1.0 + policy.jitter() * (2.0 * random.getAsDouble() - 1.0);
            return Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor)));
        }
    }

    /** Marks a try that was not made because the send had already completed (its deadline passed). */
    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("send already completed", null, false, false);
        }
    }
}
