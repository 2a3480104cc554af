package dev.notify.kafka;

import dev.notify.core.OffsetPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable configuration of a {@link NotificationWorker}, made with {@link #builder()}.
 *
 * <p>Lanes are configuration: a worker drains the {@linkplain Builder#topics topics} it is given, so one pool of
 * workers per channel or per priority is one configuration per pool. Properties passed with
 * {@link Builder#clientProperty} (TLS, SASL, ...) go to the consumer and to the dead-letter producer;
 * {@link Builder#consumerProperty} to the consumer only. The worker owns the keys that make its guarantees
 * (explicit commits, cooperative assignment, {@code max.poll.records}); passing them is refused.
 */
public final class WorkerConfig {

    /** Default dead-letter topic: {@code notifications.dead-letter}. */
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "notifications.dead-letter";
    /** Default largest batch (records per poll): 500. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 500;
    /** Default wait before records that must be consumed again are replayed: 1 s. */
    public static final Duration DEFAULT_REPLAY_BACKOFF = Duration.ofSeconds(1);
    /** Default deadline for the in-flight batch when the worker is closed: 30 s. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Default wait for the in-flight batch when its partitions are revoked: 10 s. */
    public static final Duration DEFAULT_REVOCATION_TIMEOUT = Duration.ofSeconds(10);
    /** Default poll timeout when idle: 500 ms (a poll returns at once when records come). */
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
    /** Default deadline of an offset commit: 10 s. */
    public static final Duration DEFAULT_COMMIT_TIMEOUT = Duration.ofSeconds(10);

    static final List<String> RESERVED_CONSUMER_KEYS = List.of(
            "enable.auto.commit", "key.deserializer", "value.deserializer", "max.poll.records",
            "partition.assignment.strategy", "group.protocol", "group.id", "bootstrap.servers");

    private final String bootstrapServers;
    private final List<String> topics;
    private final String groupId;
    private final String clientId;
    private final String deadLetterTopic;
    private final int maxBatchSize;
    private final Duration replayBackoff;
    private final Duration shutdownTimeout;
    private final Duration revocationTimeout;
    private final Duration pollTimeout;
    private final Duration commitTimeout;
    private final OffsetPolicy offsetPolicy;
    private final Map<String, Object> clientProperties;
    private final Map<String, Object> consumerProperties;
    private final MeterRegistry meterRegistry;

    private WorkerConfig(Builder builder) {
        this.bootstrapServers = builder.bootstrapServers;
        this.topics = List.copyOf(builder.topics);
        this.groupId = builder.groupId;
        this.clientId = builder.clientId;
        this.deadLetterTopic = builder.deadLetterTopic;
        this.maxBatchSize = builder.maxBatchSize;
        this.replayBackoff = builder.replayBackoff;
        this.shutdownTimeout = builder.shutdownTimeout;
        this.revocationTimeout = builder.revocationTimeout;
        this.pollTimeout = builder.pollTimeout;
        this.commitTimeout = builder.commitTimeout;
        this.offsetPolicy = builder.offsetPolicy;
        this.clientProperties = Map.copyOf(builder.clientProperties);
        this.consumerProperties = Map.copyOf(builder.consumerProperties);
        this.meterRegistry = builder.meterRegistry;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public List<String> topics() {
        return topics;
    }

    public String groupId() {
        return groupId;
    }

    /** The client id, or {@code null} to let Kafka choose one. */
    public String clientId() {
        return clientId;
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public Duration replayBackoff() {
        return replayBackoff;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public Duration revocationTimeout() {
        return revocationTimeout;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public Duration commitTimeout() {
        return commitTimeout;
    }

    public OffsetPolicy offsetPolicy() {
        return offsetPolicy;
    }

    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    public Map<String, Object> consumerProperties() {
        return consumerProperties;
    }

    /** Where the worker's meters go, or {@code null} for a private registry. */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    @Override
    public String toString() {
        return "WorkerConfig[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", groupId=" + groupId
                + ", clientId=" + clientId + ", deadLetterTopic=" + deadLetterTopic + ", maxBatchSize=" + maxBatchSize
                + ", replayBackoff=" + replayBackoff + ", shutdownTimeout=" + shutdownTimeout
                + ", revocationTimeout=" + revocationTimeout + ", pollTimeout=" + pollTimeout
                + ", commitTimeout=" + commitTimeout + ", clientProperties=" + clientProperties.keySet()
                + ", consumerProperties=" + consumerProperties.keySet() + "]";
    }

    /** A mutable, reusable builder; bootstrap servers, topics and group id are required. */
    public static final class Builder {
        private String bootstrapServers;
        private List<String> topics = List.of();
        private String groupId;
        private String clientId;
        private String deadLetterTopic = DEFAULT_DEAD_LETTER_TOPIC;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private Duration replayBackoff = DEFAULT_REPLAY_BACKOFF;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration revocationTimeout = DEFAULT_REVOCATION_TIMEOUT;
        private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
        private Duration commitTimeout = DEFAULT_COMMIT_TIMEOUT;
        private OffsetPolicy offsetPolicy = OffsetPolicy.commitAfterDelivery();
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private final Map<String, Object> consumerProperties = new LinkedHashMap<>();
        private MeterRegistry meterRegistry;

        private Builder() {
        }

        /** {@code bootstrap.servers}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = requireText(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** The topics (lanes) this worker drains. Required, at least one. */
        public Builder topics(List<String> topics) {
            Objects.requireNonNull(topics, "topics");
            topics.forEach(topic -> requireText(topic, "topics"));
            this.topics = List.copyOf(topics);
            return this;
        }

        /** The consumer group. Required. */
        public Builder groupId(String groupId) {
            this.groupId = requireText(groupId, "groupId");
            return this;
        }

        /** {@code client.id} of the consumer (the producer adds {@code -dlt}), also the worker's metric tag. */
        public Builder clientId(String clientId) {
            this.clientId = requireText(clientId, "clientId");
            return this;
        }

        /** Where invalid records go. Default {@link #DEFAULT_DEAD_LETTER_TOPIC}. */
        public Builder deadLetterTopic(String deadLetterTopic) {
            this.deadLetterTopic = requireText(deadLetterTopic, "deadLetterTopic");
            return this;
        }

        /** Records per batch at most ({@code max.poll.records}). Default {@link #DEFAULT_MAX_BATCH_SIZE}. */
        public Builder maxBatchSize(int maxBatchSize) {
            if (maxBatchSize < 1) {
                throw new IllegalArgumentException("maxBatchSize must be at least 1, was " + maxBatchSize);
            }
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /**
         * Wait before a replayed batch, or records not handled (preferences or dedup claim unreadable), are consumed
         * again; their partitions stay paused meanwhile. Default {@link #DEFAULT_REPLAY_BACKOFF}.
         */
        public Builder replayBackoff(Duration replayBackoff) {
            this.replayBackoff = notNegative(replayBackoff, "replayBackoff");
            return this;
        }

        /**
         * How long {@link NotificationWorker#close()} lets the in-flight batch finish; past it the batch is abandoned
         * without committing (its records are consumed again). Default {@link #DEFAULT_SHUTDOWN_TIMEOUT}.
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = notNegative(shutdownTimeout, "shutdownTimeout");
            return this;
        }

        /**
         * How long a revocation waits for the in-flight batch to commit its revoked partitions; past it they are
         * left uncommitted (the new owner consumes them again). Keep it well under {@code max.poll.interval.ms}.
         * Default {@link #DEFAULT_REVOCATION_TIMEOUT}.
         */
        public Builder revocationTimeout(Duration revocationTimeout) {
            this.revocationTimeout = notNegative(revocationTimeout, "revocationTimeout");
            return this;
        }

        /** Poll timeout while idle. Default {@link #DEFAULT_POLL_TIMEOUT}. */
        public Builder pollTimeout(Duration pollTimeout) {
            this.pollTimeout = notNegative(pollTimeout, "pollTimeout");
            return this;
        }

        /** Deadline of one offset commit. Default {@link #DEFAULT_COMMIT_TIMEOUT}. */
        public Builder commitTimeout(Duration commitTimeout) {
            this.commitTimeout = notNegative(commitTimeout, "commitTimeout");
            return this;
        }

        /** Turns a batch outcome into a commit or a replay. Default {@link OffsetPolicy#commitAfterDelivery()}. */
        public Builder offsetPolicy(OffsetPolicy offsetPolicy) {
            this.offsetPolicy = Objects.requireNonNull(offsetPolicy, "offsetPolicy");
            return this;
        }

        /** A property for the consumer and the dead-letter producer (TLS, SASL, {@code client.rack}, ...). */
        public Builder clientProperty(String key, Object value) {
            clientProperties.put(reserved(key), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A property for the consumer only ({@code max.poll.interval.ms}, {@code fetch.max.bytes}, ...). */
        public Builder consumerProperty(String key, Object value) {
            consumerProperties.put(reserved(key), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Each of {@code properties}, as {@link #consumerProperty}. */
        public Builder consumerProperties(Map<String, ?> properties) {
            properties.forEach(this::consumerProperty);
            return this;
        }

        /** Where meters go. Default a private registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        public WorkerConfig build() {
            if (bootstrapServers == null) {
                throw new IllegalStateException("bootstrapServers is required");
            }
            if (topics.isEmpty()) {
                throw new IllegalStateException("at least one topic is required");
            }
            if (groupId == null) {
                throw new IllegalStateException("groupId is required");
            }
            if (topics.contains(deadLetterTopic)) {
                throw new IllegalStateException("the dead-letter topic " + deadLetterTopic + " is also consumed");
            }
            return new WorkerConfig(this);
        }

        private static String reserved(String key) {
            requireText(key, "key");
            if (RESERVED_CONSUMER_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + " is set by the worker (use the builder's own setter)");
            }
            return key;
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static Duration notNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + value);
            }
            return value;
        }
    }
}
