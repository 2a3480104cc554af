package dev.notify.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the delay topic of {@link KafkaDeferredDelivery}: each record is copied to a live topic (key, value and
 * headers, less {@link KafkaDeferredDelivery#NOT_BEFORE}) once its not-before instant has passed, where a
 * {@link NotificationWorker} sends it like any other.
 *
 * <p>Deliberately simple: each partition is first-in, first-out. When the record at the head of a partition is not
 * due, the worker seeks back to it and pauses the partition until it is due; records behind it wait too, even if
 * they are due earlier. That suits lanes whose delays are alike (one retry deferral, quiet hours ending at similar
 * times); a lane with very different delays should use one delay topic per delay. Offsets are committed after the
 * copies are acknowledged, so a crash copies a record twice at worst (the dedup guard stops a second send).
 */
public final class DeferredLaneWorker implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeferredLaneWorker.class);
    private static final Duration MAX_POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final String delayTopic;
    private final String targetTopic;
    private final Clock clock;
    private final Map<TopicPartition, Instant> waiting = new HashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private long forwarded;

    DeferredLaneWorker(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, String delayTopic,
                       String targetTopic, Clock clock) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.delayTopic = Objects.requireNonNull(delayTopic, "delayTopic");
        this.targetTopic = Objects.requireNonNull(targetTopic, "targetTopic");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A lane worker in group {@code groupId} moving due records of {@code delayTopic} to {@code targetTopic}.
     *
     * @param clientProperties extra properties for its consumer and producer (TLS, SASL, ...); may be empty
     */
    public static DeferredLaneWorker create(String bootstrapServers, String delayTopic, String targetTopic,
                                            String groupId, Map<String, ?> clientProperties) {
        Map<String, Object> consumerProperties = new HashMap<>(clientProperties);
        consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProperties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerProperties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        consumerProperties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProperties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumerProperties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Object> producerProperties = new HashMap<>(clientProperties);
        producerProperties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProperties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProperties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producerProperties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties);
        try {
            return new DeferredLaneWorker(consumer, new KafkaProducer<>(producerProperties), delayTopic, targetTopic,
                    Clock.systemUTC());
        } catch (KafkaException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
    }

    /** Records copied to the target topic so far. */
    public synchronized long forwarded() {
        return forwarded;
    }

    /** Partitions paused now because their head record is not due. */
    public synchronized int waitingPartitions() {
        return waiting.size();
    }

    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        try {
            consumer.subscribe(List.of(delayTopic), new Listener());
            while (!closing.get()) {
                runOnce();
            }
        } catch (RuntimeException fatal) {
            log.error("[deferred {}] loop stopped by an unexpected error", delayTopic, fatal);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                log.warn("[deferred {}] consumer did not close cleanly: {}", delayTopic, e.toString());
            }
            producer.close(Duration.ofSeconds(10));
            stopped.countDown();
        }
    }

    /** One turn of the loop: resume what is due, poll, copy what is due, commit. */
    void runOnce() {
        Instant now = clock.instant();
        Duration timeout = MAX_POLL_TIMEOUT;
        synchronized (this) {
            List<TopicPartition> due = new ArrayList<>();
            for (Map.Entry<TopicPartition, Instant> entry : waiting.entrySet()) {
                if (!entry.getValue().isAfter(now)) {
                    due.add(entry.getKey());
                } else {
                    Duration untilDue = Duration.between(now, entry.getValue());
                    timeout = untilDue.compareTo(timeout) < 0 ? untilDue : timeout;
                }
            }
            due.forEach(waiting::remove);
            consumer.resume(due);
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            return;
        }
        if (!records.isEmpty()) {
            forward(records, clock.instant());
        }
    }

    private void forward(ConsumerRecords<byte[], byte[]> records, Instant now) {
        Map<TopicPartition, List<Future<RecordMetadata>>> sends = new HashMap<>();
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> sent = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                Instant notBefore = KafkaDeferredDelivery.notBefore(record.headers());
                if (notBefore != null && notBefore.isAfter(now)) {
                    consumer.seek(partition, record.offset());
                    consumer.pause(List.of(partition));
                    synchronized (this) {
                        waiting.put(partition, notBefore);
                    }
                    break;
                }
                RecordHeaders headers = new RecordHeaders(record.headers().toArray());
                headers.remove(KafkaDeferredDelivery.NOT_BEFORE);
                sends.computeIfAbsent(partition, p -> new ArrayList<>())
                        .add(producer.send(new ProducerRecord<>(targetTopic, null, record.key(), record.value(),
                                headers)));
                sent.computeIfAbsent(partition, p -> new ArrayList<>()).add(record);
            }
        }
        producer.flush();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        boolean failed = false;
        for (Map.Entry<TopicPartition, List<Future<RecordMetadata>>> entry : sends.entrySet()) {
            TopicPartition partition = entry.getKey();
            List<ConsumerRecord<byte[], byte[]>> copied = sent.get(partition);
            for (int i = 0; i < entry.getValue().size(); i++) {
                if (!acknowledged(entry.getValue().get(i))) {
                    consumer.seek(partition, copied.get(i).offset());
                    failed = true;
                    break;
                }
                commits.put(partition, new OffsetAndMetadata(copied.get(i).offset() + 1));
                synchronized (this) {
                    forwarded++;
                }
            }
        }
        if (!commits.isEmpty()) {
            try {
                consumer.commitSync(commits, Duration.ofSeconds(10));
            } catch (KafkaException e) {
                log.warn("[deferred {}] commit failed, records may be copied again: {}", delayTopic, e.toString());
            }
        }
        if (failed) {
            synchronized (this) {
                Instant retryAt = clock.instant().plus(FAILURE_BACKOFF);
                for (TopicPartition partition : sends.keySet()) {
                    consumer.pause(List.of(partition));
                    waiting.merge(partition, retryAt, (a, b) -> a.isAfter(b) ? a : b);
                }
            }
        }
    }

    private boolean acknowledged(Future<RecordMetadata> send) {
        try {
            send.get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("[deferred {}] copy to {} failed, retrying: {}", delayTopic, targetTopic, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the loop and closes the clients; waits up to 30 s for the loop to end. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (started.compareAndSet(false, true)) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            producer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            stopped.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            synchronized (DeferredLaneWorker.this) {
                partitions.forEach(waiting::remove);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }
}
