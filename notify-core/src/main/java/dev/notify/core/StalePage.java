package dev.notify.core;

import java.util.List;

/**
 * A page of stale PENDING notifications.
 *
 * @param records the notifications in this page
 * @param nextCursor the cursor of the next page, {@code null} when this is the last
 */
public record StalePage(List<StatusRecord> records, String nextCursor) {

    public StalePage {
        records = List.copyOf(records);
    }

    /** Whether another page follows. */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
