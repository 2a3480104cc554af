package dev.notify.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.DeliveryStatus;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link CheckpointStore}: an append-only file of JSON lines, one per save, held in memory as a map.
 *
 * <p>Durability: each save is written and flushed to the operating system before {@link #save} returns, so it
 * survives the job's process being killed; it survives a power loss only with {@code fsync} on (each save then
 * forces the file to disk, a few milliseconds each on a disk). On open the file is read (the last line of an id
 * wins; a torn last line from a crash is skipped with a warning), entries whose last query is older than
 * {@code retention} are dropped, and the file is rewritten compacted (to a temporary file, then moved over it). The
 * same compaction runs while the store is open whenever the file holds more than twice its live entries plus
 * {@value #COMPACTION_SLACK} lines, so a long-running job's file stays bounded.
 *
 * <p>One file per instance: give each {@link InstanceShard} index its own path. The file lives on the instance's
 * disk; an instance moved to a new host without its file only asks the providers again, once per open id.
 */
public final class FileCheckpointStore implements CheckpointStore {

    /** Default retention of entries: 7 days after their last query. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private static final Logger LOG = LoggerFactory.getLogger(FileCheckpointStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Lines the file may hold beyond twice its live entries before it is rewritten compacted: 100,000. */
    static final int COMPACTION_SLACK = 100_000;

    private final Path path;
    private final boolean fsync;
    private final Duration retention;
    private final TimeSource time;
    private final Map<String, CheckpointEntry> entries = new LinkedHashMap<>();
    private BufferedWriter writer;
    private java.nio.channels.FileChannel channel;
    private long lines;

    private FileCheckpointStore(Path path, Duration retention, boolean fsync, TimeSource time) throws IOException {
        this.path = path;
        this.fsync = fsync;
        this.retention = retention;
        this.time = time;
        load(time.now().minus(retention));
        compact();
        openForAppend();
    }

    private void openForAppend() throws IOException {
        this.channel = java.nio.channels.FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.writer = new BufferedWriter(java.nio.channels.Channels.newWriter(channel, StandardCharsets.UTF_8));
    }

    /** Opens (or creates) the checkpoint at {@code path} with the default retention, flushing without fsync. */
    public static FileCheckpointStore open(Path path) {
        return open(path, DEFAULT_RETENTION, false, TimeSource.system());
    }

    /**
     * Opens (or creates) the checkpoint at {@code path}.
     *
     * @param retention how long after its last query an entry is kept
     * @param fsync whether each save forces the file to disk
     * @param time the time source retention is measured on
     */
    public static FileCheckpointStore open(Path path, Duration retention, boolean fsync, TimeSource time) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(time, "time");
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new FileCheckpointStore(path, retention, fsync, time);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint " + path, e);
        }
    }

    private void load(Instant oldestKept) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        int skipped = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                CheckpointEntry entry = parse(line);
                entries.remove(entry.notificationId());
                if (!entry.queriedAt().isBefore(oldestKept)) {
                    entries.put(entry.notificationId(), entry);
                }
            } catch (JsonProcessingException | RuntimeException e) {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.warn("[checkpoint {}] skipped {} unreadable line(s) (a torn write from a crash is one)", path, skipped);
        }
    }

    private void compact() throws IOException {
        Instant oldestKept = time.now().minus(retention);
        entries.values().removeIf(entry -> entry.queriedAt().isBefore(oldestKept));
        lines = entries.size();
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            for (CheckpointEntry entry : entries.values()) {
                out.write(format(entry));
                out.newLine();
            }
        }
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public synchronized Optional<CheckpointEntry> find(String notificationId) {
        return Optional.ofNullable(entries.get(notificationId));
    }

    @Override
    public synchronized void save(CheckpointEntry entry) {
        try {
            writer.write(format(entry));
            writer.newLine();
            writer.flush();
            if (fsync) {
                channel.force(false);
            }
            entries.put(entry.notificationId(), entry);
            if (++lines > 2L * entries.size() + COMPACTION_SLACK) {
                writer.close();
                compact();
                openForAppend();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + path, e);
        }
    }

    /** Ids held. */
    public synchronized int size() {
        return entries.size();
    }

    /** The file. */
    public Path path() {
        return path;
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            LOG.warn("[checkpoint {}] close failed: {}", path, e.toString());
        }
    }

    static String format(CheckpointEntry entry) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", entry.notificationId());
        if (entry.settled() != null) {
            node.put("status", entry.settled().code());
        }
        if (entry.reason() != null) {
            node.put("reason", entry.reason());
        }
        if (entry.providerMessageId() != null) {
            node.put("providerMessageId", entry.providerMessageId());
        }
        if (entry.eventTime() != null) {
            node.put("eventTime", entry.eventTime().toString());
        }
        node.put("queriedAt", entry.queriedAt().toString());
        node.put("queries", entry.queries());
        return node.toString();
    }

    static CheckpointEntry parse(String line) throws JsonProcessingException {
        JsonNode node = JSON.readTree(line);
        return new CheckpointEntry(
                node.get("id").asText(),
                node.hasNonNull("status") ? DeliveryStatus.fromCode(node.get("status").asInt()) : null,
                node.hasNonNull("reason") ? node.get("reason").asText() : null,
                node.hasNonNull("providerMessageId") ? node.get("providerMessageId").asText() : null,
                node.hasNonNull("eventTime") ? Instant.parse(node.get("eventTime").asText()) : null,
                Instant.parse(node.get("queriedAt").asText()),
                node.get("queries").asInt());
    }

    @Override
    public String toString() {
        return "FileCheckpointStore{path=" + path + ", fsync=" + fsync + "}";
    }
}
