package dev.notify.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    private static WorkerConfig.Builder minimal() {
        return WorkerConfig.builder().bootstrapServers("localhost:9092").topics(List.of("otp", "bulk"))
                .groupId("workers");
    }

    @Test
    void should_apply_documented_defaults() {
        WorkerConfig config = minimal().build();
        assertThat(config.deadLetterTopic()).isEqualTo("notifications.dead-letter");
        assertThat(config.maxBatchSize()).isEqualTo(500);
        assertThat(config.replayBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.revocationTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.topics()).containsExactly("otp", "bulk");
    }

    @Test
    void should_pass_client_properties_through_and_keep_its_own_keys() {
        WorkerConfig config = minimal().maxBatchSize(50)
                .clientProperty("security.protocol", "SASL_SSL")
                .clientProperty("sasl.mechanism", "SCRAM-SHA-512")
                .consumerProperty("max.poll.interval.ms", 60_000)
                .build();
        Map<String, Object> consumer = NotificationWorker.consumerProperties(config, "c-1");
        assertThat(consumer).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("max.poll.interval.ms", 60_000)
                .containsEntry("enable.auto.commit", false)
                .containsEntry("max.poll.records", 50)
                .containsEntry("group.protocol", "classic")
                .containsEntry("partition.assignment.strategy", CooperativeStickyAssignor.class.getName());
        Map<String, Object> producer = NotificationWorker.deadLetterProducerProperties(config, "c-1");
        assertThat(producer).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .doesNotContainKey("max.poll.interval.ms");
    }

    @Test
    void should_refuse_bad_values_naming_the_field() {
        assertThatThrownBy(() -> minimal().maxBatchSize(0)).hasMessageContaining("maxBatchSize");
        assertThatThrownBy(() -> minimal().replayBackoff(Duration.ofMillis(-1))).hasMessageContaining("replayBackoff");
        assertThatThrownBy(() -> minimal().consumerProperty("enable.auto.commit", true))
                .hasMessageContaining("enable.auto.commit");
        assertThatThrownBy(() -> WorkerConfig.builder().bootstrapServers("x").groupId("g").build())
                .hasMessageContaining("topic");
        assertThatThrownBy(() -> minimal().deadLetterTopic("otp").build()).hasMessageContaining("dead-letter");
    }
}
