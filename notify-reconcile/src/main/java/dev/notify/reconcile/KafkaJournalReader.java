package dev.notify.reconcile;

import dev.notify.core.StatusUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the delivery journal topic into a {@link JournalIndex}, on a thread of its own.
 *
 * <p>The index is a cache rebuilt at every start: the reader assigns itself every partition of the topic (no consumer
 * group, nothing committed), seeks each to the first record at or after {@code now - horizon} (by Kafka's timestamp
 * index), and reads on from there. It offers the index only the entries of ids its {@link InstanceShard} owns.
 * {@link #caughtUp()} turns true once it has reached the end offsets the partitions had at start; give it to
 * {@link Reconciler.Builder#journalReady} so that no pass queries a provider about something the journal holds.
 *
 * <p>Limits: partitions added to the topic after start are not read until a restart; records older than the horizon
 * are not read; records the decoder refuses are counted ({@link #undecodable()}) and skipped.
 */
public final class KafkaJournalReader implements AutoCloseable {

    /** Default poll timeout: 500 ms. */
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(KafkaJournalReader.class);

    private final String topic;
    private final JournalIndex index;
    private final JournalDecoder decoder;
    private final InstanceShard shard;
    private final Duration horizon;
    private final TimeSource time;
    private final Duration pollTimeout;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private volatile boolean caughtUp;
    private volatile boolean closed;
    private volatile Throwable failure;

    private KafkaJournalReader(Builder builder) {
        this.topic = builder.topic;
        this.index = builder.index;
        this.decoder = builder.decoder;
        this.shard = builder.shard;
        this.horizon = builder.horizon;
        this.time = builder.time;
        this.pollTimeout = builder.pollTimeout;
        Properties properties = new Properties();
        properties.putAll(builder.consumerProperties);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "notify-journal-reader-" + shard.index());
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "notify-journal-reader-" + shard.index());
        this.thread.setDaemon(true);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the reader has reached the end offsets the topic had when it started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Records read. */
    public long recordsRead() {
        return read.get();
    }

    /** Records the decoder refused. */
    public long undecodable() {
        return undecodable.get();
    }

    /** What ended the reader's thread, if it ended on an error. */
    public Throwable failure() {
        return failure;
    }

    private KafkaJournalReader start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            Map<TopicPartition, Long> ends = assignFromHorizon();
            while (!closed) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    take(record);
                }
                if (!caughtUp && reached(ends)) {
                    caughtUp = true;
                    LOG.info("[journal {}] caught up: {} records read, index holds {}", topic, read.get(),
                            index.size());
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.warn("[journal {}] reader stopped: {}", topic, e.toString(), e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private Map<TopicPartition, Long> assignFromHorizon() {
        List<PartitionInfo> infos = List.of();
        while (!closed && infos.isEmpty()) {
            List<PartitionInfo> found = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            infos = found == null ? List.of() : found;
            if (infos.isEmpty()) {
                LOG.info("[journal {}] topic has no partitions yet; waiting", topic);
                try {
                    time.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Map.of();
                }
            }
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        long from = time.now().minus(horizon).toEpochMilli();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, from));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            consumer.seek(partition, start != null ? start.offset() : ends.get(partition));
        }
        LOG.info("[journal {}] reading {} partitions from {}", topic, partitions.size(), Instant.ofEpochMilli(from));
        return ends;
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        read.incrementAndGet();
        if (record.value() == null) {
            return;
        }
        StatusUpdate update;
        try {
            update = decoder.decode(record.value());
        } catch (RuntimeException e) {
            undecodable.incrementAndGet();
            LOG.debug("[journal {}] undecodable record at {}-{}@{}: {}", topic, record.topic(), record.partition(),
                    record.offset(), e.toString());
            return;
        }
        if (update != null && shard.owns(update.notificationId())) {
            index.offer(update);
        }
    }

    /** Stops the reader and closes its consumer (waits up to 5 s for its thread). */
    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configures a {@link KafkaJournalReader}; {@link #start()} starts its thread. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic;
        private JournalIndex index;
        private JournalDecoder decoder;
        private InstanceShard shard = InstanceShard.ALL;
        private Duration horizon = InMemoryJournalIndex.DEFAULT_HORIZON;
        private TimeSource time = TimeSource.system();
        private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
        private final Map<String, Object> consumerProperties = new HashMap<>();

        private Builder() {
        }

        /** The Kafka cluster. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** The journal topic. Required. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** The index to fill. Required. */
        public Builder index(JournalIndex index) {
            this.index = Objects.requireNonNull(index, "index");
            return this;
        }

        /** How to decode a record's value. Required. */
        public Builder decoder(JournalDecoder decoder) {
            this.decoder = Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        /** Which ids to keep. Default {@link InstanceShard#ALL}. */
        public Builder shard(InstanceShard shard) {
            this.shard = Objects.requireNonNull(shard, "shard");
            return this;
        }

        /** How far back to start reading. Default {@link InMemoryJournalIndex#DEFAULT_HORIZON}. */
        public Builder horizon(Duration horizon) {
            Objects.requireNonNull(horizon, "horizon");
            if (horizon.isNegative() || horizon.isZero()) {
                throw new IllegalArgumentException("horizon must be positive, was " + horizon);
            }
            this.horizon = horizon;
            return this;
        }

        /** The time source. Default {@link TimeSource#system()}. */
        public Builder timeSource(TimeSource time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /** Poll timeout. Default {@link #DEFAULT_POLL_TIMEOUT}. */
        public Builder pollTimeout(Duration pollTimeout) {
            this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
            return this;
        }

        /** Extra consumer properties (security, timeouts); group id and auto-commit are ignored. */
        public Builder consumerProperty(String key, Object value) {
            consumerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Creates the consumer and starts reading. */
        public KafkaJournalReader start() {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers is required");
            Objects.requireNonNull(topic, "topic is required");
            Objects.requireNonNull(index, "index is required");
            Objects.requireNonNull(decoder, "decoder is required");
            return new KafkaJournalReader(this).start();
        }
    }
}
