package dev.notify.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.Channel;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ReconcilerConfigTest {

    @Test
    void should_hold_the_documented_defaults() {
        ReconcilerConfig config = ReconcilerConfig.ofDefaults();

        assertThat(config.staleAfter()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.staleAfter(Channel.SMS)).isEqualTo(Duration.ofHours(4));
        assertThat(config.staleAfter(Channel.EMAIL)).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.shortestStaleAfter()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.queriesPerSecond()).isEqualTo(100.0);
        assertThat(config.failUnresolvedAfter()).isEqualTo(Duration.ofDays(3));
        assertThat(config.shard()).isEqualTo(InstanceShard.ALL);
        assertThat(config.toString()).contains("queriesPerSecond=100.0", "staleAfter=PT10M");
    }

    @Test
    void should_reject_bad_values_naming_the_field() {
        assertThatThrownBy(() -> ReconcilerConfig.custom().queriesPerSecond(0))
                .hasMessageContaining("queriesPerSecond");
        assertThatThrownBy(() -> ReconcilerConfig.custom().staleAfter(Duration.ZERO))
                .hasMessageContaining("staleAfter");
        assertThatThrownBy(() -> ReconcilerConfig.custom().liveLoad(10, 5).build())
                .hasMessageContaining("stopAt");
        assertThatThrownBy(() -> ReconcilerConfig.custom().failUnresolvedAfter(Duration.ofHours(1)).build())
                .hasMessageContaining("failUnresolvedAfter");
        assertThatThrownBy(() -> new InstanceShard(3, 3)).hasMessageContaining("index");
    }

    @Test
    void should_slow_down_linearly_between_the_live_load_thresholds() {
        ReconcilerConfig config = ReconcilerConfig.custom().liveLoad(100, 300).build();

        assertThat(config.rateFactor(50)).isEqualTo(1.0);
        assertThat(config.rateFactor(200)).isEqualTo(0.5);
        assertThat(config.rateFactor(300)).isZero();
        assertThat(config.rateFactor(Double.NaN)).isEqualTo(1.0);
        assertThat(ReconcilerConfig.ofDefaults().rateFactor(1e12)).isEqualTo(1.0);
    }

    @Test
    void should_tell_whether_an_instant_is_in_the_off_peak_window() {
        OffPeakWindow night = new OffPeakWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneId.of("Europe/Paris"));

        assertThat(night.contains(Instant.parse("2026-12-03T21:30:00Z"))).isTrue(); // 22:30 in Paris
        assertThat(night.contains(Instant.parse("2026-12-03T04:59:00Z"))).isTrue(); // 05:59
        assertThat(night.contains(Instant.parse("2026-12-03T05:00:00Z"))).isFalse(); // 06:00
        assertThat(night.contains(Instant.parse("2026-12-03T12:00:00Z"))).isFalse();
    }

    @Test
    void should_spread_ids_evenly_and_stably_over_instances() {
        int[] counts = new int[4];
        for (int i = 0; i < 4_000; i++) {
            counts[InstanceShard.bucketOf("notification-" + i, 4)]++;
        }

        for (int count : counts) {
            assertThat(count).isBetween(850, 1_150);
        }
        assertThat(InstanceShard.bucketOf("abc", 7)).isEqualTo(InstanceShard.bucketOf("abc", 7));
        assertThat(new InstanceShard(InstanceShard.bucketOf("abc", 7), 7).owns("abc")).isTrue();
    }
}
