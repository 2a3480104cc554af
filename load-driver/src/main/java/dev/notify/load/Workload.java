package dev.notify.load;

import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import dev.notify.kafka.NotificationRecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The notifications the driver sends: APNs only (the sandbox APNs server accepts them all), each with its own id, so
 * the dedup guard never skips one, a well-formed 64-hex-digit device token and a payload the size of a real one.
 */
final class Workload {

    private static final int USERS = 200_000;

    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final NotificationRecordCodec codec = new NotificationRecordCodec();
    private final Instant createdAt = Instant.now();

    /** The {@code index}-th notification of the run (the same index gives the same notification). */
    NotificationRequest request(long index) {
        SplittableRandom random = new SplittableRandom(index * 0x9E3779B97F4A7C15L);
        StringBuilder token = new StringBuilder(64);
        for (int i = 0; i < 4; i++) {
            String part = Long.toHexString(random.nextLong());
            token.append("0".repeat(16 - part.length())).append(part);
        }
        return new NotificationRequest(
                runId + "-" + index,
                userId(index),
                Channel.APNS,
                token.toString(),
                "Snapshare",
                "Someone liked your photo #" + index,
                Map.of("deeplink", "app://post/" + random.nextInt(1_000_000)),
                Priority.NORMAL,
                createdAt,
                null,
                null);
    }

    String userId(long index) {
        return String.format("u-%06d", Math.floorMod(index * 7919, USERS));
    }

    /** The Kafka key of the {@code index}-th notification: its user id, as the publisher keys it. */
    byte[] key(long index) {
        return userId(index).getBytes(StandardCharsets.UTF_8);
    }

    /** The record value of the {@code index}-th notification, in the wire format the worker decodes. */
    byte[] value(long index) {
        return codec.encode(request(index));
    }
}
