package dev.notify.reconcile;

import dev.notify.core.StalePage;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import dev.notify.core.inmemory.InMemoryStatusStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An in-memory store whose writes can be made to fail while reads go on working. */
final class WriteSwitchStore implements StatusStore {

    private final InMemoryStatusStore delegate;
    private volatile boolean writesFail;

    WriteSwitchStore(InMemoryStatusStore delegate) {
        this.delegate = delegate;
    }

    void writesFail(boolean writesFail) {
        this.writesFail = writesFail;
    }

    @Override
    public CompletionStage<Void> record(StatusUpdate update) {
        if (writesFail) {
            return CompletableFuture.failedFuture(new IllegalStateException("writes failing (simulated)"));
        }
        return delegate.record(update);
    }

    @Override
    public CompletionStage<Optional<StatusRecord>> find(String notificationId) {
        return delegate.find(notificationId);
    }

    @Override
    public CompletionStage<StalePage> findStalePending(Instant createdBefore, int pageSize, String cursor) {
        return delegate.findStalePending(createdBefore, pageSize, cursor);
    }
}
