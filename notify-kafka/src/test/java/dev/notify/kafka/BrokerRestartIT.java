package dev.notify.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.NotificationRequest;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.core.inmemory.InMemoryStatusStore;
import dev.notify.sandbox.Engines;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker rides out a broker restart (the shared broker is stopped and started again). */
class BrokerRestartIT {

    private final ItKit kit = new ItKit();

    @AfterEach
    void tearDown() {
        kit.close();
        Engines.sharedKafka();
    }

    @Test
    void should_resume_from_committed_offsets_after_the_broker_restarts() throws Exception {
        // Given a worker that has sent and committed a first wave
        String topic = kit.topic("restart", 2);
        String group = ItKit.unique("restart-group");
        List<NotificationRequest> first = ItKit.requests("rs-a", 100);
        kit.publish(topic, first);
        NotificationWorker worker = kit.start(NotificationWorker.create(kit.config(topic, group).build(),
                BatchProcessor.builder().deliveries(kit.deliveries.values()).statusStore(new InMemoryStatusStore())
                        .build()));
        await().atMost(Duration.ofSeconds(30)).until(() -> kit.distinctSent() == 100);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kit.committed(group, topic).values().stream().mapToLong(Long::longValue).sum())
                        .isEqualTo(100));

        // When the broker stops and comes back, and a second wave is published
        kit.kafka.stop();
        kit.kafka.start();
        List<NotificationRequest> second = ItKit.requests("rs-b", 100);
        kit.publish(topic, second);

        // Then the same worker, never restarted, sends the second wave once and commits it; nothing is re-sent
        await().atMost(Duration.ofSeconds(60)).until(() -> kit.distinctSent() == 200);
        Map<TopicPartition, Long> ends = kit.endOffsets(topic, 2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kit.committed(group, topic)).isEqualTo(ends));
        assertThat(kit.duplicateSends()).isZero();
        assertThat(worker.partitionsLost()).isZero();
    }
}
