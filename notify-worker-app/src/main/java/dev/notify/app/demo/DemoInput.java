package dev.notify.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The records the demo publishes: the lines of an NDJSON file in the record format, or a generated mixed set (about
 * 45% APNS, 30% FCM, 10% SMS, 15% EMAIL, and 1% bad records of every kind the worker must dead-letter).
 */
public final class DemoInput {

    /** One record to publish: its key (the user id, when readable) and its bytes as they are. */
    public record Line(String key, byte[] value) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoInput() {
    }

    /** The lines of {@code file}, blank lines skipped. */
    public static List<Line> read(Path file) throws IOException {
        List<Line> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(new Line(userIdOf(line), line.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return lines;
    }

    private static String userIdOf(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode userId = node == null ? null : node.get("userId");
            return userId != null && userId.isTextual() ? userId.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code count} generated records, the same for the same seed. */
    public static List<Line> generate(int count, long seed) {
        Random random = new Random(seed);
        List<Line> lines = new ArrayList<>(count);
        Instant createdAt = Instant.now();
        for (int i = 0; i < count; i++) {
            String userId = String.format("u-%06d", random.nextInt(200_000));
            if (i % 100 == 37) {
                lines.add(new Line(userId, bad(i / 100, userId, createdAt).getBytes(StandardCharsets.UTF_8)));
                continue;
            }
            int pick = random.nextInt(100);
            String channel = pick < 45 ? "APNS" : pick < 75 ? "FCM" : pick < 85 ? "SMS" : "EMAIL";
            ObjectNode record = JSON.createObjectNode();
            record.put("v", 1);
            record.put("id", new UUID(random.nextLong(), random.nextLong()).toString());
            record.put("userId", userId);
            record.put("channel", channel);
            record.put("priority", random.nextInt(10) == 0 ? "HIGH" : "NORMAL");
            record.put("createdAt", createdAt.toString());
            record.put("to", recipient(channel, random));
            record.put("title", channel.equals("SMS") ? "" : "Snapshare");
            record.put("body", channel.equals("SMS") ? "Your verification code is " + (100_000 + random.nextInt(900_000))
                    : "Someone liked your photo #" + i);
            if (!channel.equals("SMS")) {
                record.putObject("data").put("deeplink", "app://post/" + random.nextInt(1_000_000));
            }
            lines.add(new Line(userId, record.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return lines;
    }

    private static String recipient(String channel, Random random) {
        return switch (channel) {
            case "APNS" -> {
                byte[] token = new byte[32];
                random.nextBytes(token);
                yield HexFormat.of().formatHex(token);
            }
            case "FCM" -> {
                StringBuilder token = new StringBuilder();
                String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                for (int i = 0; i < 140; i++) {
                    token.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                yield token.toString();
            }
            // Ofcom's range for drama (never allocated): valid numbers that reach no one.
            case "SMS" -> "+4479460" + String.format("%05d", random.nextInt(100_000));
            default -> "user" + random.nextInt(1_000_000) + "@example.com";
        };
    }

    private static String bad(int which, String userId, Instant createdAt) {
        String id = UUID.nameUUIDFromBytes(("bad-" + which).getBytes(StandardCharsets.UTF_8)).toString();
        return switch (which % 6) {
            case 0 -> "{\"v\": 1, \"id\": \"" + id + "\", \"userId\": \"" + userId + "\", \"channel\": \"AP";
            case 1 -> "{\"v\": 1, \"id\": \"" + id + "\", \"userId\": \"" + userId + "\", \"channel\": \"PIGEON\", "
                    + "\"to\": \"x\", \"body\": \"b\", \"createdAt\": \"" + createdAt + "\"}";
            case 2 -> "{\"v\": 1, \"id\": \"" + id + "\", \"userId\": \"" + userId + "\", \"channel\": null, "
                    + "\"to\": \"x\", \"body\": \"b\", \"createdAt\": \"" + createdAt + "\"}";
            case 3 -> "{\"v\": 1, \"id\": \"" + id + "\", \"userId\": \"" + userId + "\", \"channel\": \"SMS\", "
                    + "\"body\": \"b\", \"createdAt\": \"" + createdAt + "\"}";
            case 4 -> "{\"v\": 1, \"userId\": \"" + userId + "\", \"channel\": \"EMAIL\", \"to\": \"a@example.com\", "
                    + "\"body\": \"b\", \"createdAt\": \"" + createdAt + "\"}";
            default -> "this is not JSON at all";
        };
    }
}
