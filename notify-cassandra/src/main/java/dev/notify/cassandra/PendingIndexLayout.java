package dev.notify.cassandra;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a PENDING index entry lives: partition {@code (bucket, shard)}, where {@code bucket} numbers the time span of
 * {@code bucketSize} holding the creation time (counted from the epoch) and {@code shard} spreads one bucket over a
 * few partitions by a stable hash of the notification id.
 */
final class PendingIndexLayout {

    private final long bucketMillis;
    private final int shards;

    PendingIndexLayout(Duration bucketSize, int shards) {
        this.bucketMillis = bucketSize.toMillis();
        this.shards = shards;
    }

    /** The bucket of a creation time. */
    long bucketOf(Instant createdAt) {
        return Math.floorDiv(createdAt.toEpochMilli(), bucketMillis);
    }

    /** The first instant of {@code bucket}. */
    Instant bucketStart(long bucket) {
        return Instant.ofEpochMilli(Math.multiplyExact(bucket, bucketMillis));
    }

    /**
     * The shard of a notification id: {@link String#hashCode()} (its value is fixed by the Java specification, so it
     * is the same in every JVM and version) modulo the number of shards.
     */
    int shardOf(String notificationId) {
        return Math.floorMod(notificationId.hashCode(), shards);
    }

    int shards() {
        return shards;
    }

    /** The first bucket that can hold entries created before {@code createdBefore} still alive at {@code now}. */
    long firstBucket(Instant now, Duration indexTtl, Instant createdBefore) {
        return Math.min(bucketOf(now.minus(indexTtl)), lastBucket(createdBefore));
    }

    /** The last bucket that can hold an entry created strictly before {@code createdBefore}. */
    long lastBucket(Instant createdBefore) {
        return bucketOf(createdBefore.minusMillis(1));
    }
}
