package dev.notify.reconcile;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A daily time range, in a zone, in which the reconciler may work: {@code [start, end)} local time, crossing midnight
 * when {@code end} is before {@code start} (22:00 to 06:00). A pass that starts outside the window does nothing; a
 * pass running when the window closes stops at the next item.
 *
 * @param start when the window opens, local time
 * @param end when it closes, local time (exclusive); equal to {@code start} means all day
 * @param zone the zone the times are in
 */
public record OffPeakWindow(LocalTime start, LocalTime end, ZoneId zone) {

    public OffPeakWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(zone, "zone");
    }

    /** Whether {@code instant} falls in the window. */
    public boolean contains(Instant instant) {
        if (start.equals(end)) {
            return true;
        }
        LocalTime local = instant.atZone(zone).toLocalTime();
        if (start.isBefore(end)) {
            return !local.isBefore(start) && local.isBefore(end);
        }
        return !local.isBefore(start) || local.isBefore(end);
    }
}
