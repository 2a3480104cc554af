package dev.notify.providers.apns;

import dev.notify.core.RetriableDeliveryException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the sends in flight without blocking: a send beyond the bound waits in a queue and starts when one in
 * flight completes; beyond the queue's bound it fails at once, retriably.
 */
final class SendLimiter {

    private final Semaphore permits;
    private final int maxPending;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    SendLimiter(int maxInFlight, int maxPending) {
        this.permits = new Semaphore(maxInFlight);
        this.maxPending = maxPending;
    }

    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletableFuture<T> started;
            try {
                started = task.get();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((value, failure) -> {
                permits.release();
                drain();
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            });
        };
        if (permits.tryAcquire()) {
            start.run();
            return result;
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            return CompletableFuture.failedFuture(new RetriableDeliveryException(
                    "apns: " + maxPending + " sends already waiting for a stream"));
        }
        waiting.add(start);
        drain();
        return result;
    }

    private void drain() {
        while (!waiting.isEmpty() && permits.tryAcquire()) {
            Runnable next = waiting.poll();
            if (next == null) {
                permits.release();
                return;
            }
            pending.decrementAndGet();
            next.run();
        }
    }
}
