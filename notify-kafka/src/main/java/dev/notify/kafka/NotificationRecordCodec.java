package dev.notify.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the JSON record format of a notification request (version 1), described in RECORD-FORMAT.md.
 *
 * <p>{@link #decode(byte[])} never throws: whatever the bytes, it answers a {@link DecodeResult.Valid} or a
 * {@link DecodeResult.Invalid} with a reason and whatever could be read of the id, user, channel and creation time
 * (also from truncated JSON). Unknown fields are ignored. Thread-safe.
 */
public final class NotificationRecordCodec {

    /** The only version of the format: 1. */
    public static final int VERSION = 1;
    /** Largest record accepted: 64 KiB. */
    public static final int MAX_RECORD_BYTES = 64 * 1024;
    /** Longest id, in characters: 64. */
    public static final int MAX_ID_LENGTH = 64;
    /** Longest user id, in characters: 128. */
    public static final int MAX_USER_ID_LENGTH = 128;
    /** Longest recipient, in characters: 512. */
    public static final int MAX_RECIPIENT_LENGTH = 512;
    /** Largest title, in UTF-8 bytes: 1 KiB. */
    public static final int MAX_TITLE_BYTES = 1024;
    /** Largest body, in UTF-8 bytes: 4 KiB. */
    public static final int MAX_BODY_BYTES = 4 * 1024;
    /** Most entries in {@code data}: 32. */
    public static final int MAX_DATA_ENTRIES = 32;
    /** Largest {@code data}, keys and values together, in UTF-8 bytes: 4 KiB. */
    public static final int MAX_DATA_BYTES = 4 * 1024;
    /** Longest collapse key, in UTF-8 bytes: 64 (the APNs limit of apns-collapse-id). */
    public static final int MAX_COLLAPSE_KEY_BYTES = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Decodes one record's value; never throws. */
    public DecodeResult decode(byte[] bytes) {
        try {
            return decodeChecked(bytes);
        } catch (RuntimeException unexpected) {
            return new DecodeResult.Invalid("internal-error:" + unexpected.getClass().getSimpleName(),
                    null, null, null, null);
        }
    }

    private DecodeResult decodeChecked(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return invalid("empty", null);
        }
        if (bytes.length > MAX_RECORD_BYTES) {
            return invalid("record-too-large:" + bytes.length + ">" + MAX_RECORD_BYTES, salvage(bytes));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return invalid("not-utf8", null);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            return invalid(text.isBlank() ? "empty" : "not-json", salvage(bytes));
        }
        if (root == null || !root.isObject()) {
            return invalid("not-an-object", null);
        }
        return fromTree(root);
    }

    private static DecodeResult fromTree(JsonNode root) {
        Partial seen = new Partial();
        // Read the identifying fields first, so that any later reason carries them.
        JsonNode idNode = root.get("id");
        if (idNode != null && idNode.isTextual() && !idNode.asText().isEmpty()
                && idNode.asText().length() <= MAX_ID_LENGTH) {
            seen.id = idNode.asText();
        }
        JsonNode userNode = root.get("userId");
        if (userNode != null && userNode.isTextual()) {
            seen.userId = userNode.asText();
        }
        JsonNode channelNode = root.get("channel");
        if (channelNode != null && channelNode.isTextual()) {
            seen.channel = Channel.parseOrNull(channelNode.asText());
        }
        JsonNode createdNode = root.get("createdAt");
        if (createdNode != null && createdNode.isTextual()) {
            seen.createdAt = instantOrNull(createdNode.asText());
        }

        JsonNode version = root.get("v");
        if (version == null || version.isNull()) {
            return invalid("missing-field:v", seen);
        }
        if (!version.isInt() || version.intValue() != VERSION) {
            return invalid("unsupported-version:" + version, seen);
        }
        if (idNode == null || idNode.isNull()) {
            return invalid("missing-field:id", seen);
        }
        if (!idNode.isTextual() || idNode.asText().isEmpty()) {
            return invalid("bad-field:id", seen);
        }
        if (idNode.asText().length() > MAX_ID_LENGTH) {
            return invalid("too-long:id", seen);
        }
        String userId = requiredText(root, "userId", MAX_USER_ID_LENGTH, seen);
        if (userId == null) {
            return seen.failure;
        }
        if (channelNode == null || channelNode.isNull()) {
            return invalid("missing-field:channel", seen);
        }
        if (!channelNode.isTextual() || seen.channel == null) {
            return invalid("unknown-channel:" + abbreviate(channelNode.isTextual() ? channelNode.asText()
                    : channelNode.toString()), seen);
        }
        String recipient = requiredText(root, "to", MAX_RECIPIENT_LENGTH, seen);
        if (recipient == null) {
            return seen.failure;
        }
        if (createdNode == null || createdNode.isNull()) {
            return invalid("missing-field:createdAt", seen);
        }
        if (seen.createdAt == null) {
            return invalid("bad-field:createdAt", seen);
        }
        Instant expiresAt = null;
        JsonNode expiresNode = root.get("expiresAt");
        if (expiresNode != null && !expiresNode.isNull()) {
            expiresAt = expiresNode.isTextual() ? instantOrNull(expiresNode.asText()) : null;
            if (expiresAt == null) {
                return invalid("bad-field:expiresAt", seen);
            }
        }
        Priority priority = Priority.NORMAL;
        JsonNode priorityNode = root.get("priority");
        if (priorityNode != null && !priorityNode.isNull()) {
            priority = priorityNode.isTextual() ? priorityOrNull(priorityNode.asText()) : null;
            if (priority == null) {
                return invalid("bad-field:priority", seen);
            }
        }
        String title = optionalText(root, "title", MAX_TITLE_BYTES, seen);
        if (seen.failure != null) {
            return seen.failure;
        }
        String body = optionalText(root, "body", MAX_BODY_BYTES, seen);
        if (seen.failure != null) {
            return seen.failure;
        }
        String collapseKey = optionalText(root, "collapseKey", MAX_COLLAPSE_KEY_BYTES, seen);
        if (seen.failure != null) {
            return seen.failure;
        }
        Map<String, String> data = data(root.get("data"), seen);
        if (seen.failure != null) {
            return seen.failure;
        }
        return new DecodeResult.Valid(new NotificationRequest(seen.id, userId, seen.channel, recipient,
                title, body, data, priority, seen.createdAt, expiresAt,
                collapseKey == null || collapseKey.isEmpty() ? null : collapseKey));
    }

    private static String requiredText(JsonNode root, String field, int maxLength, Partial seen) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            seen.failure = invalid("missing-field:" + field, seen);
            return null;
        }
        if (!node.isTextual()) {
            seen.failure = invalid("bad-field:" + field, seen);
            return null;
        }
        if (node.asText().length() > maxLength) {
            seen.failure = invalid("too-long:" + field, seen);
            return null;
        }
        return node.asText();
    }

    private static String optionalText(JsonNode root, String field, int maxBytes, Partial seen) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            seen.failure = invalid("bad-field:" + field, seen);
            return null;
        }
        String text = node.asText();
        if (utf8Length(text) > maxBytes) {
            seen.failure = invalid("too-long:" + field, seen);
            return null;
        }
        return text;
    }

    private static Map<String, String> data(JsonNode node, Partial seen) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            seen.failure = invalid("bad-field:data", seen);
            return null;
        }
        if (node.size() > MAX_DATA_ENTRIES) {
            seen.failure = invalid("too-long:data", seen);
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>();
        int bytes = 0;
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                seen.failure = invalid("bad-field:data." + abbreviate(entry.getKey()), seen);
                return null;
            }
            bytes += utf8Length(entry.getKey()) + utf8Length(entry.getValue().asText());
            data.put(entry.getKey(), entry.getValue().asText());
        }
        if (bytes > MAX_DATA_BYTES) {
            seen.failure = invalid("too-long:data", seen);
            return null;
        }
        return data;
    }

    /** Reads the identifying top-level fields of a record that is not valid JSON, as far as it goes. */
    private static Partial salvage(byte[] bytes) {
        Partial seen = new Partial();
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return seen;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                if (value != JsonToken.VALUE_STRING) {
                    continue;
                }
                String text = parser.getText();
                switch (name) {
                    case "id" -> seen.id = text.isEmpty() || text.length() > MAX_ID_LENGTH ? null : text;
                    case "userId" -> seen.userId = text;
                    case "channel" -> seen.channel = Channel.parseOrNull(text);
                    case "createdAt" -> seen.createdAt = instantOrNull(text);
                    default -> { }
                }
            }
            if (token == null) {
                return seen;
            }
        } catch (IOException | RuntimeException e) {
            // Truncated or broken: keep what was read before the break.
        }
        return seen;
    }

    /** Encodes {@code request} in the record format; the output always decodes back to an equal request. */
    public byte[] encode(NotificationRequest request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + request.body().length() * 2);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("v", VERSION);
            json.writeStringField("id", request.id());
            json.writeStringField("userId", request.userId());
            json.writeStringField("channel", request.channel().name());
            json.writeStringField("priority", request.priority().name());
            json.writeStringField("createdAt", request.createdAt().toString());
            if (request.expiresAt() != null) {
                json.writeStringField("expiresAt", request.expiresAt().toString());
            }
            json.writeStringField("to", request.recipient());
            json.writeStringField("title", request.title());
            json.writeStringField("body", request.body());
            if (!request.data().isEmpty()) {
                json.writeObjectFieldStart("data");
                for (Map.Entry<String, String> entry : request.data().entrySet()) {
                    json.writeStringField(entry.getKey(), entry.getValue());
                }
                json.writeEndObject();
            }
            if (request.collapseKey() != null) {
                json.writeStringField("collapseKey", request.collapseKey());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Instant instantOrNull(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Priority priorityOrNull(String text) {
        for (Priority priority : Priority.values()) {
            if (priority.name().equals(text)) {
                return priority;
            }
        }
        return null;
    }

    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String abbreviate(String text) {
        return text.length() <= 32 ? text : text.substring(0, 32) + "...";
    }

    private static DecodeResult.Invalid invalid(String reason, Partial seen) {
        return seen == null
                ? new DecodeResult.Invalid(reason, null, null, null, null)
                : new DecodeResult.Invalid(reason, seen.id, seen.userId, seen.channel, seen.createdAt);
    }

    /** What could be read of a record so far. */
    private static final class Partial {
        String id;
        String userId;
        Channel channel;
        Instant createdAt;
        DecodeResult failure;
    }
}
