package dev.notify.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged jar as an operator would: {@code java -jar target/notify-worker-app.jar ...}. */
class PackagedJarIT {

    private static final Path JAR = Path.of("target", "notify-worker-app.jar");

    @TempDir
    Path folder;

    record Run(int exitCode, String output) {
    }

    private Run run(Map<String, String> environment, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("NOTIFY_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    @Test
    void should_refuse_a_broken_configuration_at_start_naming_the_key() throws Exception {
        Path file = folder.resolve("notify.properties");
        Files.writeString(file, "kafka.bootstrap.servers=localhost:9092\ncassandra.contact.points=localhost\n"
                + "status.write.timout=2s\n");

        Run run = run(Map.of(), "worker", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("unknown configuration key 'status.write.timout'")
                .contains("did you mean 'status.write.timeout'");
    }

    @Test
    void should_refuse_a_bad_value_from_the_environment_naming_the_key() throws Exception {
        Run run = run(Map.of("NOTIFY_WORKER_MAX_CONCURRENT_SENDS", "0"), "worker", "--check");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("'worker.max.concurrent.sends'").contains("between 1 and");
    }

    @Test
    void should_keep_every_configured_secret_out_of_the_logs_and_the_help() throws Exception {
        // Given real-looking secrets for every provider, from the environment and from files
        String twilioToken = "tw0k3n-" + Long.toHexString(System.nanoTime());
        String sendGridKey = "SG.s3cr3t-" + Long.toHexString(System.nanoTime());
        String cassandraPassword = "cassandra-pw-" + Long.toHexString(System.nanoTime());
        java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        String apnsKeyBody = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(ec.generateKeyPair().getPrivate().getEncoded());
        Path apnsKey = folder.resolve("AuthKey.p8");
        Files.writeString(apnsKey, "-----BEGIN PRIVATE KEY-----\n" + apnsKeyBody + "\n-----END PRIVATE KEY-----\n");
        Map<String, String> environment = Map.of(
                "NOTIFY_TWILIO_AUTH_TOKEN", twilioToken,
                "NOTIFY_TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef",
                "NOTIFY_TWILIO_FROM", "+15005550006",
                "NOTIFY_SENDGRID_API_KEY", sendGridKey,
                "NOTIFY_SENDGRID_FROM", "notify@example.com",
                "NOTIFY_CASSANDRA_USERNAME", "notify",
                "NOTIFY_CASSANDRA_PASSWORD", cassandraPassword,
                "NOTIFY_APNS_SIGNING_KEY_FILE", apnsKey.toString(),
                "NOTIFY_APNS_TEAM_ID", "TEAM123456",
                "NOTIFY_APNS_KEY_ID", "KEY1234567");

        // When the worker checks its configuration (which logs it and builds every provider client)
        Run check = run(environment, "worker", "--check", "--set", "kafka.bootstrap.servers=localhost:9092",
                "--set", "cassandra.contact.points=localhost:9042", "--set", "apns.topic=com.example.app");
        Run help = run(environment, "worker", "--help");

        // Then it succeeds, and no secret appears anywhere in what it printed
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("configuration OK").contains("twilio.auth.token = (set, hidden)")
                .contains("[APNS, SMS, EMAIL]");
        for (Run run : List.of(check, help)) {
            assertThat(run.output()).doesNotContain(twilioToken).doesNotContain(sendGridKey)
                    .doesNotContain(cassandraPassword).doesNotContain(apnsKeyBody.substring(0, 40));
        }
    }

    @Test
    void should_print_help_for_every_command() throws Exception {
        for (String command : List.of("demo", "worker", "reconcile", "schema", "publish", "keys")) {
            Run run = run(Map.of(), command, "--help");
            assertThat(run.exitCode()).as(command).isZero();
            assertThat(run.output()).as(command).contains("Usage: notify " + command);
        }
    }

    @Test
    void should_fail_the_check_for_a_missing_required_key_or_a_half_configured_provider() throws Exception {
        Run missing = run(Map.of(), "worker", "--check", "--set", "cassandra.contact.points=127.0.0.1:9042");
        Run halfTwilio = run(Map.of("NOTIFY_TWILIO_AUTH_TOKEN", "token-only"), "worker", "--check",
                "--set", "kafka.bootstrap.servers=localhost:9092", "--set", "cassandra.contact.points=localhost");

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.output()).contains("missing required configuration key 'kafka.bootstrap.servers'");
        assertThat(halfTwilio.exitCode()).isEqualTo(2);
        assertThat(halfTwilio.output()).contains("'twilio.account.sid'").doesNotContain("token-only")
                .doesNotContain("\tat ");
    }
}
