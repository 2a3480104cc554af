package dev.notify.core.inmemory;

import dev.notify.core.DedupGuard;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link DedupGuard} in a set (claims never expire), with a fault switch. */
public final class InMemoryDedupGuard implements DedupGuard {

    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final FaultSwitch faults = new FaultSwitch("dedup guard");

    /** Makes claims succeed, fail or hang. */
    public void setMode(FaultMode mode) {
        faults.set(mode);
    }

    /** Whether {@code notificationId} is claimed. */
    public boolean isClaimed(String notificationId) {
        return claimed.contains(notificationId);
    }

    @Override
    public CompletionStage<Set<String>> claim(Collection<String> notificationIds) {
        return faults.call(() -> {
            Set<String> won = new HashSet<>();
            for (String id : notificationIds) {
                if (claimed.add(id)) {
                    won.add(id);
                }
            }
            return won;
        });
    }

    @Override
    public CompletionStage<Void> release(String notificationId) {
        return faults.call(() -> {
            claimed.remove(notificationId);
            return null;
        });
    }
}
