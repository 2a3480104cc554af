package dev.notify.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingIndexLayoutTest {

    private final PendingIndexLayout hourly = new PendingIndexLayout(Duration.ofHours(1), 8);

    @Test
    void should_number_buckets_from_the_epoch() {
        assertThat(hourly.bucketOf(Instant.EPOCH)).isZero();
        assertThat(hourly.bucketOf(Instant.parse("1970-01-01T00:59:59.999Z"))).isZero();
        assertThat(hourly.bucketOf(Instant.parse("1970-01-01T01:00:00Z"))).isEqualTo(1);
        assertThat(hourly.bucketOf(Instant.parse("2026-12-03T10:30:00Z"))).isEqualTo(498_970L);
        assertThat(hourly.bucketStart(498_970L)).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
    }

    @Test
    void should_put_instants_before_the_epoch_in_negative_buckets() {
        assertThat(hourly.bucketOf(Instant.parse("1969-12-31T23:59:59.999Z"))).isEqualTo(-1);
        assertThat(hourly.bucketStart(-1)).isEqualTo(Instant.parse("1969-12-31T23:00:00Z"));
    }

    @Test
    void should_shard_by_the_specified_string_hash() {
        // "n-1".hashCode() == 107_154 (fixed by the Java specification): 107154 mod 8 == 2
        assertThat("n-1".hashCode()).isEqualTo(107_154);
        assertThat(hourly.shardOf("n-1")).isEqualTo(2);
        // a negative hash still maps into [0, shards)
        String negative = "polygenelubricants";
        assertThat(negative.hashCode()).isNegative();
        assertThat(hourly.shardOf(negative)).isEqualTo(Math.floorMod(negative.hashCode(), 8)).isBetween(0, 7);
    }

    @Test
    void should_spread_ids_over_all_shards() {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 8_000; i++) {
            counts.merge(hourly.shardOf("notification-" + i), 1, Integer::sum);
        }
        assertThat(counts).hasSize(8);
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(800, 1200));
    }

    @Test
    void should_end_the_scan_at_the_bucket_of_the_last_millisecond_before_the_threshold() {
        assertThat(hourly.lastBucket(Instant.parse("2026-12-03T10:30:00Z"))).isEqualTo(498_970L);
        // a threshold exactly at a bucket start cannot match anything in that bucket
        assertThat(hourly.lastBucket(Instant.parse("2026-12-03T10:00:00Z"))).isEqualTo(498_969L);
    }

    @Test
    void should_start_the_scan_at_the_oldest_bucket_still_alive() {
        Instant now = Instant.parse("2026-12-03T10:30:00Z");
        Instant threshold = now.minus(Duration.ofMinutes(5));
        long first = hourly.firstBucket(now, Duration.ofDays(7), threshold);
        assertThat(first).isEqualTo(498_970L - 168);
        assertThat(hourly.lastBucket(threshold) - first + 1).isEqualTo(169);
    }

    @Test
    void should_never_start_after_the_last_bucket() {
        Instant now = Instant.parse("2026-12-03T10:30:00Z");
        Instant longAgo = now.minus(Duration.ofDays(30));
        assertThat(hourly.firstBucket(now, Duration.ofDays(7), longAgo)).isEqualTo(hourly.lastBucket(longAgo));
    }
}
