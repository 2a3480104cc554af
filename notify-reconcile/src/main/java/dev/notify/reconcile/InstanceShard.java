package dev.notify.reconcile;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which notification ids one reconciler instance owns when several run: the id space is split by a stable hash
 * (CRC-32 of the id's UTF-8 bytes) modulo {@code count}, and instance {@code index} handles the ids whose hash falls on
 * it. Every instance reads every stale page and the whole journal but acts only on its own ids, so no two instances
 * query or write the same notification. The hash does not depend on the JVM or on Kafka's partitioning.
 *
 * <p>Changing {@code count} moves ids between instances; an id moved to another instance may be queried once more
 * there (its checkpoint stayed with the old instance). Run one instance per index; two instances with the same index
 * do the same work.
 *
 * @param index this instance's index, {@code 0 <= index < count}
 * @param count how many instances share the work
 */
public record InstanceShard(int index, int count) {

    /** A single instance that owns every id. */
    public static final InstanceShard ALL = new InstanceShard(0, 1);

    public InstanceShard {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("index must be in [0, " + count + "), was " + index);
        }
    }

    /** Whether this instance handles {@code notificationId}. */
    public boolean owns(String notificationId) {
        return count == 1 || bucketOf(notificationId, count) == index;
    }

    /** The instance index that owns {@code notificationId} among {@code count} instances. */
    public static int bucketOf(String notificationId, int count) {
        CRC32 crc = new CRC32();
        crc.update(notificationId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }
}
