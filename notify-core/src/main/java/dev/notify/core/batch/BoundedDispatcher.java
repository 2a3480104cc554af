package dev.notify.core.batch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Starts asynchronous tasks with at most a fixed number in flight; the others wait in a queue, in order.
 *
 * <p>Tasks that complete on the calling thread do not recurse: a single drain loop starts what may start, so a long
 * queue of synchronous tasks runs in constant stack depth.
 */
final class BoundedDispatcher {

    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger drainRequests = new AtomicInteger();
    private final ConcurrentLinkedQueue<Task<?>> queue = new ConcurrentLinkedQueue<>();
    // The queue's size, kept apart because ConcurrentLinkedQueue.size() walks the whole queue.
    private final AtomicInteger queuedCount = new AtomicInteger();

    BoundedDispatcher(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
    }

    /** Queues {@code task}; the returned stage completes as the stage the task returns, once it has run. */
    <T> CompletableFuture<T> submit(Supplier<? extends CompletionStage<T>> task) {
        if (queue.isEmpty() && tryAcquireSlot()) {
            // Nothing waits and a slot is free: start it here. A task that completes at once gives its slot back
            // at once and its own future is the answer; otherwise it ends as a queued task would.
            CompletionStage<T> stage = run(task);
            if (stage instanceof CompletableFuture<T> future && future.isDone()) {
                finished();
                return future;
            }
            CompletableFuture<T> result = new CompletableFuture<>();
            relay(stage, result, this::finished);
            return result;
        }
        Task<T> queued = new Task<>(task);
        queuedCount.incrementAndGet();
        queue.add(queued);
        drain();
        return queued.result;
    }

    /**
     * Like {@link #submit}, unless {@code maxQueued} tasks already wait: then {@code null}, and the task is not run.
     * The bound is approximate under contention, by at most the number of submitting threads.
     */
    <T> CompletableFuture<T> submitIfRoom(Supplier<? extends CompletionStage<T>> task, int maxQueued) {
        if (queuedCount.get() >= maxQueued) {
            return null;
        }
        return submit(task);
    }

    int inFlight() {
        return inFlight.get();
    }

    int queued() {
        return queuedCount.get();
    }

    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        do {
            // Slots are taken by compare-and-set, as submit's fast path takes them, so the bound holds between both.
            while (tryAcquireSlot()) {
                Task<?> task = queue.poll();
                if (task == null) {
                    inFlight.decrementAndGet();
                    break;
                }
                queuedCount.decrementAndGet();
                task.start(this::finished);
            }
        } while (drainRequests.decrementAndGet() != 0);
    }

    private boolean tryAcquireSlot() {
        int current;
        do {
            current = inFlight.get();
            if (current >= maxInFlight) {
                return false;
            }
        } while (!inFlight.compareAndSet(current, current + 1));
        return true;
    }

    private void finished() {
        inFlight.decrementAndGet();
        // A task queued after this check finds the slot free in its own drain.
        if (!queue.isEmpty()) {
            drain();
        }
    }

    private static <T> CompletionStage<T> run(Supplier<? extends CompletionStage<T>> body) {
        try {
            return body.get();
        } catch (Throwable thrown) {
            return CompletableFuture.failedFuture(thrown);
        }
    }

    private static <T> void relay(CompletionStage<T> stage, CompletableFuture<T> result, Runnable onFinished) {
        stage.whenComplete((value, error) -> {
            onFinished.run();
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
    }

    private static final class Task<T> {
        private final Supplier<? extends CompletionStage<T>> body;
        private final CompletableFuture<T> result = new CompletableFuture<>();

        Task(Supplier<? extends CompletionStage<T>> body) {
            this.body = body;
        }

        void start(Runnable onFinished) {
            relay(run(body), result, onFinished);
        }
    }
}
