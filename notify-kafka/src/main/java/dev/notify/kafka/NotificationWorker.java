package dev.notify.kafka;

import dev.notify.core.BatchOutcome;
import dev.notify.core.NotificationRequest;
import dev.notify.core.OffsetDecision;
import dev.notify.core.batch.BatchProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes notification records and hands them to a {@link BatchProcessor}, one batch at a time.
 *
 * <p>Each poll's records form a batch. The batch is decoded, its invalid records go to the dead-letter topic (and,
 * where their id is readable, are marked FAILED through {@link BatchProcessor#recordInvalid}), and its valid ones
 * are processed. All of that runs off the poll thread: while it runs, the assigned partitions are paused and the
 * loop keeps polling, so a slow batch never exceeds {@code max.poll.interval.ms}. When the batch is done, the
 * {@link dev.notify.core.OffsetPolicy} decides: {@link OffsetDecision#COMMIT_HANDLED} commits, per partition, up to
 * the first record not handled (and consumes the rest again after {@link WorkerConfig#replayBackoff()});
 * {@link OffsetDecision#REPLAY_BATCH} commits nothing and seeks back to the batch start after the backoff. Commits
 * are explicit and synchronous. An invalid record counts as handled once the dead-letter topic acknowledged it.
 *
 * <p>Partitions are assigned cooperatively ({@link CooperativeStickyAssignor}). When partitions are revoked, the
 * in-flight batch is given up to {@link WorkerConfig#revocationTimeout()} to finish and commit; lost partitions are
 * never committed.
 *
 * <p>{@link #run()} runs the loop on the calling thread until {@link #close()}, which lets the in-flight batch finish
 * within {@link WorkerConfig#shutdownTimeout()} (or abandons it without committing), commits, and closes the consumer
 * and the dead-letter producer. The {@link BatchProcessor} is not closed: it belongs to the caller and may serve
 * several workers.
 */
public final class NotificationWorker implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NotificationWorker.class);
    private static final Duration BUSY_POLL_TIMEOUT = Duration.ofMillis(20);
    private static final Duration POLL_FAILURE_PAUSE = Duration.ofMillis(500);
    private static final AtomicInteger WORKER_NUMBERS = new AtomicInteger();

    private final WorkerConfig config;
    private final BatchProcessor processor;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetterProducer;
    private final NotificationRecordCodec codec = new NotificationRecordCodec();
    private final ExecutorService batchExecutor;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final String name;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Thread runner;

    // Owned by the poll thread.
    private InFlight inFlight;
    private long backoffUntilNanos;
    private boolean backingOff;
    private boolean pollFailing;
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    // Commits refused because a rebalance was in progress; retried after the next poll or at revocation.
    private final Map<TopicPartition, OffsetAndMetadata> pendingCommits = new HashMap<>();

    private NotificationWorker(WorkerConfig config, BatchProcessor processor, Consumer<byte[], byte[]> consumer,
                               Producer<byte[], byte[]> deadLetterProducer, Clock clock, String name) {
        this.config = Objects.requireNonNull(config, "config");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.consumer = consumer;
        this.deadLetterProducer = deadLetterProducer;
        this.clock = clock;
        this.name = name;
        MeterRegistry registry = config.meterRegistry() != null ? config.meterRegistry() : new SimpleMeterRegistry();
        this.metrics = new WorkerMetrics(registry, config.groupId(), name);
        this.batchExecutor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "notify-batch-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A worker with its own {@link KafkaConsumer} and dead-letter {@link KafkaProducer}, made from {@code config}. */
    public static NotificationWorker create(WorkerConfig config, BatchProcessor processor) {
        String clientId = defaultName(config);
        Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(config, clientId));
        Producer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(deadLetterProducerProperties(config, clientId));
        } catch (KafkaException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
        return new NotificationWorker(config, processor, consumer, producer, Clock.systemUTC(), clientId);
    }

    private static String defaultName(WorkerConfig config) {
        return config.clientId() != null ? config.clientId()
                : config.groupId() + "-worker-" + WORKER_NUMBERS.incrementAndGet();
    }

    /** A worker on given clients (a {@code MockConsumer} and {@code MockProducer} in tests); it closes them. */
    static NotificationWorker withClients(WorkerConfig config, BatchProcessor processor,
                                          Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer) {
        return new NotificationWorker(config, processor, consumer, producer, Clock.systemUTC(), defaultName(config));
    }

    static Map<String, Object> consumerProperties(WorkerConfig config, String clientId) {
        Map<String, Object> properties = new HashMap<>(config.clientProperties());
        properties.putAll(config.consumerProperties());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatchSize());
        properties.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return properties;
    }

    static Map<String, Object> deadLetterProducerProperties(WorkerConfig config, String clientId) {
        Map<String, Object> properties = new HashMap<>(config.clientProperties());
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-dlt");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return properties;
    }

    /** The name in log lines and the {@code worker} tag of its meters: the client id. */
    public String name() {
        return name;
    }

    /** Partitions revoked from this worker so far (cooperative rebalances). */
    public long partitionsRevoked() {
        return metrics.revokedCount();
    }

    /** Partitions lost by this worker so far (it was thrown out of the group). */
    public long partitionsLost() {
        return metrics.lostCount();
    }

    /** Partitions assigned to this worker so far. */
    public long partitionsAssigned() {
        return metrics.assignedCount();
    }

    /** Runs the poll loop on the calling thread until {@link #close()}. May be called once. */
    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("[" + name + "] already started");
        }
        runner = Thread.currentThread();
        try {
            if (closing.get()) {
                return;
            }
            consumer.subscribe(config.topics(), new Rebalance());
            log.info("[{}] consuming {} in group {}", name, config.topics(), config.groupId());
            while (!closing.get()) {
                pollOnce(inFlight != null || backingOff ? BUSY_POLL_TIMEOUT : config.pollTimeout());
                retryPendingCommits(consumer.assignment());
                completeIfDone();
                endBackoffIfDue();
            }
            drainForShutdown();
        } catch (RuntimeException fatal) {
            log.error("[{}] poll loop stopped by an unexpected error", name, fatal);
        } finally {
            closeClients();
            stopped.countDown();
        }
    }

    /**
     * Stops the loop: the in-flight batch gets {@link WorkerConfig#shutdownTimeout()} to finish and commit, then the
     * consumer leaves the group. Waits for the loop to end (when called from another thread). Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        if (started.compareAndSet(false, true)) {
            // Never ran: nothing in flight.
            closeClients();
            stopped.countDown();
            return;
        }
        consumer.wakeup();
        if (Thread.currentThread() != runner) {
            // From the poll thread itself (a listener, a callback), the loop ends when control returns to it.
            awaitStopped();
        }
    }

    private void awaitStopped() {
        try {
            long wait = config.shutdownTimeout().plus(config.commitTimeout()).plusSeconds(30).toMillis();
            if (!stopped.await(wait, TimeUnit.MILLISECONDS)) {
                log.warn("[{}] poll loop did not stop within {} ms", name, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pollOnce(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            return;
        } catch (KafkaException e) {
            // Retried: the loop never stops on a broker or authorization error; it waits a little each time.
            metrics.pollFailed();
            if (!pollFailing) {
                pollFailing = true;
                log.warn("[{}] poll failed, retrying: {}", name, e.toString());
            }
            LockSupport.parkNanos(POLL_FAILURE_PAUSE.toNanos());
            return;
        }
        if (pollFailing) {
            pollFailing = false;
            log.warn("[{}] poll succeeds again", name);
        }
        updateLag();
        if (records.isEmpty()) {
            return;
        }
        if (inFlight != null || backingOff || closing.get()) {
            // Partitions are paused while a batch runs; records from a partition assigned meanwhile are given back.
            Set<TopicPartition> partitions = records.partitions();
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
            consumer.pause(partitions);
            return;
        }
        startBatch(records);
    }

    private void startBatch(ConsumerRecords<byte[], byte[]> records) {
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>(records.count());
        records.forEach(list::add);
        metrics.consumed(list.size());
        consumer.pause(consumer.assignment());
        InFlight batch = new InFlight(list, System.nanoTime());
        for (TopicPartition partition : batch.firstOffsets.keySet()) {
            committed.putIfAbsent(partition, batch.firstOffsets.get(partition));
        }
        inFlight = batch;
        try {
            CompletableFuture.supplyAsync(() -> process(batch.records), batchExecutor)
                    .thenCompose(future -> future)
                    .whenComplete((done, error) -> batch.result.complete(error == null ? done
                            : Completed.nothingHandled(batch.records.size(), error)));
        } catch (RuntimeException rejected) {
            batch.result.complete(Completed.nothingHandled(batch.records.size(), rejected));
        }
    }

    /** Decodes, dead-letters and processes one batch; runs on the batch thread. */
    private CompletableFuture<Completed> process(List<ConsumerRecord<byte[], byte[]>> records) {
        int size = records.size();
        List<NotificationRequest> valid = new ArrayList<>(size);
        int[] validIndex = new int[size];
        Map<Integer, CompletableFuture<Void>> deadLettered = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            DecodeResult decoded = codec.decode(record.value());
            if (decoded instanceof DecodeResult.Valid ok) {
                validIndex[valid.size()] = i;
                valid.add(ok.request());
            } else {
                DecodeResult.Invalid invalid = (DecodeResult.Invalid) decoded;
                deadLettered.put(i, deadLetter(record, invalid));
            }
        }
        CompletableFuture<BatchOutcome> outcome;
        try {
            outcome = processor.process(valid);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<?>[] all = deadLettered.values().toArray(new CompletableFuture<?>[0]);
        CompletableFuture<BatchOutcome> processed = outcome;
        return CompletableFuture.allOf(all).handle((ignored, error) -> null)
                .thenCombine(processed.handle((value, error) -> value), (ignored, batchOutcome) -> {
                    boolean[] handled = new boolean[size];
                    OffsetDecision decision;
                    if (batchOutcome == null) {
                        decision = OffsetDecision.REPLAY_BATCH;
                    } else {
                        for (int k = 0; k < valid.size(); k++) {
                            handled[validIndex[k]] = batchOutcome.handled(k);
                        }
                        decision = config.offsetPolicy().decide(batchOutcome);
                    }
                    for (Map.Entry<Integer, CompletableFuture<Void>> entry : deadLettered.entrySet()) {
                        handled[entry.getKey()] = !entry.getValue().isCompletedExceptionally();
                    }
                    return new Completed(decision, handled, null);
                });
    }

    private CompletableFuture<Void> deadLetter(ConsumerRecord<byte[], byte[]> record, DecodeResult.Invalid invalid) {
        metrics.deadLettered(invalid.reasonCode());
        log.debug("[{}] dead-lettering {}-{}@{}: {}", name, record.topic(), record.partition(), record.offset(),
                invalid.reason());
        if (invalid.id() != null) {
            try {
                processor.recordInvalid(invalid.id(), invalid.userId(), invalid.channel(), invalid.createdAt(),
                        "invalid-record:" + invalid.reason());
            } catch (RuntimeException e) {
                log.debug("[{}] could not mark {} FAILED: {}", name, invalid.id(), e.toString());
            }
        }
        CompletableFuture<Void> acked = DeadLetters.send(deadLetterProducer, DeadLetters.deadLetter(
                config.deadLetterTopic(), config.groupId(), record, invalid, clock.instant()));
        return acked.whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("[{}] could not dead-letter {}-{}@{} ({}); it will be consumed again: {}", name,
                        record.topic(), record.partition(), record.offset(), invalid.reason(), error.toString());
            }
        });
    }

    private void completeIfDone() {
        if (inFlight != null && inFlight.result.isDone()) {
            finish(inFlight, true);
        }
    }

    /** Carries out the decision on a completed batch, for the partitions still assigned. */
    private void finish(InFlight batch, boolean resume) {
        inFlight = null;
        Completed completed = batch.result.join();
        if (completed.error != null) {
            log.warn("[{}] batch of {} failed unexpectedly, it will be consumed again", name, batch.records.size(),
                    completed.error);
        }
        Set<TopicPartition> owned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        Map<TopicPartition, Long> rewinds = new HashMap<>();
        if (completed.decision == OffsetDecision.REPLAY_BATCH) {
            rewinds.putAll(batch.firstOffsets);
        } else {
            Set<TopicPartition> stopped = new HashSet<>();
            for (int i = 0; i < batch.records.size(); i++) {
                ConsumerRecord<byte[], byte[]> record = batch.records.get(i);
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (stopped.contains(partition)) {
                    continue;
                }
                if (completed.handled[i]) {
                    commits.put(partition, new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
                } else {
                    stopped.add(partition);
                    rewinds.put(partition, record.offset());
                }
            }
        }
        commits.keySet().retainAll(owned);
        rewinds.keySet().retainAll(owned);
        commit(commits);
        for (Map.Entry<TopicPartition, Long> rewind : rewinds.entrySet()) {
            consumer.seek(rewind.getKey(), rewind.getValue());
        }
        if (!rewinds.isEmpty()) {
            metrics.replayed();
            log.debug("[{}] consuming again from {} after {}", name, rewinds, config.replayBackoff());
        }
        batch.timer.record(System.nanoTime() - batch.polledAtNanos, TimeUnit.NANOSECONDS);
        if (!resume) {
            return;
        }
        if (!rewinds.isEmpty() && !config.replayBackoff().isZero()) {
            backingOff = true;
            backoffUntilNanos = System.nanoTime() + config.replayBackoff().toNanos();
        } else {
            consumer.resume(consumer.assignment());
        }
    }

    private void retryPendingCommits(Collection<TopicPartition> partitions) {
        if (pendingCommits.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> retry = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = pendingCommits.remove(partition);
            if (offset != null) {
                retry.put(partition, offset);
            }
        }
        pendingCommits.keySet().retainAll(consumer.assignment());
        commit(retry);
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> commits) {
        if (commits.isEmpty()) {
            return;
        }
        // A deferred commit of the same partition is older: never let it be sent after this one.
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : commits.entrySet()) {
            OffsetAndMetadata older = pendingCommits.remove(entry.getKey());
            if (older != null && older.offset() > entry.getValue().offset()) {
                entry.setValue(older);
            }
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                consumer.commitSync(commits, config.commitTimeout());
                commits.forEach((partition, offset) -> committed.put(partition, offset.offset()));
                return;
            } catch (WakeupException e) {
                // close() woke the consumer; commit anyway.
            } catch (RebalanceInProgressException e) {
                // The partitions are still ours (cooperative): commit once the rebalance is done.
                commits.forEach((partition, offset) -> pendingCommits.merge(partition, offset,
                        (older, newer) -> newer.offset() >= older.offset() ? newer : older));
                log.debug("[{}] commit of {} partitions deferred until the rebalance completes", name, commits.size());
                return;
            } catch (KafkaException e) {
                metrics.commitFailed();
                log.warn("[{}] commit of {} partitions failed; their records will be consumed again: {}", name,
                        commits.size(), e.toString());
                return;
            }
        }
    }

    private void endBackoffIfDue() {
        if (backingOff && inFlight == null && System.nanoTime() - backoffUntilNanos >= 0) {
            backingOff = false;
            consumer.resume(consumer.assignment());
        }
    }

    private void updateLag() {
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isEmpty()) {
                continue;
            }
            long position;
            try {
                position = consumer.position(partition, Duration.ZERO);
            } catch (KafkaException e) {
                continue;
            }
            long end = position + lag.getAsLong();
            Long done = committed.get(partition);
            if (done == null) {
                if (inFlight != null) {
                    continue;
                }
                done = position;
                committed.put(partition, done);
            }
            metrics.lag(partition, end - done);
        }
    }

    private void drainForShutdown() {
        retryPendingCommits(consumer.assignment());
        if (inFlight != null) {
            long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
            while (!inFlight.result.isDone() && System.nanoTime() - deadline < 0) {
                pollOnce(BUSY_POLL_TIMEOUT);
            }
            if (inFlight.result.isDone()) {
                finish(inFlight, false);
            } else {
                metrics.abandoned();
                log.warn("[{}] abandoning the in-flight batch of {} records after {}: not committed, it will be "
                        + "consumed again", name, inFlight.records.size(), config.shutdownTimeout());
                inFlight = null;
            }
        }
        retryPendingCommits(consumer.assignment());
    }

    private void closeClients() {
        try {
            consumer.close(CloseOptions.timeout(config.commitTimeout()));
        } catch (RuntimeException e) {
            log.warn("[{}] consumer did not close cleanly: {}", name, e.toString());
        }
        try {
            deadLetterProducer.close(config.commitTimeout());
        } catch (RuntimeException e) {
            log.warn("[{}] dead-letter producer did not close cleanly: {}", name, e.toString());
        }
        batchExecutor.shutdownNow();
        metrics.removeAll();
        log.info("[{}] stopped", name);
    }

    /** Reacts to cooperative rebalances; runs on the poll thread inside poll(). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            log.info("[{}] assigned {}", name, partitions);
            partitions.forEach(metrics::assigned);
            if (inFlight != null || backingOff) {
                consumer.pause(partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            log.info("[{}] revoked {}", name, partitions);
            InFlight batch = inFlight;
            if (batch != null && touches(batch, partitions)) {
                try {
                    batch.result.get(config.revocationTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    finish(batch, !closing.get());
                } catch (TimeoutException e) {
                    log.warn("[{}] in-flight batch not done within {}: revoked partitions {} left uncommitted", name,
                            config.revocationTimeout(), partitions);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    log.warn("[{}] in-flight batch failed", name, e);
                }
            }
            retryPendingCommits(partitions);
            forget(partitions, false);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            log.warn("[{}] lost {} (left the group); nothing committed for them", name, partitions);
            forget(partitions, true);
        }

        private void forget(Collection<TopicPartition> partitions, boolean lost) {
            for (TopicPartition partition : partitions) {
                metrics.revoked(partition, lost);
                committed.remove(partition);
                pendingCommits.remove(partition);
            }
        }

        private boolean touches(InFlight batch, Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                if (batch.firstOffsets.containsKey(partition)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A batch being processed. */
    private final class InFlight {
        final List<ConsumerRecord<byte[], byte[]>> records;
        final Map<TopicPartition, Long> firstOffsets = new LinkedHashMap<>();
        final long polledAtNanos;
        final CompletableFuture<Completed> result = new CompletableFuture<>();
        final io.micrometer.core.instrument.Timer timer = metrics.pollToCommit();

        InFlight(List<ConsumerRecord<byte[], byte[]>> records, long polledAtNanos) {
            this.records = records;
            this.polledAtNanos = polledAtNanos;
            for (ConsumerRecord<byte[], byte[]> record : records) {
                firstOffsets.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
            }
        }
    }

    /** What became of a batch: the decision and, per record in poll order, whether it was handled. */
    private record Completed(OffsetDecision decision, boolean[] handled, Throwable error) {
        static Completed nothingHandled(int size, Throwable error) {
            return new Completed(OffsetDecision.REPLAY_BATCH, new boolean[size], error);
        }
    }
}
