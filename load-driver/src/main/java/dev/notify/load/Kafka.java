package dev.notify.load;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The driver's Kafka plumbing: producer settings, and the group's committed and end offsets read by an admin client. */
final class Kafka {

    private Kafka() {
    }

    /** The producer of the produce ceiling and of the backlog. */
    static Map<String, Object> producerProperties(String bootstrap) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        return properties;
    }

    /** Committed offsets of {@code group} and end offsets of {@code topic}, summed over its partitions. */
    record Offsets(long committed, long end) {
        long lag() {
            return end - committed;
        }
    }

    static Offsets offsets(Admin admin, String group, String topic, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(request).all()
                .get(5, TimeUnit.SECONDS);
        long done = 0;
        long end = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> entry : ends.entrySet()) {
            end += entry.getValue().offset();
            OffsetAndMetadata offset = committed.get(entry.getKey());
            done += offset == null ? 0 : offset.offset();
        }
        return new Offsets(done, end);
    }

    /** Whether {@code members} workers are in the group and every partition is assigned. */
    static boolean groupReady(Admin admin, String group, int members, int partitions) {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                    .get(5, TimeUnit.SECONDS).get(group);
            int assigned = description.members().stream()
                    .mapToInt(member -> member.assignment().topicPartitions().size()).sum();
            return description.members().size() == members && assigned == partitions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
