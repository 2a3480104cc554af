package dev.notify.core;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * A daily window, in the user's time zone, in which the user does not want to be disturbed. A window whose end is
 * before its start spans midnight (22:00 to 07:00).
 *
 * @param start first minute of the window, inclusive
 * @param end end of the window, exclusive
 * @param zone the user's time zone
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {

    public QuietHours {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(zone, "zone");
    }

    /** Whether {@code instant} falls inside the window. */
    public boolean contains(Instant instant) {
        LocalTime local = instant.atZone(zone).toLocalTime();
        if (start.equals(end)) {
            return false;
        }
        if (start.isBefore(end)) {
            return !local.isBefore(start) && local.isBefore(end);
        }
        return !local.isBefore(start) || local.isBefore(end);
    }

    /** The end of the window that contains {@code instant}; {@code instant} itself if it is outside. */
    public Instant endAfter(Instant instant) {
        if (!contains(instant)) {
            return instant;
        }
        ZonedDateTime local = instant.atZone(zone);
        ZonedDateTime endToday = local.with(end);
        return (endToday.isAfter(local) ? endToday : endToday.plusDays(1)).toInstant();
    }
}
