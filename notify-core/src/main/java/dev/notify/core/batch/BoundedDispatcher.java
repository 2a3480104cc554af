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

    BoundedDispatcher(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
    }

    /** Queues {@code task}; the returned stage completes as the stage the task returns, once it has run. */
    <T> CompletableFuture<T> submit(Supplier<? extends CompletionStage<T>> task) {
        Task<T> queued = new Task<>(task);
        queue.add(queued);
        drain();
        return queued.result;
    }

    int inFlight() {
        return inFlight.get();
    }

    int queued() {
        return queue.size();
    }

    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        do {
            while (inFlight.get() < maxInFlight) {
                Task<?> task = queue.poll();
                if (task == null) {
                    break;
                }
                inFlight.incrementAndGet();
                task.start(this::finished);
            }
        } while (drainRequests.decrementAndGet() != 0);
    }

    private void finished() {
        inFlight.decrementAndGet();
        drain();
    }

    private static final class Task<T> {
        private final Supplier<? extends CompletionStage<T>> body;
        private final CompletableFuture<T> result = new CompletableFuture<>();

        Task(Supplier<? extends CompletionStage<T>> body) {
            this.body = body;
        }

        void start(Runnable onFinished) {
            CompletionStage<T> stage;
            try {
                stage = body.get();
            } catch (Throwable thrown) {
                stage = CompletableFuture.failedFuture(thrown);
            }
            stage.whenComplete((value, error) -> {
                onFinished.run();
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        }
    }
}
