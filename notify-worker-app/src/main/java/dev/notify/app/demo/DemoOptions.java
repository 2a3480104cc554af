package dev.notify.app.demo;

import java.nio.file.Path;

/**
 * The demo's options.
 *
 * @param notifications how many to generate when there is no input file
 * @param outageSeconds how long Cassandra stays down before its restart begins
 * @param healthySeconds healthy traffic before the outage, and again after the restart
 * @param offsetPolicy {@code commit} or {@code replay}
 * @param dedup whether the dedup guard is on
 * @param input an NDJSON file to publish instead of generated records; {@code null} for none
 * @param report where the JSON report goes
 * @param timeline where the HTML timeline goes
 * @param workers worker instances (each its own consumer in one group)
 * @param partitions partitions of the notifications topic
 */
public record DemoOptions(int notifications, int outageSeconds, int healthySeconds, String offsetPolicy,
                          boolean dedup, Path input, Path report, Path timeline, int workers, int partitions) {
}
