package dev.notify.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @TempDir
    Path folder;

    @Test
    void should_refuse_an_unknown_key_naming_it_and_the_likely_one() throws Exception {
        Path file = folder.resolve("notify.properties");
        Files.writeString(file, "kafka.bootstrap.server=localhost:9092\n");

        assertThatThrownBy(() -> Config.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'kafka.bootstrap.server'")
                .hasMessageContaining("did you mean 'kafka.bootstrap.servers'");
    }

    @Test
    void should_refuse_a_bad_value_naming_the_key() {
        assertThatThrownBy(() -> Config.load(null, Map.of(), Map.of("kafka.max.poll.records", "lots")))
                .hasMessageContaining("'kafka.max.poll.records'").hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> Config.load(null, Map.of(), Map.of("status.write.timeout", "soon")))
                .hasMessageContaining("'status.write.timeout'");
        assertThatThrownBy(() -> Config.load(null, Map.of(), Map.of("worker.offset.policy", "sometimes")))
                .hasMessageContaining("'worker.offset.policy'").hasMessageContaining("commit");
    }

    @Test
    void should_name_a_missing_required_key_and_its_environment_variable() {
        Config config = Config.load(null, Map.of(), Map.of());

        assertThatThrownBy(() -> config.get(Keys.KAFKA_BOOTSTRAP_SERVERS))
                .hasMessageContaining("'kafka.bootstrap.servers'")
                .hasMessageContaining("NOTIFY_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void should_let_the_environment_override_the_file_and_the_command_line_override_both() throws Exception {
        Path file = folder.resolve("notify.properties");
        Files.writeString(file, "kafka.topics=from-file\nkafka.group.id=file-group\nstatus.write.timeout=750ms\n");

        Config config = Config.load(file, Map.of("NOTIFY_KAFKA_TOPICS", "a, b"), Map.of("kafka.group.id", "cli"));

        assertThat(config.get(Keys.KAFKA_TOPICS)).containsExactly("a", "b");
        assertThat(config.get(Keys.KAFKA_GROUP_ID)).isEqualTo("cli");
        assertThat(config.get(Keys.STATUS_WRITE_TIMEOUT)).isEqualTo(Duration.ofMillis(750));
        assertThat(config.get(Keys.KAFKA_MAX_POLL_RECORDS)).isEqualTo(500);
    }

    @Test
    void should_read_a_secret_from_a_file_and_never_describe_it() throws Exception {
        Path secret = folder.resolve("token");
        Files.writeString(secret, "tw-secret-1234\n");

        Config config = Config.load(null, Map.of("NOTIFY_TWILIO_AUTH_TOKEN_FILE", secret.toString()),
                Map.of("sendgrid.api.key", "SG.secret-5678"));

        assertThat(config.get(Keys.TWILIO_AUTH_TOKEN)).isEqualTo("tw-secret-1234");
        assertThat(config.describe()).doesNotContain("tw-secret-1234").doesNotContain("SG.secret-5678")
                .contains("twilio.auth.token = (set, hidden)");
    }

    @Test
    void should_pass_client_settings_through_by_prefix() {
        Config config = Config.load(null, Map.of("NOTIFY_KAFKA_CONSUMER_SECURITY_PROTOCOL", "SSL", "NOTIFY_KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512"),
                Map.of("kafka.producer.sasl.mechanism", "PLAIN"));

        assertThat(config.withPrefix("kafka.consumer.")).containsEntry("security.protocol", "SSL");
        assertThat(config.withPrefix("kafka.producer.")).containsEntry("sasl.mechanism", "PLAIN");
        assertThat(config.withPrefix("kafka.client.")).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void every_key_is_documented_in_the_readme() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        List<String> missing = Keys.ALL.stream().map(Key::name).filter(name -> !text.contains("`" + name + "`"))
                .toList();
        assertThat(missing).as("keys missing from README.md (regenerate the table with `notify keys`)").isEmpty();
    }

    @Test
    void should_mask_a_password_carried_in_a_uri() {
        Config config = Config.load(null, Map.of(), Map.of("redis.uri", "rediss://:RedisPw999@cache:6380"));

        assertThat(config.describe()).contains("redis.uri = rediss://****@cache:6380").doesNotContain("RedisPw999");
    }
}
