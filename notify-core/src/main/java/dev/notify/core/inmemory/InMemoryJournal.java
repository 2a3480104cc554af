package dev.notify.core.inmemory;

import dev.notify.core.DeliveryJournal;
import dev.notify.core.StatusUpdate;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A {@link DeliveryJournal} in a queue. */
public final class InMemoryJournal implements DeliveryJournal {

    private final ConcurrentLinkedQueue<StatusUpdate> entries = new ConcurrentLinkedQueue<>();

    @Override
    public void append(StatusUpdate update) {
        entries.add(update);
    }

    /** Every entry appended, in order. */
    public List<StatusUpdate> entries() {
        return List.copyOf(entries);
    }
}
