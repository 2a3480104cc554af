package dev.notify.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.DeliveryStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointStoreTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @TempDir
    Path folder;

    @Test
    void should_find_after_reopening_what_was_saved() {
        Path file = folder.resolve("sub/checkpoint.jsonl");
        CheckpointEntry settled = new CheckpointEntry("n-1", DeliveryStatus.FAILED, "twilio:30003\ttab", "SM1",
                NOW.minusSeconds(30), NOW, 1);
        CheckpointEntry unsettled = new CheckpointEntry("n-2", null, null, "SM2", null, NOW, 3);
        try (FileCheckpointStore store = FileCheckpointStore.open(file)) {
            store.save(settled);
            store.save(unsettled);
            store.save(new CheckpointEntry("n-2", DeliveryStatus.DELIVERED, null, "SM2", NOW, NOW, 4));
        }

        try (FileCheckpointStore reopened = FileCheckpointStore.open(file)) {
            assertThat(reopened.find("n-1")).contains(settled);
            assertThat(reopened.find("n-2").orElseThrow().settled()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(reopened.find("n-2").orElseThrow().queries()).isEqualTo(4);
            assertThat(reopened.size()).isEqualTo(2);
        }
    }

    @Test
    void should_skip_a_torn_last_line_and_compact() throws IOException {
        Path file = folder.resolve("checkpoint.jsonl");
        try (FileCheckpointStore store = FileCheckpointStore.open(file)) {
            store.save(new CheckpointEntry("n-1", null, null, null, null, NOW, 1));
            store.save(new CheckpointEntry("n-1", null, null, null, null, NOW, 2));
        }
        Files.writeString(file, "{\"id\":\"n-2\",\"queri", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (FileCheckpointStore reopened = FileCheckpointStore.open(file)) {
            assertThat(reopened.find("n-1").orElseThrow().queries()).isEqualTo(2);
            assertThat(reopened.find("n-2")).isEmpty();
        }
        assertThat(Files.readAllLines(file)).hasSize(1);
    }

    @Test
    void should_drop_entries_older_than_the_retention() {
        Path file = folder.resolve("checkpoint.jsonl");
        ManualTimeSource time = new ManualTimeSource(NOW);
        try (FileCheckpointStore store = FileCheckpointStore.open(file, Duration.ofDays(7), true, time)) {
            store.save(new CheckpointEntry("old", null, null, null, null, NOW.minus(Duration.ofDays(8)), 1));
            store.save(new CheckpointEntry("new", null, null, null, null, NOW.minus(Duration.ofDays(6)), 1));
        }

        try (FileCheckpointStore reopened = FileCheckpointStore.open(file, Duration.ofDays(7), true, time)) {
            assertThat(reopened.find("old")).isEmpty();
            assertThat(reopened.find("new")).isPresent();
        }
    }

    @Test
    void should_keep_the_file_bounded_while_open() throws IOException {
        Path file = folder.resolve("checkpoint.jsonl");
        int saves = FileCheckpointStore.COMPACTION_SLACK + 10;
        try (FileCheckpointStore store = FileCheckpointStore.open(file)) {
            for (int i = 1; i <= saves; i++) {
                store.save(new CheckpointEntry("n-1", null, null, null, null, NOW, i));
            }
            store.save(new CheckpointEntry("n-2", null, null, null, null, NOW, 1));
        }

        assertThat(Files.readAllLines(file).size()).isLessThan(20);
        try (FileCheckpointStore reopened = FileCheckpointStore.open(file)) {
            assertThat(reopened.find("n-1").orElseThrow().queries()).isEqualTo(saves);
            assertThat(reopened.find("n-2")).isPresent();
        }
    }
}
