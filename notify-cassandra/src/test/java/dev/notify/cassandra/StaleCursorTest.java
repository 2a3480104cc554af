package dev.notify.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StaleCursorTest {

    private static final long THRESHOLD = 1_796_292_000_123L;

    @Test
    void should_round_trip_a_cursor_with_a_paging_state() {
        ByteBuffer state = ByteBuffer.wrap("paging-state-bytes".getBytes(StandardCharsets.UTF_8));
        StaleCursor cursor = new StaleCursor(THRESHOLD, 498_970L, 5, state);

        String encoded = cursor.encode();
        StaleCursor decoded = StaleCursor.decode(encoded, THRESHOLD);

        assertThat(encoded).matches("[A-Za-z0-9_-]+");
        assertThat(decoded.bucket()).isEqualTo(498_970L);
        assertThat(decoded.shard()).isEqualTo(5);
        assertThat(decoded.createdBeforeMillis()).isEqualTo(THRESHOLD);
        assertThat(StandardCharsets.UTF_8.decode(decoded.pagingState()).toString()).isEqualTo("paging-state-bytes");
    }

    @Test
    void should_round_trip_a_cursor_at_the_start_of_a_partition() {
        StaleCursor decoded = StaleCursor.decode(new StaleCursor(THRESHOLD, -3, 0, null).encode(), THRESHOLD);

        assertThat(decoded.bucket()).isEqualTo(-3);
        assertThat(decoded.shard()).isZero();
        assertThat(decoded.pagingState()).isNull();
    }

    @Test
    void should_move_shard_by_shard_then_to_the_next_bucket() {
        StaleCursor cursor = new StaleCursor(THRESHOLD, 10, 6, ByteBuffer.wrap(new byte[] {1}));

        StaleCursor next = cursor.nextPartition(8);
        StaleCursor afterNext = next.nextPartition(8);

        assertThat(next).isEqualTo(new StaleCursor(THRESHOLD, 10, 7, null));
        assertThat(afterNext).isEqualTo(new StaleCursor(THRESHOLD, 11, 0, null));
    }

    @Test
    void should_reject_a_cursor_of_another_threshold() {
        String encoded = new StaleCursor(THRESHOLD, 1, 1, null).encode();

        assertThatThrownBy(() -> StaleCursor.decode(encoded, THRESHOLD + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belongs to a scan of PENDING created before");
    }

    @Test
    void should_reject_malformed_cursors() {
        String valid = new StaleCursor(THRESHOLD, 1, 1, ByteBuffer.wrap(new byte[] {1, 2, 3})).encode();

        for (String bad : new String[] {"", "not base64!", valid.substring(0, valid.length() - 3), valid + "AAAA"}) {
            assertThatThrownBy(() -> StaleCursor.decode(bad, THRESHOLD))
                    .as("cursor '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cursor");
        }
    }
}
