package dev.notify.app.demo;

import dev.notify.core.StalePage;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A status store that remembers which notifications got a final status written successfully, so the demo can plot
 * how many are not final in the store yet without reading the whole table every second.
 */
final class FinalStatusTracker implements StatusStore {

    private final StatusStore delegate;
    private final Set<String> finalIds = ConcurrentHashMap.newKeySet();

    FinalStatusTracker(StatusStore delegate) {
        this.delegate = delegate;
    }

    int finalCount() {
        return finalIds.size();
    }

    @Override
    public CompletionStage<Void> record(StatusUpdate update) {
        return delegate.record(update).whenComplete((ok, error) -> {
            if (error == null && update.status().isFinal()) {
                finalIds.add(update.notificationId());
            }
        });
    }

    @Override
    public CompletionStage<Optional<StatusRecord>> find(String notificationId) {
        return delegate.find(notificationId);
    }

    @Override
    public CompletionStage<StalePage> findStalePending(Instant createdBefore, int pageSize, String cursor) {
        return delegate.findStalePending(createdBefore, pageSize, cursor);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
