package dev.notify.core.inmemory;

import dev.notify.core.DeferredDelivery;
import dev.notify.core.NotificationRequest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A {@link DeferredDelivery} that keeps what it is handed, for tests to inspect. */
public final class InMemoryDeferredDelivery implements DeferredDelivery {

    /** One deferred notification. */
    public record Deferred(NotificationRequest request, Instant notBefore, String reason) {
    }

    private final ConcurrentLinkedQueue<Deferred> deferred = new ConcurrentLinkedQueue<>();

    @Override
    public CompletionStage<Void> defer(NotificationRequest request, Instant notBefore, String reason) {
        deferred.add(new Deferred(request, notBefore, reason));
        return CompletableFuture.completedFuture(null);
    }

    /** Everything deferred, in order. */
    public List<Deferred> deferred() {
        return List.copyOf(deferred);
    }
}
