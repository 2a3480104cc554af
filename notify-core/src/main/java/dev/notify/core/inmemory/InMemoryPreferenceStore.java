package dev.notify.core.inmemory;

import dev.notify.core.PreferenceStore;
import dev.notify.core.Preferences;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link PreferenceStore} in a map, with a fault switch. */
public final class InMemoryPreferenceStore implements PreferenceStore {

    private final Map<String, Preferences> byUser = new ConcurrentHashMap<>();
    private final FaultSwitch faults = new FaultSwitch("preference store");
    private final AtomicLong lookups = new AtomicLong();

    /** Sets the preferences of {@code userId}. */
    public InMemoryPreferenceStore put(String userId, Preferences preferences) {
        byUser.put(userId, preferences);
        return this;
    }

    /** Makes lookups succeed, fail or hang. */
    public void setMode(FaultMode mode) {
        faults.set(mode);
    }

    /** Lookups made, one per batch. */
    public long lookups() {
        return lookups.get();
    }

    @Override
    public CompletionStage<Map<String, Preferences>> lookup(Collection<String> userIds) {
        lookups.incrementAndGet();
        return faults.call(() -> {
            Map<String, Preferences> found = new HashMap<>();
            for (String userId : userIds) {
                Preferences preferences = byUser.get(userId);
                if (preferences != null) {
                    found.put(userId, preferences);
                }
            }
            return found;
        });
    }
}
