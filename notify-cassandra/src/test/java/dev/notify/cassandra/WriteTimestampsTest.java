package dev.notify.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.StatusUpdate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WriteTimestampsTest {

    private static final Instant CREATED = Instant.parse("2026-12-03T10:00:00.123Z");
    private static final long CREATED_MICROS = 1_796_292_000_123_000L;

    private static StatusUpdate update(DeliveryStatus status, Instant createdAt, Instant eventTime) {
        return new StatusUpdate("n-1", "u-1", Channel.SMS, status, null, null, createdAt, eventTime, 1);
    }

    @Test
    void should_write_pending_at_its_creation_time_whatever_its_event_time() {
        assertThat(WriteTimestamps.of(update(DeliveryStatus.PENDING, CREATED, CREATED))).isEqualTo(CREATED_MICROS);
        assertThat(WriteTimestamps.of(update(DeliveryStatus.PENDING, CREATED, CREATED.plusSeconds(30))))
                .isEqualTo(CREATED_MICROS);
    }

    @Test
    void should_write_a_final_status_at_its_event_time_in_microseconds() {
        Instant event = Instant.parse("2026-12-03T10:00:05.123456789Z");
        assertThat(WriteTimestamps.of(update(DeliveryStatus.DELIVERED, CREATED, event)))
                .isEqualTo(CREATED_MICROS + 5_000_456L);
    }

    @Test
    void should_write_a_final_status_one_microsecond_after_pending_when_its_event_time_is_not_later() {
        assertThat(WriteTimestamps.of(update(DeliveryStatus.FAILED, CREATED, CREATED))).isEqualTo(CREATED_MICROS + 1);
        assertThat(WriteTimestamps.of(update(DeliveryStatus.EXPIRED, CREATED, CREATED.minusSeconds(60))))
                .isEqualTo(CREATED_MICROS + 1);
    }

    @Test
    void should_always_order_every_final_status_after_pending() {
        for (DeliveryStatus status : DeliveryStatus.values()) {
            if (!status.isFinal()) {
                continue;
            }
            for (long offsetMillis : new long[] {-86_400_000L, -1, 0, 1, 86_400_000L}) {
                StatusUpdate finalUpdate = update(status, CREATED, CREATED.plusMillis(offsetMillis));
                StatusUpdate pending = update(DeliveryStatus.PENDING, CREATED, CREATED.plusMillis(offsetMillis));
                assertThat(WriteTimestamps.of(finalUpdate)).isGreaterThan(WriteTimestamps.of(pending));
            }
        }
    }

    @Test
    void should_take_creation_time_at_millisecond_precision_so_a_rebuilt_update_agrees() {
        Instant precise = CREATED.plusNanos(456_789);
        assertThat(WriteTimestamps.of(update(DeliveryStatus.PENDING, precise, precise))).isEqualTo(CREATED_MICROS);
        assertThat(WriteTimestamps.of(update(DeliveryStatus.DELIVERED, precise, CREATED)))
                .isEqualTo(WriteTimestamps.of(update(DeliveryStatus.DELIVERED, CREATED, CREATED)))
                .isEqualTo(CREATED_MICROS + 1);
    }

    @Test
    void should_order_two_finals_by_event_time() {
        long earlier = WriteTimestamps.of(update(DeliveryStatus.DELIVERED, CREATED, CREATED.plusSeconds(1)));
        long later = WriteTimestamps.of(update(DeliveryStatus.FAILED, CREATED, CREATED.plusSeconds(2)));
        assertThat(later - earlier).isEqualTo(1_000_000L);
    }

    @Test
    void should_give_the_same_timestamp_to_the_same_update_twice() {
        StatusUpdate update = update(DeliveryStatus.SUPPRESSED, CREATED, CREATED.plusMillis(7));
        assertThat(WriteTimestamps.of(update)).isEqualTo(WriteTimestamps.of(update)).isEqualTo(CREATED_MICROS + 7000);
    }
}
