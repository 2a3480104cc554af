package dev.notify.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationRecordCodecTest {

    private final NotificationRecordCodec codec = new NotificationRecordCodec();

    /** Finds shared/data/notifications-sample.ndjson from the module (../../shared in the work tree, ../shared in CI). */
    static Path sampleFile() {
        Path module = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(
                module.resolve("../../shared/data/notifications-sample.ndjson"),
                module.resolve("../../../shared/data/notifications-sample.ndjson"),
                module.resolve("../shared/data/notifications-sample.ndjson"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.normalize();
            }
        }
        return null;
    }

    static List<byte[]> sampleLines() throws IOException {
        Path sample = sampleFile();
        assumeTrue(sample != null, "shared/data/notifications-sample.ndjson not found beside the repository");
        byte[] all = Files.readAllBytes(sample);
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                if (i > start) {
                    byte[] line = new byte[i - start];
                    System.arraycopy(all, start, line, 0, line.length);
                    lines.add(line);
                }
                start = i + 1;
            }
        }
        return lines;
    }

    @Test
    void should_decode_every_good_line_of_the_sample_and_flag_every_bad_one() throws IOException {
        List<byte[]> lines = sampleLines();
        // Given the 18 bad lines of the sample (0-based line numbers), found by reading the file independently
        Map<Integer, String> expectedBad = new LinkedHashMap<>();
        for (int line : new int[] {140, 1446, 1481, 1852}) {
            expectedBad.put(line, "unknown-channel:PIGEON");
        }
        for (int line : new int[] {393, 886, 912, 1386}) {
            expectedBad.put(line, "missing-field:channel");
        }
        for (int line : new int[] {403, 781, 791, 968, 1275, 1585, 1841}) {
            expectedBad.put(line, "not-json");
        }
        expectedBad.put(788, "missing-field:to");
        expectedBad.put(818, "missing-field:id");
        expectedBad.put(1895, "missing-field:id");

        // When each line is decoded
        Map<Integer, String> actualBad = new LinkedHashMap<>();
        int valid = 0;
        for (int i = 0; i < lines.size(); i++) {
            DecodeResult result = codec.decode(lines.get(i));
            if (result instanceof DecodeResult.Invalid invalid) {
                actualBad.put(i, invalid.reason());
            } else {
                NotificationRequest request = ((DecodeResult.Valid) result).request();
                assertThat(request.id()).isNotBlank();
                assertThat(request.recipient()).isNotBlank();
                valid++;
            }
        }

        // Then exactly those are flagged, with their reasons, and all others decode
        assertThat(lines).hasSize(2000);
        assertThat(actualBad).containsExactlyInAnyOrderEntriesOf(expectedBad);
        assertThat(valid).isEqualTo(1982);
    }

    @Test
    void should_read_the_id_of_a_truncated_record() throws IOException {
        List<byte[]> lines = sampleLines();
        DecodeResult.Invalid truncated = (DecodeResult.Invalid) codec.decode(lines.get(403));
        assertThat(truncated.reason()).isEqualTo("not-json");
        assertThat(truncated.id()).isEqualTo("2977d8c6-05a3-4da9-b767-d16dc0963935");
        assertThat(truncated.userId()).isEqualTo("u-187708");
        assertThat(truncated.channel()).isEqualTo(Channel.APNS);
    }

    @Test
    void should_decode_all_fields_of_a_sample_line() throws IOException {
        NotificationRequest first = ((DecodeResult.Valid) codec.decode(sampleLines().get(0))).request();
        assertThat(first.id()).isEqualTo("128b2f33-0c5c-4fd0-a6a3-a4506513270e");
        assertThat(first.userId()).isEqualTo("u-140478");
        assertThat(first.channel()).isEqualTo(Channel.APNS);
        assertThat(first.priority()).isEqualTo(Priority.HIGH);
        assertThat(first.createdAt()).isEqualTo(Instant.parse("2026-12-03T09:00:00Z"));
        assertThat(first.title()).isEqualTo("Snapshare");
        assertThat(first.body()).isEqualTo("Élodie a aimé votre publication");
        assertThat(first.data()).containsExactly(Map.entry("deeplink", "app://post/75006691"));
        assertThat(first.collapseKey()).isEqualTo("likes-u-140478");
        assertThat(first.expiresAt()).isNull();
    }

    @Test
    void should_round_trip_through_encode() {
        NotificationRequest request = new NotificationRequest("id-1", "u-1", Channel.EMAIL, "a@example.com",
                "Hello 👋", "Body \"quoted\"\nline", Map.of("k", "v", "ü", "ß"), Priority.HIGH,
                Instant.parse("2026-12-03T09:00:00.123456Z"), Instant.parse("2026-12-04T09:00:00Z"), "c-1");
        DecodeResult decoded = codec.decode(codec.encode(request));
        assertThat(decoded).isEqualTo(new DecodeResult.Valid(request));
    }

    @Test
    void should_ignore_unknown_fields_and_default_the_priority() {
        DecodeResult result = decode("{\"v\":1,\"id\":\"a\",\"userId\":\"u\",\"channel\":\"SMS\",\"to\":\"+15005550006\","
                + "\"body\":\"hi\",\"createdAt\":\"2026-12-03T09:00:00Z\",\"extra\":{\"x\":[1,2]}}");
        assertThat(result).isInstanceOf(DecodeResult.Valid.class);
        assertThat(((DecodeResult.Valid) result).request().priority()).isEqualTo(Priority.NORMAL);
    }

    @Test
    void should_flag_each_kind_of_invalid_record_with_its_reason() {
        String good = "\"v\":1,\"userId\":\"u\",\"channel\":\"FCM\",\"to\":\"tok\",\"createdAt\":\"2026-12-03T09:00:00Z\"";
        assertThat(reason(new byte[0])).isEqualTo("empty");
        assertThat(reason(new byte[] {(byte) 0xC3, (byte) 0x28})).isEqualTo("not-utf8");
        assertThat(reason("[1,2]".getBytes(StandardCharsets.UTF_8))).isEqualTo("not-an-object");
        assertThat(reason("{\"id\":\"a\"} trailing".getBytes(StandardCharsets.UTF_8))).isEqualTo("not-json");
        assertThat(reasonOf("{\"id\":\"" + "x".repeat(65) + "\"," + good + "}")).isEqualTo("too-long:id");
        assertThat(reasonOf("{\"id\":\"\"," + good + "}")).isEqualTo("bad-field:id");
        assertThat(reasonOf("{\"id\":\"a\"," + good.replace("\"v\":1", "\"v\":2") + "}"))
                .isEqualTo("unsupported-version:2");
        assertThat(reasonOf("{\"id\":\"a\"," + good + ",\"body\":\"" + "é".repeat(2049) + "\"}"))
                .isEqualTo("too-long:body");
        assertThat(reasonOf("{\"id\":\"a\"," + good + ",\"data\":{\"n\":1}}")).isEqualTo("bad-field:data.n");
        assertThat(reasonOf("{\"id\":\"a\"," + good + ",\"priority\":\"URGENT\"}")).isEqualTo("bad-field:priority");
        assertThat(reasonOf("{\"id\":\"a\"," + good.replace("2026-12-03T09:00:00Z", "yesterday") + "}"))
                .isEqualTo("bad-field:createdAt");
        byte[] huge = ("{\"id\":\"big\",\"pad\":\"" + "x".repeat(NotificationRecordCodec.MAX_RECORD_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        DecodeResult.Invalid tooLarge = (DecodeResult.Invalid) codec.decode(huge);
        assertThat(tooLarge.reasonCode()).isEqualTo("record-too-large");
        assertThat(tooLarge.id()).isEqualTo("big");
    }

    @Test
    void should_keep_the_readable_fields_of_an_invalid_record() {
        DecodeResult.Invalid invalid = (DecodeResult.Invalid) decode("{\"v\":1,\"id\":\"n-1\",\"userId\":\"u-9\","
                + "\"channel\":null,\"to\":\"x\",\"createdAt\":\"2026-12-03T09:00:00Z\"}");
        assertThat(invalid.reason()).isEqualTo("missing-field:channel");
        assertThat(invalid).isEqualTo(new DecodeResult.Invalid("missing-field:channel", "n-1", "u-9", null,
                Instant.parse("2026-12-03T09:00:00Z")));
    }

    private DecodeResult decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private String reasonOf(String json) {
        return reason(json.getBytes(StandardCharsets.UTF_8));
    }

    private String reason(byte[] bytes) {
        DecodeResult result = codec.decode(bytes);
        assertThat(result).isInstanceOf(DecodeResult.Invalid.class);
        return ((DecodeResult.Invalid) result).reason();
    }
}
