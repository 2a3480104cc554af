package dev.notify.core.inmemory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The fault switch shared by the in-memory adapters: runs calls normally, fails them, or parks them until the mode
 * goes back to healthy (then they run) or to failing (then they fail).
 */
final class FaultSwitch {

    private volatile FaultMode mode = FaultMode.HEALTHY;
    private final ConcurrentLinkedQueue<Runnable> parked = new ConcurrentLinkedQueue<>();
    private final String what;

    FaultSwitch(String what) {
        this.what = what;
    }

    FaultMode mode() {
        return mode;
    }

    void set(FaultMode newMode) {
        this.mode = Objects.requireNonNull(newMode, "mode");
        if (newMode != FaultMode.HANGING) {
            Runnable call;
            while ((call = parked.poll()) != null) {
                call.run();
            }
        }
    }

    int parkedCalls() {
        return parked.size();
    }

    <T> CompletableFuture<T> call(Supplier<T> body) {
        FaultMode current = mode;
        if (current == FaultMode.FAILING) {
            return CompletableFuture.failedFuture(new IllegalStateException(what + " is down (simulated)"));
        }
        if (current == FaultMode.HANGING) {
            CompletableFuture<T> later = new CompletableFuture<>();
            parked.add(() -> {
                if (mode == FaultMode.FAILING) {
                    later.completeExceptionally(new IllegalStateException(what + " is down (simulated)"));
                } else {
                    complete(later, body);
                }
            });
            if (mode != FaultMode.HANGING) {
                set(mode);
            }
            return later;
        }
        CompletableFuture<T> now = new CompletableFuture<>();
        complete(now, body);
        return now;
    }

    private static <T> void complete(CompletableFuture<T> future, Supplier<T> body) {
        try {
            future.complete(body.get());
        } catch (RuntimeException thrown) {
            future.completeExceptionally(thrown);
        }
    }
}
