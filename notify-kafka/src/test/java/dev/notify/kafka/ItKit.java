package dev.notify.kafka;

import static org.awaitility.Awaitility.await;

import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.sandbox.Engines;
import dev.notify.sandbox.KafkaEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Shared plumbing of the integration tests: one broker per test JVM, producers, offsets, workers on threads. */
final class ItKit implements AutoCloseable {

    private static final AtomicInteger NAMES = new AtomicInteger();

    final KafkaEngine kafka = Engines.sharedKafka();
    final NotificationRecordCodec codec = new NotificationRecordCodec();
    final Map<Channel, InMemoryDelivery> deliveries = new EnumMap<>(Channel.class);
    private final List<NotificationWorker> workers = new ArrayList<>();
    private final Admin admin;

    ItKit() {
        for (Channel channel : Channel.values()) {
            deliveries.put(channel, new InMemoryDelivery(channel));
        }
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        admin = Admin.create(properties);
    }

    /** A fresh name for topics and groups, so that tests sharing the broker never meet. */
    static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    }

    String topic(String prefix, int partitions) {
        String topic = unique(prefix);
        kafka.createTopic(topic, partitions);
        return topic;
    }

    static NotificationRequest request(String id, String userId, Channel channel) {
        String recipient = switch (channel) {
            case APNS -> "6f03675a1600a35a099950d836f675cc81e74ef5e8e25d940ed904759531985d";
            case FCM -> "fYgCfrL1spNxnyVmihA_2O76UMFx";
            case SMS -> "+15005550006";
            case EMAIL -> "someone@example.com";
        };
        return new NotificationRequest(id, userId, channel, recipient, "Title", "Body of " + id, Map.of(),
                Priority.NORMAL, Instant.now(), null, null);
    }

    /** {@code count} requests with ids {@code <prefix>-<i>} over every channel and 200 users. */
    static List<NotificationRequest> requests(String prefix, int count) {
        List<NotificationRequest> requests = new ArrayList<>(count);
        Channel[] channels = Channel.values();
        for (int i = 0; i < count; i++) {
            requests.add(request(prefix + "-" + i, "u-" + (i % 200), channels[i % channels.length]));
        }
        return requests;
    }

    void publish(String topic, List<NotificationRequest> requests) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (NotificationRequest request : requests) {
            records.add(new ProducerRecord<>(topic, request.userId().getBytes(), codec.encode(request)));
        }
        send(records);
    }

    void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                sends.add(producer.send(record));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        }
    }

    WorkerConfig.Builder config(String topic, String group) {
        return WorkerConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topics(List.of(topic))
                .groupId(group)
                .clientId(unique(group + "-w"))
                .pollTimeout(Duration.ofMillis(200))
                .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
                .consumerProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    }

    /** Starts {@code worker} on a thread of its own; closed with the kit. */
    NotificationWorker start(NotificationWorker worker) {
        workers.add(worker);
        Thread thread = new Thread(worker, "poll-" + worker.name());
        thread.setDaemon(true);
        thread.start();
        return worker;
    }

    long sendsOf(String id) {
        long sends = 0;
        for (InMemoryDelivery delivery : deliveries.values()) {
            sends += delivery.sendsOf(id);
        }
        return sends;
    }

    long distinctSent() {
        return deliveries.values().stream().mapToLong(InMemoryDelivery::distinctIds).sum();
    }

    long duplicateSends() {
        return deliveries.values().stream().mapToLong(InMemoryDelivery::duplicateSends).sum();
    }

    void behaviour(InMemoryDelivery.Behaviour behaviour) {
        deliveries.values().forEach(delivery -> delivery.behaviour(behaviour));
    }

    Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> entry
                : admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet()) {
            ends.put(entry.getKey(), entry.getValue().offset());
        }
        return ends;
    }

    /** The group's committed offsets in {@code topic}; partitions without a commit are absent. */
    Map<TopicPartition, Long> committed(String group, String topic) throws Exception {
        Map<TopicPartition, Long> committed = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).entrySet()) {
            if (entry.getValue() != null && entry.getKey().topic().equals(topic)) {
                committed.put(entry.getKey(), entry.getValue().offset());
            }
        }
        return committed;
    }

    /** Reads {@code count} records of {@code topic} from the beginning. */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, unique("reader"));
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }

    @Override
    public void close() {
        for (NotificationWorker worker : workers) {
            worker.close();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
