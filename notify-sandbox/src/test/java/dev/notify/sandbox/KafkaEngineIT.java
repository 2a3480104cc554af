package dev.notify.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithEngines
class KafkaEngineIT {

    private static final int RECORDS = 10_000;

    @Test
    void should_deliver_ten_thousand_records_with_their_keys(KafkaEngine kafka) throws Exception {
        // Given
        kafka.createTopic("sandbox-ten-thousand", 3);
        Set<String> sentKeys = new HashSet<>();

        // When
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(kafka))) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                String key = String.format("key-%05d", i);
                sentKeys.add(key);
                sends.add(producer.send(new ProducerRecord<>("sandbox-ten-thousand", key, "value-" + i)));
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties(kafka, "sandbox-ten-thousand-group", "earliest"))) {
            consumer.subscribe(List.of("sandbox-ten-thousand"));
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= RECORDS;
            });
        }

        // Then
        assertThat(received).hasSize(RECORDS);
        Set<String> receivedKeys = new HashSet<>();
        for (ConsumerRecord<String, String> record : received) {
            assertThat(record.value()).isEqualTo("value-" + Integer.parseInt(record.key().substring("key-".length())));
            receivedKeys.add(record.key());
        }
        assertThat(receivedKeys).isEqualTo(sentKeys);
        assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
    }

    @Test
    void should_time_out_clients_while_stopped_and_resume_from_committed_offsets(KafkaEngine kafka) throws Exception {
        // Given: 100 records consumed and committed
        String topic = "sandbox-outage";
        TopicPartition partition = new TopicPartition(topic, 0);
        kafka.createTopic(topic, 1);
        Properties impatient = producerProperties(kafka);
        impatient.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        impatient.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        impatient.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000");
        impatient.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        KafkaProducer<String, String> producer = new KafkaProducer<>(impatient);
        KafkaConsumer<String, String> first = new KafkaConsumer<>(consumerProperties(kafka, "sandbox-outage-group", "earliest"));
        try {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "before-" + i)).get(10, TimeUnit.SECONDS);
            }
            first.assign(List.of(partition));
            List<ConsumerRecord<String, String>> consumed = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                first.poll(Duration.ofMillis(200)).forEach(consumed::add);
                return consumed.size() >= 100;
            });
            assertThat(consumed).hasSize(100);
            first.commitSync();
            assertThat(first.committed(Set.of(partition)).get(partition).offset()).isEqualTo(100L);

            // When the broker is stopped
            kafka.stop();

            // Then a send fails with a TimeoutException, at the latest after max.block.ms (waiting for metadata,
            // which the disconnect invalidated) plus delivery.timeout.ms (waiting in the buffer)
            long begin = System.nanoTime();
            Throwable failure = catchThrowable(() -> producer.send(new ProducerRecord<>(topic, "lost", "during-outage")).get(30, TimeUnit.SECONDS));
            assertTimedOut(failure);
            assertThat(elapsedMillis(begin)).isBetween(1900L, 2000L + 3000L + 2000L);

            // and a send to a topic without metadata blocks for max.block.ms, then fails
            begin = System.nanoTime();
            Throwable blocked = catchThrowable(() -> producer.send(new ProducerRecord<>("sandbox-never-created", "k", "v")).get());
            long blockedMillis = elapsedMillis(begin);
            assertTimedOut(blocked);
            assertThat(blockedMillis).isBetween(1900L, 2000L + 2000L);

            // and a consumer's poll returns nothing
            assertThat(first.poll(Duration.ofSeconds(1))).isEmpty();

            // When the broker is back on the same log folder
            kafka.start();
            try (KafkaProducer<String, String> after = new KafkaProducer<>(producerProperties(kafka))) {
                for (int i = 0; i < 20; i++) {
                    after.send(new ProducerRecord<>(topic, "key-" + i, "after-" + i)).get(30, TimeUnit.SECONDS);
                }
            }

            // Then a new consumer of the group starts exactly at the committed offset
            try (KafkaConsumer<String, String> second = new KafkaConsumer<>(consumerProperties(kafka, "sandbox-outage-group", "none"))) {
                second.assign(List.of(partition));
                Map<TopicPartition, OffsetAndMetadata> committed = second.committed(Set.of(partition), Duration.ofSeconds(30));
                assertThat(committed.get(partition).offset()).isEqualTo(100L);
                List<ConsumerRecord<String, String>> resumed = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                    second.poll(Duration.ofMillis(200)).forEach(resumed::add);
                    return !resumed.isEmpty();
                });
                assertThat(resumed.get(0).offset()).isEqualTo(committed.get(partition).offset());
                assertThat(resumed.get(0).value()).startsWith("after-").isNotEqualTo("during-outage");
            }
        } finally {
            producer.close(Duration.ZERO);
            first.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    @Test
    void should_refuse_a_topic_without_partitions(KafkaEngine kafka) {
        assertThatThrownBy(() -> kafka.createTopic("sandbox-empty", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** KafkaProducer.send throws a TimeoutException, or hands it back in its future (4.x does the latter). */
    private static void assertTimedOut(Throwable failure) {
        assertThat(failure).satisfiesAnyOf(
                thrown -> assertThat(thrown).isInstanceOf(TimeoutException.class),
                thrown -> assertThat(thrown).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class));
    }

    private static long elapsedMillis(long beginNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beginNanos);
    }

    private static Properties producerProperties(KafkaEngine kafka) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        return properties;
    }

    private static Properties consumerProperties(KafkaEngine kafka, String group, String offsetReset) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return properties;
    }
}
