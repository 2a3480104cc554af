package dev.notify.core.batch;

import dev.notify.core.StalePage;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StatusStore} whose writes cannot hold up the delivery path: each write has a timeout, at most
 * {@link StatusGuardConfig#maxInFlight()} are in flight and at most {@link StatusGuardConfig#maxQueued()} wait (a
 * write beyond them is skipped), and a circuit breaker (Resilience4j) refuses writes at once
 * while the store is failing, then lets a few probe writes through to find out when it is back.
 *
 * <p>Reads ({@link #find}, {@link #findStalePending}) go straight to the store: they belong to the reconciliation
 * job, which has its own pacing.
 *
 * <p>Every write that does not succeed is counted in {@code notify.status.writes} with its result ({@code error},
 * {@code timeout}, {@code rejected} by the open breaker, or {@code skipped} because the queue was full);
 * {@link #failedWrites()} is their sum.
 */
public final class GuardedStatusStore implements StatusStore {

    private static final Logger log = LoggerFactory.getLogger(GuardedStatusStore.class);

    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();

    private final String name;
    private final StatusStore delegate;
    private final StatusGuardConfig config;
    private final CircuitBreaker breaker;
    private final BoundedDispatcher dispatcher;
    private final WriteCount succeeded;
    private final WriteCount errors;
    private final WriteCount timeouts;
    private final WriteCount rejected;
    private final WriteCount skipped;
    // Set when the breaker opens: until retryAfter, a write is refused without asking the breaker, with this
    // stackless exception shared by every refusal (its suppression is off and its cause fixed, so nothing can change
    // it). Asking the breaker costs an event (with a ZonedDateTime), and a fresh exception a formatted message.
    private volatile Instant retryAfter = Instant.MIN;
    private volatile CallNotPermittedException openRefusal;
    private final AtomicReference<CircuitBreaker.State> reportedState =
            new AtomicReference<>(CircuitBreaker.State.CLOSED);

    public GuardedStatusStore(StatusStore delegate, StatusGuardConfig config, MeterRegistry registry) {
        this.delegate = delegate;
        this.config = config;
        // Each guard has its own name: several processors in one JVM (one per worker or lane) each hold a breaker.
        this.name = "status-store-" + INSTANCES.incrementAndGet();
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.slidingWindowSize())
                .minimumNumberOfCalls(config.minimumNumberOfCalls())
                .failureRateThreshold(config.failureRateThreshold())
                .waitDurationInOpenState(config.waitDurationInOpenState())
                .permittedNumberOfCallsInHalfOpenState(config.permittedCallsInHalfOpenState())
                .clock(config.clock())
                .writableStackTraceEnabled(false)
                .build());
        this.dispatcher = new BoundedDispatcher(config.maxInFlight());
        this.succeeded = writes(registry, "success");
        this.errors = writes(registry, "error");
        this.timeouts = writes(registry, "timeout");
        this.rejected = writes(registry, "rejected");
        this.skipped = writes(registry, "skipped");
        Gauge.builder("notify.status.breaker.state", breaker, b -> stateCode(b.getState()))
                .tag("guard", name)
                .description("Status-store circuit breaker: 0 closed, 1 open, 2 half-open")
                .register(registry);
        Gauge.builder("notify.status.writes.in_flight", dispatcher, BoundedDispatcher::inFlight)
                .tag("guard", name)
                .description("Status writes in flight")
                .register(registry);
    }

    // Transitions are noticed by looking at the state after each call that can move it, rather than through the
    // breaker's event publisher: with any consumer registered, the breaker builds an event (with a ZonedDateTime) on
    // every single success and error, which costs more than the rest of a healthy in-memory write. Only this class
    // holds the breaker, so every transition follows one of its own calls.
    private void noticeTransition() {
        CircuitBreaker.State current = breaker.getState();
        CircuitBreaker.State reported = reportedState.get();
        if (current != reported && reportedState.compareAndSet(reported, current)) {
            transitioned(CircuitBreaker.StateTransition.transitionBetween(breaker.getName(), reported, current));
        }
    }

    private void transitioned(CircuitBreaker.StateTransition transition) {
        if (transition.getToState() == CircuitBreaker.State.OPEN) {
            // The breaker computed its own deadline from the same clock just before: this one is the same on a
            // clock that tests move, and at most the few microseconds between the two readings later on a real one.
            openRefusal = CallNotPermittedException.createCallNotPermittedException(breaker);
            retryAfter = config.clock().instant().plus(config.waitDurationInOpenState());
            // Operators hear once that the store is failing and once that it is back; the probes in between
            // (half-open, then open again) are detail.
            if (transition.getFromState() == CircuitBreaker.State.HALF_OPEN) {
                log.debug("[{}] probe writes failed: breaker open again", name);
            } else {
                log.warn("[{}] breaker opened: status writes now fail fast (failure rate {}%); "
                        + "delivery continues and statuses stay PENDING until reconciled",
                        name, breaker.getMetrics().getFailureRate());
            }
        } else if (transition.getToState() == CircuitBreaker.State.CLOSED) {
            log.warn("[{}] breaker closed: status writes succeed again", name);
        } else {
            log.debug("[{}] breaker {}", name, transition);
        }
    }

    private static WriteCount writes(MeterRegistry registry, String result) {
        return new WriteCount(Counter.builder("notify.status.writes")
                .description("Status writes by result")
                .tag("result", result)
                .register(registry));
    }

    /**
     * One result's count: the registry's counter, which every guard on the registry shares (so the exported figure
     * covers the process), and this guard's own, which its accessors report.
     */
    private static final class WriteCount {
        private final Counter shared;
        private final java.util.concurrent.atomic.LongAdder own = new java.util.concurrent.atomic.LongAdder();

        WriteCount(Counter shared) {
            this.shared = shared;
        }

        void increment() {
            shared.increment();
            own.increment();
        }

        long count() {
            return own.sum();
        }
    }

    private static int stateCode(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }

    /**
     * Records {@code update}, or fails: with the store's error, a {@link TimeoutException} after the write timeout,
     * or a {@link CallNotPermittedException} at once while the breaker is open.
     */
    @Override
    public CompletionStage<Void> record(StatusUpdate update) {
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.OPEN) {
            CallNotPermittedException refusal = openRefusal;
            // Within the open wait the breaker would refuse too: answer without asking it.
            if (refusal != null && !config.clock().instant().isAfter(retryAfter)) {
                rejected.increment();
                return CompletableFuture.failedFuture(refusal);
            }
        }
        if (breakerRefuses(state)) {
            rejected.increment();
            return CompletableFuture.failedFuture(CallNotPermittedException.createCallNotPermittedException(breaker));
        }
        CompletableFuture<Void> queued = dispatcher.submitIfRoom(() -> write(update), config.maxQueued());
        if (queued == null) {
            skipped.increment();
            return CompletableFuture.failedFuture(new StatusWriteSkippedException(config.maxQueued()));
        }
        return queued;
    }

    // Checked when a write is queued and again when it starts, so that writes queued before the breaker opened do
    // not reach a store that is known to be failing.
    private boolean breakerRefuses(CircuitBreaker.State state) {
        if (state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN) {
            return false;
        }
        return !breakerWaitOver();
    }

    private boolean breakerWaitOver() {
        // In the open state tryAcquirePermission moves to half-open once the wait is over; it must not be called
        // merely to look, since a granted permission has to be given back.
        boolean permitted = breaker.tryAcquirePermission();
        noticeTransition();
        if (permitted) {
            breaker.releasePermission();
            return true;
        }
        return false;
    }

    private CompletionStage<Void> write(StatusUpdate update) {
        boolean permitted = breaker.tryAcquirePermission();
        noticeTransition();
        if (!permitted) {
            rejected.increment();
            return CompletableFuture.failedFuture(CallNotPermittedException.createCallNotPermittedException(breaker));
        }
        long start = System.nanoTime();
        CompletableFuture<Void> attempt;
        try {
            CompletionStage<Void> written = delegate.record(update);
            if (written instanceof CompletableFuture<Void> future && future.isDone()
                    && !future.isCompletedExceptionally()) {
                // Written already: no deadline to watch, no dependent futures.
                succeeded.increment();
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                noticeTransition();
                return future;
            }
            attempt = new CompletableFuture<>();
            CompletableFuture<Void> target = attempt;
            written.whenComplete((ignored, error) -> {
                if (error != null) {
                    target.completeExceptionally(error);
                } else {
                    target.complete(null);
                }
            });
        } catch (RuntimeException thrown) {
            attempt = CompletableFuture.failedFuture(thrown);
        }
        return attempt.orTimeout(config.writeTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((ignored, error) -> {
                    long elapsed = System.nanoTime() - start;
                    if (error == null) {
                        succeeded.increment();
                        breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                    } else {
                        Throwable cause = unwrap(error);
                        (cause instanceof TimeoutException ? timeouts : errors).increment();
                        breaker.onError(elapsed, TimeUnit.NANOSECONDS, cause);
                    }
                    noticeTransition();
                });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    @Override
    public CompletionStage<Optional<StatusRecord>> find(String notificationId) {
        return delegate.find(notificationId);
    }

    @Override
    public CompletionStage<StalePage> findStalePending(Instant createdBefore, int pageSize, String cursor) {
        return delegate.findStalePending(createdBefore, pageSize, cursor);
    }

    /** The store behind the guard. */
    public StatusStore delegate() {
        return delegate;
    }

    /** The breaker's state: CLOSED, OPEN or HALF_OPEN. */
    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /** Writes of this guard that failed, timed out, were refused or were skipped, since start. */
    public long failedWrites() {
        return errors.count() + timeouts.count() + rejected.count() + skipped.count();
    }

    /** Writes that succeeded, since start. */
    public long succeededWrites() {
        return succeeded.count();
    }

    /** Writes refused by the open breaker without reaching the store, since start. */
    public long rejectedWrites() {
        return rejected.count();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
