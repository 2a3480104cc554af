package dev.notify.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job, as the README runs it, at a smaller scale: the packaged jar's {@code demo} on real engines with a
 * Cassandra outage, under each offset policy.
 */
class DemoIT {

    @TempDir
    Path folder;

    private JsonNode demo(String... options) throws Exception {
        Path report = folder.resolve("report.json");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "notify-worker-app.jar").toString(), "demo",
                "--notifications", "1500", "--outage-seconds", "5", "--healthy-seconds", "5",
                "--report", report.toString(), "--timeline", folder.resolve("timeline.html").toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(folder.resolve("demo.log").toFile()).start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("demo finished").isTrue();
        String log = Files.readString(folder.resolve("demo.log"), StandardCharsets.UTF_8);
        assertThat(report).as(log).exists();
        assertThat(Files.readString(folder.resolve("timeline.html"))).contains("<svg");
        JsonNode result = new ObjectMapper().readTree(report.toFile());
        result = ((com.fasterxml.jackson.databind.node.ObjectNode) result).put("exit_code", process.exitValue());
        return result;
    }

    @Test
    void should_deliver_through_a_cassandra_outage_without_duplicates_losses_or_pending_statuses() throws Exception {
        JsonNode report = demo();

        assertThat(report.get("notifications").asLong()).isEqualTo(1500);
        assertThat(report.get("duplicate_sends").asLong()).isZero();
        assertThat(report.get("lost").asLong()).isZero();
        assertThat(report.get("pending_after_reconcile").asLong()).isZero();
        assertThat(report.get("bad_records").asLong()).isEqualTo(15);
        assertThat(report.get("dead_lettered").asLong()).isEqualTo(15);
        assertThat(report.get("failed_status_writes").asLong()).as("the outage was felt").isPositive();
        assertThat(report.get("reconciled").asLong()).isPositive();
        assertThat(report.get("status_counts").get("DELIVERED").asLong()).isPositive();
        assertThat(report.get("status_counts").get("PENDING").asLong()).isZero();
        assertThat(report.get("exit_code").asInt()).isZero();
    }

    @Test
    void should_show_duplicate_sends_under_the_replay_policy() throws Exception {
        JsonNode report = demo("--offset-policy", "replay");

        assertThat(report.get("offset_policy").asText()).isEqualTo("replay");
        assertThat(report.get("dedup").asBoolean()).isFalse();
        assertThat(report.get("duplicate_sends").asLong()).isPositive();
        assertThat(report.get("lost").asLong()).isZero();
    }
}
