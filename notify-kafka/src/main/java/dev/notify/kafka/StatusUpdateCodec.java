package dev.notify.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.StatusUpdate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The JSON form of a {@link StatusUpdate} in the delivery-journal topic (version 1), described in RECORD-FORMAT.md.
 * Statuses and channels are written by name and by their stored code. Thread-safe.
 */
public final class StatusUpdateCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Encodes {@code update}. */
    public byte[] encode(StatusUpdate update) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("v", 1);
            json.writeStringField("id", update.notificationId());
            json.writeStringField("userId", update.userId());
            if (update.channel() != null) {
                json.writeStringField("channel", update.channel().name());
            }
            json.writeStringField("status", update.status().name());
            json.writeNumberField("statusCode", update.status().code());
            if (update.reason() != null) {
                json.writeStringField("reason", update.reason());
            }
            if (update.providerMessageId() != null) {
                json.writeStringField("providerMessageId", update.providerMessageId());
            }
            json.writeStringField("createdAt", update.createdAt().toString());
            json.writeStringField("eventTime", update.eventTime().toString());
            json.writeNumberField("attempts", update.attempts());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a journal entry.
     *
     * @throws IllegalArgumentException when {@code bytes} are not a journal entry of version 1
     */
    public StatusUpdate decode(byte[] bytes) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("v").asInt(0) != 1) {
            throw new IllegalArgumentException("not a journal entry of version 1");
        }
        try {
            DeliveryStatus status = root.has("statusCode")
                    ? DeliveryStatus.fromCode(root.get("statusCode").asInt())
                    : DeliveryStatus.valueOf(text(root, "status"));
            return new StatusUpdate(text(root, "id"), textOrNull(root, "userId"),
                    Channel.parseOrNull(textOrNull(root, "channel")), status, textOrNull(root, "reason"),
                    textOrNull(root, "providerMessageId"), Instant.parse(text(root, "createdAt")),
                    Instant.parse(text(root, "eventTime")), root.path("attempts").asInt(0));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad journal entry: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String field) {
        String value = textOrNull(root, field);
        if (value == null) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value;
    }

    private static String textOrNull(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
