package dev.notify.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A single-node Kafka 4.1 broker in KRaft mode (combined broker and controller) running inside this JVM,
 * listening on 127.0.0.1 and two free ports.
 *
 * <p>Its settings suit one node: every internal topic has replication factor 1 (with more, a consumer
 * never finds its group coordinator), {@code group.initial.rebalance.delay.ms=0}, one partition for the
 * internal topics, and a 2 MiB log-cleaner buffer instead of the 128 MiB default. {@link #stop()} shuts the
 * broker down cleanly and {@link #start()} brings it back on the same ports and log folder, so committed
 * offsets and records survive. There is no {@code kill()}: the broker shares this JVM, and a crash cannot
 * be imitated without ending the JVM.
 *
 * <pre>{@code
 * try (KafkaEngine kafka = KafkaEngine.builder().build()) {
 *     kafka.start();
 *     kafka.createTopic("orders", 3);
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class KafkaEngine implements Engine {

    /** Default startup deadline: 60 s (about 5 s on a 2-core machine). */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEngine.class);
    private static final int NODE_ID = 1;
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path configuredDataDirectory;
    private final Map<String, String> extraProperties;
    private final Duration startupTimeout;

    private Path dataDirectory;
    private boolean ownsDataDirectory;
    private int brokerPort;
    private int controllerPort;
    private KafkaRaftServer server;
    private boolean closed;

    private KafkaEngine(Builder builder) {
        this.configuredDataDirectory = builder.dataDirectory;
        this.extraProperties = Map.copyOf(builder.brokerProperties);
        this.startupTimeout = builder.startupTimeout;
    }

    /** A builder with the defaults: a new temporary log folder, no extra broker properties. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the log folder on the first start, then starts the broker and returns once it answers
     * clients. Later starts reuse the same folder, cluster id and ports.
     */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("closed: " + this);
        }
        if (server != null) {
            return;
        }
        long begin = System.nanoTime();
        if (dataDirectory == null) {
            prepareFirstStart();
        }
        Reaper.register(this);
        KafkaRaftServer candidate = new KafkaRaftServer(new KafkaConfig(brokerProperties()), Time.SYSTEM);
        server = candidate;
        try {
            candidate.startup();
            awaitBrokerAnswers(begin + startupTimeout.toNanos());
        } catch (RuntimeException e) {
            stopQuietly();
            throw new EngineException("Kafka did not start on " + bootstrapServers(), e);
        }
        LOG.info("[kafka {}] ready in {}", brokerPort, Plumbing.seconds(System.nanoTime() - begin));
    }

    /** Shuts the broker down cleanly (it flushes and closes its logs); records and offsets stay on disk. */
    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long begin = System.nanoTime();
        KafkaRaftServer running = server;
        server = null;
        running.shutdown();
        running.awaitShutdown();
        LOG.info("[kafka {}] stopped in {}", brokerPort, Plumbing.seconds(System.nanoTime() - begin));
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * {@code 127.0.0.1:<port>}, the value for a client's {@code bootstrap.servers}.
     *
     * @throws IllegalStateException before the first start
     */
    public synchronized String bootstrapServers() {
        if (brokerPort == 0) {
            throw new IllegalStateException("not started yet: " + this);
        }
        return "127.0.0.1:" + brokerPort;
    }

    /**
     * Creates a topic with replication factor 1, unless a topic of that name exists, and returns once every
     * partition's leader answers (a ListOffsets request succeeds on each).
     *
     * <p>Waiting for the leader matters: the controller acknowledges a new topic, and clients see it in
     * metadata, a moment before the broker leads its partitions. An idempotent producer (the default) whose
     * first batch meets that moment gets NOT_LEADER_OR_FOLLOWER, and if a later batch then lands first, it
     * retries the first one with OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms (2 minutes) runs out.
     */
    public void createTopic(String name, int partitions) {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        Properties adminProperties = new Properties();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminProperties)) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new EngineException("cannot create topic " + name, e.getCause());
                }
            }
            awaitLeaders(admin, List.of(name), deadline);
        } catch (TimeoutException e) {
            throw new EngineException("topic " + name + " not ready within " + TOPIC_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while creating topic " + name, e);
        }
    }

    /** Waits until a ListOffsets request succeeds on every partition of the topics. */
    private static void awaitLeaders(Admin admin, Collection<String> topics, long deadlineNanos) throws InterruptedException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        Throwable last = null;
        while (System.nanoTime() - deadlineNanos < 0) {
            try {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (TopicDescription description : admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values()) {
                    description.partitions().forEach(partition ->
                            latest.put(new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest()));
                }
                admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                last = e;
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        TimeoutException timeout = new TimeoutException("partitions of " + topics + " have no answering leader");
        timeout.initCause(last);
        throw timeout;
    }

    /** The log folder (records, offsets and KRaft metadata), or null before the first start. */
    public synchronized Path dataDirectory() {
        return dataDirectory;
    }

    /** Stops the broker and deletes the log folder if this engine created it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopQuietly();
            if (ownsDataDirectory) {
                Plumbing.deleteRecursively(dataDirectory);
            }
        } finally {
            Reaper.unregister(this);
        }
    }

    @Override
    public synchronized String toString() {
        return "KafkaEngine[127.0.0.1:" + brokerPort + (server != null ? ", running" : "") + "]";
    }

    private void prepareFirstStart() {
        brokerPort = Plumbing.freePort();
        controllerPort = Plumbing.freePort();
        if (configuredDataDirectory != null) {
            dataDirectory = configuredDataDirectory;
        } else {
            dataDirectory = Plumbing.createTemporaryFolder("notify-kafka-");
            ownsDataDirectory = true;
        }
        KafkaConfig config = new KafkaConfig(brokerProperties());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            Files.createDirectories(dataDirectory);
            new Formatter()
                    .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDirectory.toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new EngineException("cannot format Kafka log folder " + dataDirectory + ": " + output, e);
        }
    }

    private Map<String, String> brokerProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "1");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("share.coordinator.state.topic.num.partitions", "1");
        properties.put("group.initial.rebalance.delay.ms", "0");
        properties.put("log.cleaner.dedupe.buffer.size", "2097152");
        properties.put("num.network.threads", "2");
        properties.put("num.io.threads", "2");
        properties.put("num.recovery.threads.per.data.dir", "1");
        properties.put("num.partitions", "1");
        properties.put("auto.create.topics.enable", "true");
        properties.putAll(extraProperties);
        // The engine's own: one combined node on loopback, its ports, its folder.
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", Integer.toString(NODE_ID));
        properties.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        properties.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        properties.put("controller.listener.names", CONTROLLER_LISTENER);
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        properties.put("log.dirs", dataDirectory.toString());
        return properties;
    }

    private void awaitBrokerAnswers(long deadlineNanos) {
        Properties adminProperties = new Properties();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + brokerPort);
        adminProperties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        adminProperties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(adminProperties)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        // After a restart, also wait until the broker leads every partition it had.
                        awaitLeaders(admin, admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                                .get(5, TimeUnit.SECONDS), deadlineNanos);
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("[kafka {}] not answering yet: {}", brokerPort, e.toString());
                }
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new EngineException("Kafka did not answer within " + startupTimeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for Kafka", e);
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("[kafka {}] did not stop cleanly", brokerPort, e);
        }
    }

    /** Options for a {@link KafkaEngine}; a builder may be reused. */
    public static final class Builder {

        private Path dataDirectory;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

        private Builder() {
        }

        /**
         * The log folder to use and keep (default: a new temporary folder, deleted on close). An existing,
         * already formatted folder is started as it is.
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** Sets or overrides one broker property, e.g. {@code log.retention.ms}. Ports and folders are the engine's. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How long {@link KafkaEngine#start()} waits for the broker to answer (default 60 s). */
        public Builder startupTimeout(Duration startupTimeout) {
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, got " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        public KafkaEngine build() {
            return new KafkaEngine(this);
        }
    }
}
