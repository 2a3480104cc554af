package dev.notify.core;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the batch path did with one batch.
 *
 * @param dispositions what was done with each notification, in the order of the batch
 * @param statusWriteFailures how many status writes failed or were refused by the open breaker
 * @param elapsed how long the batch took
 */
public record BatchOutcome(List<Disposition> dispositions, int statusWriteFailures, Duration elapsed) {

    public BatchOutcome {
        dispositions = List.copyOf(dispositions);
    }

    /** The number of notifications in the batch. */
    public int size() {
        return dispositions.size();
    }

    /** Whether the notification at {@code index} needs no further processing. */
    public boolean handled(int index) {
        return dispositions.get(index).handled();
    }

    /** Whether every notification was handled. */
    public boolean allHandled() {
        for (Disposition disposition : dispositions) {
            if (!disposition.handled()) {
                return false;
            }
        }
        return true;
    }

    /** How many notifications ended with each disposition. */
    public Map<Disposition, Integer> counts() {
        Map<Disposition, Integer> counts = new EnumMap<>(Disposition.class);
        for (Disposition disposition : dispositions) {
            counts.merge(disposition, 1, Integer::sum);
        }
        return counts;
    }

    /** How many notifications ended with {@code disposition}. */
    public int count(Disposition disposition) {
        int count = 0;
        for (Disposition each : dispositions) {
            if (each == disposition) {
                count++;
            }
        }
        return count;
    }
}
