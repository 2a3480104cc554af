package dev.notify.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.StatusUpdate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryJournalIndexTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private final ManualTimeSource time = new ManualTimeSource(NOW);

    private static StatusUpdate entry(String id, DeliveryStatus status, Instant at) {
        return new StatusUpdate(id, "u", Channel.APNS, status, null, null, NOW.minus(Duration.ofHours(1)), at, 1);
    }

    @Test
    void should_keep_final_entries_only_and_the_one_a_store_would_keep() {
        InMemoryJournalIndex index = new InMemoryJournalIndex(10, Duration.ofDays(1), time);

        assertThat(index.offer(entry("a", DeliveryStatus.PENDING, NOW.minusSeconds(9)))).isFalse();
        assertThat(index.offer(entry("a", DeliveryStatus.FAILED, NOW.minusSeconds(5)))).isTrue();
        assertThat(index.offer(entry("a", DeliveryStatus.DELIVERED, NOW.minusSeconds(8)))).isFalse();
        assertThat(index.offer(entry("a", DeliveryStatus.FAILED, NOW.minusSeconds(5)))).isFalse();

        assertThat(index.find("a").orElseThrow().status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void should_drop_the_oldest_past_the_cap_and_count_it() {
        InMemoryJournalIndex index = new InMemoryJournalIndex(3, Duration.ofDays(1), time);

        for (int i = 0; i < 5; i++) {
            index.offer(entry("n-" + i, DeliveryStatus.DELIVERED, NOW.minusSeconds(60 - i)));
        }

        assertThat(index.size()).isEqualTo(3);
        assertThat(index.evicted()).isEqualTo(2);
        assertThat(index.find("n-0")).isEmpty();
        assertThat(index.find("n-4")).isPresent();
    }

    @Test
    void should_refuse_and_forget_entries_beyond_the_horizon() {
        InMemoryJournalIndex index = new InMemoryJournalIndex(10, Duration.ofHours(2), time);
        index.offer(entry("old", DeliveryStatus.DELIVERED, NOW.minus(Duration.ofHours(3))));
        index.offer(entry("recent", DeliveryStatus.DELIVERED, NOW.minus(Duration.ofMinutes(90))));

        time.advance(Duration.ofMinutes(45));

        assertThat(index.unconfirmed(time.now())).extracting(StatusUpdate::notificationId).isEmpty();
        assertThat(index.find("old")).isEmpty();
        assertThat(index.size()).isZero();
    }

    @Test
    void should_list_unconfirmed_entries_older_than_given() {
        InMemoryJournalIndex index = new InMemoryJournalIndex(10, Duration.ofDays(1), time);
        index.offer(entry("a", DeliveryStatus.DELIVERED, NOW.minusSeconds(120)));
        index.offer(entry("b", DeliveryStatus.DELIVERED, NOW.minusSeconds(90)));
        index.offer(entry("c", DeliveryStatus.DELIVERED, NOW.minusSeconds(10)));

        index.confirm("a");

        assertThat(index.unconfirmed(NOW.minusSeconds(60))).extracting(StatusUpdate::notificationId)
                .containsExactly("b");
    }
}
