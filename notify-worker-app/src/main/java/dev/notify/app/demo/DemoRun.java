package dev.notify.app.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.notify.cassandra.CassandraStatusStore;
import dev.notify.cassandra.CassandraStoreConfig;
import dev.notify.cassandra.SchemaMigration;
import dev.notify.core.Channel;
import dev.notify.core.DedupGuard;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.NotificationRequest;
import dev.notify.core.OffsetPolicy;
import dev.notify.core.StatusRecord;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.core.batch.StatusGuardConfig;
import dev.notify.kafka.DeadLetters;
import dev.notify.kafka.DecodeResult;
import dev.notify.kafka.KafkaDeliveryJournal;
import dev.notify.kafka.NotificationPublisher;
import dev.notify.kafka.NotificationRecordCodec;
import dev.notify.kafka.NotificationWorker;
import dev.notify.kafka.StatusUpdateCodec;
import dev.notify.kafka.WorkerConfig;
import dev.notify.providers.retry.RetryPolicy;
import dev.notify.providers.retry.RetryingDelivery;
import dev.notify.providers.sandbox.SandboxProviders;
import dev.notify.reconcile.InMemoryJournalIndex;
import dev.notify.reconcile.KafkaJournalReader;
import dev.notify.reconcile.LiveLoadSignal;
import dev.notify.reconcile.Reconciler;
import dev.notify.reconcile.ReconcilerConfig;
import dev.notify.redis.RedisConfig;
import dev.notify.redis.RedisDedupGuard;
import dev.notify.redis.RedisPreferenceStore;
import dev.notify.sandbox.CassandraEngine;
import dev.notify.sandbox.KafkaEngine;
import dev.notify.sandbox.RedisEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the demo. Real engines and sandbox providers on loopback; the input published at a steady rate over
 * a healthy phase, the outage and a healthy phase after it; Cassandra killed at the start of the outage and
 * restarted on the same data at its end; then the reconciler heals the statuses and the report is written.
 */
public final class DemoRun {

    private static final Logger log = LoggerFactory.getLogger(DemoRun.class);

    private static final String TOPIC = "notifications";
    private static final String DEAD_LETTER_TOPIC = "notifications.dead-letter";
    private static final String JOURNAL_TOPIC = "notifications.journal";
    private static final String GROUP = "notify-demo";

    private final DemoOptions options;
    private final MeterRegistry registry;
    private final NotificationRecordCodec codec = new NotificationRecordCodec();
    private final List<TimelineSample> timeline = new CopyOnWriteArrayList<>();
    private final long startNanos = System.nanoTime();

    private volatile boolean cassandraDown;
    private volatile long published;
    private volatile long toPublish = Long.MAX_VALUE;
    private volatile int publishEndSecond;
    private final AtomicLong maxLag = new AtomicLong();
    private final AtomicLong totalSends = new AtomicLong();
    private final Map<Channel, CountingDelivery> counting = new EnumMap<>(Channel.class);

    public DemoRun(DemoOptions options, MeterRegistry registry) {
        this.options = options;
        this.registry = registry;
    }

    /** Runs the demo; returns the report (also written to the report file). */
    public DemoReport run() throws Exception {
        List<DemoInput.Line> input = options.input() != null
                ? DemoInput.read(options.input())
                : DemoInput.generate(options.notifications(), 42);
        Map<String, Channel> validIds = new HashMap<>();
        Set<String> badIdsWithId = new HashSet<>();
        List<NotificationRequest> requests = new ArrayList<>();
        int bad = 0;
        for (DemoInput.Line line : input) {
            DecodeResult decoded = codec.decode(line.value());
            if (decoded instanceof DecodeResult.Valid valid) {
                requests.add(valid.request());
                validIds.put(valid.request().id(), valid.request().channel());
            } else {
                bad++;
                DecodeResult.Invalid invalid = (DecodeResult.Invalid) decoded;
                if (invalid.hasId()) {
                    badIdsWithId.add(invalid.id());
                }
            }
        }
        say("input: %d records (%d valid, %d bad) from %s", input.size(), validIds.size(), bad,
                options.input() != null ? options.input() : "the generator");

        say("starting engines: Kafka (KRaft, in-process), Redis, Cassandra (forked JVM) ...");
        long engineStart = System.nanoTime();
        KafkaEngine kafka = KafkaEngine.builder().build();
        RedisEngine redis = RedisEngine.create();
        // The sandbox's defaults favour start-up time (C1 only, 256 MiB); the demo's node takes sustained writes.
        CassandraEngine cassandra = CassandraEngine.builder()
                .maxHeap("512m")
                .jvmOption("-XX:TieredStopAtLevel=4")
                .build();
        try (kafka; redis; cassandra) {
            CompletableFuture<Void> cassandraUp = CompletableFuture.runAsync(cassandra::start);
            kafka.start();
            redis.start();
            cassandraUp.join();
            say("engines up in %.1f s: kafka %s, redis %s, cassandra %s", seconds(engineStart),
                    kafka.bootstrapServers(), redis.uri(), cassandra.contactPoint());
            return runWith(kafka, redis, cassandra, input, requests, validIds, badIdsWithId, bad);
        }
    }

    private DemoReport runWith(KafkaEngine kafka, RedisEngine redis, CassandraEngine cassandra,
                               List<DemoInput.Line> input, List<NotificationRequest> requests,
                               Map<String, Channel> validIds, Set<String> badIdsWithId, int bad) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        kafka.createTopic(TOPIC, options.partitions());
        kafka.createTopic(DEAD_LETTER_TOPIC, 1);
        kafka.createTopic(JOURNAL_TOPIC, options.partitions());

        CassandraStoreConfig storeConfig = CassandraStoreConfig.builder()
                .addContactPoint(cassandra.contactPoint())
                .localDatacenter(cassandra.localDatacenter())
                .writeConsistency(DefaultConsistencyLevel.ONE)
                .readConsistency(DefaultConsistencyLevel.ONE)
                .requestTimeout(Duration.ofSeconds(1))
                .reconnectionBaseDelay(Duration.ofMillis(500))
                .reconnectionMaxDelay(Duration.ofSeconds(2))
                // Above what the guards and the publisher keep in flight together, so the driver never queues:
                // its throttler fails a queue of requests recursively when the node is gone.
                .maxInFlight(1024)
                .build();
        SchemaMigration.migrate(storeConfig);

        RedisConfig redisConfig = RedisConfig.builder().uri(redis.uri()).build();
        boolean dedupOn = options.dedup();
        String offsetPolicyName = options.offsetPolicy();
        OffsetPolicy offsetPolicy = OffsetPolicy.named(offsetPolicyName);

        try (CassandraStatusStore cassandraStore = CassandraStatusStore.connect(storeConfig);
             RedisPreferenceStore preferences = RedisPreferenceStore.create(redisConfig, registry);
             SandboxProviders providers = SandboxProviders.builder().meterRegistry(registry).start();
             KafkaDeliveryJournal journal = KafkaDeliveryJournal.create(bootstrap, JOURNAL_TOPIC, Map.of(), registry);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {

            FinalStatusTracker store = new FinalStatusTracker(cassandraStore);
            Set<String> suppressedByDesign = seedOptOuts(preferences, requests);
            DedupGuard dedup = dedupOn ? RedisDedupGuard.create(redisConfig, registry) : DedupGuard.NONE;

            warmUp(providers, requests);
            ScheduledExecutorService retryScheduler = Executors.newScheduledThreadPool(1, daemon("notify-retry"));
            List<Delivery> deliveries = new ArrayList<>();
            for (Delivery delivery : providers.deliveries().values()) {
                CountingDelivery counted = new CountingDelivery(delivery, totalSends);
                counting.put(delivery.channel(), counted);
                deliveries.add(new RetryingDelivery(counted, RetryPolicy.ofDefaults(), retryScheduler,
                        java.time.Clock.systemUTC()));
            }
            List<NotificationWorker> workers = new ArrayList<>();
            List<Thread> workerThreads = new ArrayList<>();
            for (int i = 0; i < options.workers(); i++) {
                BatchProcessor processor = BatchProcessor.builder()
                        .deliveries(deliveries)
                        .statusStore(store)
                        .statusGuard(StatusGuardConfig.custom().writeTimeout(Duration.ofSeconds(1)).build())
                        // Under the commit policy bookkeeping never holds a batch; the replay policy needs the
                        // outcome of every write before it decides.
                        .awaitStatusWrites(offsetPolicyName.equals("replay"))
                        .preferences(preferences)
                        .dedup(dedup)
                        .journal(journal)
                        .tokenInvalidationListener(preferences)
                        .meterRegistry(registry)
                        .build();
                NotificationWorker worker = NotificationWorker.create(WorkerConfig.builder()
                        .bootstrapServers(bootstrap)
                        .topics(List.of(TOPIC))
                        .groupId(GROUP)
                        .clientId("notify-demo-worker-" + i)
                        .deadLetterTopic(DEAD_LETTER_TOPIC)
                        .offsetPolicy(offsetPolicy)
                        .meterRegistry(registry)
                        .build(), processor);
                workers.add(worker);
                Thread thread = new Thread(worker, "notify-worker-" + i);
                thread.start();
                workerThreads.add(thread);
            }

            InMemoryJournalIndex journalIndex = new InMemoryJournalIndex();
            KafkaJournalReader journalReader = KafkaJournalReader.builder()
                    .bootstrapServers(bootstrap).topic(JOURNAL_TOPIC).index(journalIndex)
                    .decoder(new StatusUpdateCodec()::decode).start();
            Lag lag = new Lag(admin);
            Reconciler reconciler = Reconciler.builder()
                    .statusStore(store)
                    .journalIndex(journalIndex)
                    .journalReady(journalReader::caughtUp)
                    .receiptQuery(providers.receiptQuery(Channel.SMS))
                    .liveLoadSignal(LiveLoadSignal.of(() -> lag.last))
                    .meterRegistry(registry)
                    .config(ReconcilerConfig.custom()
                            .staleAfter(Duration.ofSeconds(5))
                            .staleAfter(Channel.SMS, Duration.ofSeconds(5))
                            .journalGrace(Duration.ofSeconds(2))
                            // Yields to live traffic: slows above 2,000 records of lag, stops above 10,000.
                            .liveLoad(2_000, 10_000)
                            .queriesPerSecond(100)
                            .build())
                    .build();
            reconciler.start(Duration.ofSeconds(2));

            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(daemon("notify-demo-sampler"));
            Sampler sampling = new Sampler(providers, store, lag, validIds.size());
            samplerStart = () -> sampler.scheduleAtFixedRate(sampling::sample, 1, 1, TimeUnit.SECONDS);

            say("waiting for the %d workers to join the group and share the %d partitions ...", options.workers(),
                    options.partitions());
            waitFor("the workers' partition assignment", Duration.ofMinutes(2), () -> groupReady(admin));
            Outage outage = publishThroughOutage(bootstrap, store, cassandra, input);

            say("publishing done; waiting for the workers to drain and every notification to be handled ...");
            waitFor("consumer lag 0 and all sends done", Duration.ofMinutes(3), () -> lag.last == 0
                    && totalSends.get() + suppressedByDesign.size() >= validIds.size() * 0.98);
            say("waiting for the reconciler to heal statuses left PENDING or absent by the outage ...");
            long reconcileStart = System.nanoTime();
            double queriesBefore = counterSum("notify.reconcile.queries");
            long pendingAfter = waitForHealed(store, validIds.keySet(), Duration.ofMinutes(3));
            double reconcileSeconds = seconds(reconcileStart);
            double queries = counterSum("notify.reconcile.queries") - queriesBefore;

            sampler.shutdownNow();
            reconciler.close();
            journalReader.close();
            for (NotificationWorker worker : workers) {
                worker.close();
            }
            for (Thread thread : workerThreads) {
                thread.join(Duration.ofSeconds(30).toMillis());
            }
            retryScheduler.shutdownNow();

            // One read of every row serves both the status counts and the lost count.
            Set<String> allIds = new HashSet<>(validIds.keySet());
            allIds.addAll(badIdsWithId);
            Map<String, DeliveryStatus> finalStatus = finalStatuses(store, allIds);
            Map<String, Long> statusCounts = statusCounts(finalStatus, allIds.size());
            long duplicates = 0;
            long lost = 0;
            for (Map.Entry<String, Channel> entry : validIds.entrySet()) {
                int sends = counting.get(entry.getValue()).sendsOf(entry.getKey());
                duplicates += Math.max(0, sends - 1);
                DeliveryStatus status = finalStatus.get(entry.getKey());
                if (sends == 0 && (status == null || status == DeliveryStatus.PENDING)) {
                    lost++;
                }
            }
            DemoReport report = new DemoReport(
                    input.size(), validIds.size(), bad, totalSends.get(), duplicates, lost,
                    countDeadLettered(bootstrap, DEAD_LETTER_TOPIC),
                    statusCounts.getOrDefault("SUPPRESSED", 0L),
                    statusCounts,
                    round(outage.seconds()),
                    round(sampling.meanSends(false)),
                    round(sampling.meanSends(true)),
                    maxLag.get(),
                    (long) counterSum("notify.status.writes", "result", "success", false),
                    (long) counterSum("notify.reconcile.resolved"),
                    round(reconcileSeconds > 0 ? queries / reconcileSeconds : 0),
                    pendingAfter,
                    options.offsetPolicy(), dedupOn, round(seconds(startNanos)));
            write(report);
            return report;
        }
    }

    /**
     * Sends a few notifications of each channel straight to the sandbox providers (not through Kafka, not counted),
     * so that connections, TLS sessions, the FCM token and the JIT are warm before the healthy phase is measured.
     */
    private static void warmUp(SandboxProviders providers, List<NotificationRequest> requests) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        Map<Channel, Integer> perChannel = new EnumMap<>(Channel.class);
        for (NotificationRequest request : requests) {
            int sent = perChannel.merge(request.channel(), 1, Integer::sum);
            if (sent <= 50) {
                NotificationRequest warm = new NotificationRequest("warmup-" + request.id(), request.userId(),
                        request.channel(), request.recipient(), request.title(), request.body(), request.data(),
                        request.priority(), request.createdAt(), null, null);
                sends.add(providers.delivery(request.channel()).send(warm).exceptionally(error -> null));
            }
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS)
                .exceptionally(error -> null).join();
        say("providers warmed up: %d sends straight to the sandbox (not counted)", sends.size());
    }

    /** Whether every worker is in the group and every partition is assigned. */
    private boolean groupReady(Admin admin) {
        try {
            org.apache.kafka.clients.admin.ConsumerGroupDescription group = admin
                    .describeConsumerGroups(List.of(GROUP)).all().get(5, TimeUnit.SECONDS).get(GROUP);
            int assigned = group.members().stream().mapToInt(member -> member.assignment().topicPartitions().size())
                    .sum();
            return group.members().size() == options.workers() && assigned == options.partitions();
        } catch (Exception e) {
            return false;
        }
    }

    /** Opts about 1% of the input's users out of the channel of their notification, so suppression shows. */
    private Set<String> seedOptOuts(RedisPreferenceStore preferences, List<NotificationRequest> requests) {
        Set<String> suppressed = new HashSet<>();
        Map<String, Set<Channel>> optedOut = new HashMap<>();
        for (NotificationRequest request : requests) {
            if (Math.floorMod(request.userId().hashCode(), 100) == 7) {
                optedOut.computeIfAbsent(request.userId(), user -> new HashSet<>()).add(request.channel());
            }
        }
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        optedOut.forEach((user, channels) -> channels.forEach(channel ->
                writes.add(preferences.optOut(user, channel).toCompletableFuture())));
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        for (NotificationRequest request : requests) {
            Set<Channel> channels = optedOut.get(request.userId());
            if (channels != null && channels.contains(request.channel())) {
                suppressed.add(request.id());
            }
        }
        say("preferences: %d users opted out of a channel (%d notifications to suppress)", optedOut.size(),
                suppressed.size());
        return suppressed;
    }

    /** How long Cassandra was down. */
    private record Outage(long startNanos, long endNanos) {
        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    /**
     * Publishes the input at a steady rate over healthy + outage + healthy phases; kills Cassandra at the start of
     * the outage and restarts it on the same data once the outage time has passed.
     */
    private Outage publishThroughOutage(String bootstrap, FinalStatusTracker store, CassandraEngine cassandra,
                                        List<DemoInput.Line> input) throws Exception {
        double before = options.healthySeconds();
        double outageSeconds = options.outageSeconds();
        // The restart itself takes 10 to 20 s more on two cores, and traffic goes on during it and after.
        double total = before + outageSeconds + 20 + options.healthySeconds();
        double rate = input.size() / total;
        toPublish = input.size();
        say("publishing %d records at %.0f/s; Cassandra goes down at t=%.0f s for %.0f s (plus its restart)",
                input.size(), rate, before, outageSeconds);
        Properties raw = new Properties();
        raw.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        raw.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        raw.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        raw.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        raw.put(ProducerConfig.ACKS_CONFIG, "all");
        raw.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        CompletableFuture<Outage> outage = new CompletableFuture<>();
        Thread outageThread = new Thread(() -> {
            try {
                sleepUntil(before);
                long down = System.nanoTime();
                cassandraDown = true;
                say(">>> Cassandra DOWN (SIGKILL); workers keep delivering, status writes fail fast");
                cassandra.kill();
                sleepUntil(before + outageSeconds);
                say(">>> restarting Cassandra on the same data ...");
                cassandra.start();
                cassandraDown = false;
                long up = System.nanoTime();
                say(">>> Cassandra UP again after %.1f s; the breaker probes and closes, the reconciler heals",
                        (up - down) / 1e9);
                outage.complete(new Outage(down, up));
            } catch (Throwable e) {
                outage.completeExceptionally(e);
            }
        }, "notify-demo-outage");
        long publishStart = System.nanoTime();
        publishOrigin = publishStart;
        samplerStart.run();
        outageThread.start();
        Semaphore inFlight = new Semaphore(10_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(raw);
             NotificationPublisher publisher = NotificationPublisher.builder()
                     .bootstrapServers(bootstrap).topic(TOPIC).statusStore(store).maxPendingInFlight(256)
                     .meterRegistry(registry).build()) {
            for (int i = 0; i < input.size(); i++) {
                sleepUntil(i / rate);
                DemoInput.Line line = input.get(i);
                DecodeResult decoded = codec.decode(line.value());
                inFlight.acquire();
                CompletableFuture<?> sent;
                if (decoded instanceof DecodeResult.Valid valid) {
                    sent = publisher.publish(valid.request());
                } else {
                    // A bad record goes in as it is, so the worker sees exactly what a faulty caller would send.
                    CompletableFuture<Object> rawSent = new CompletableFuture<>();
                    producer.send(new ProducerRecord<>(TOPIC, line.key(), line.value()), (metadata, error) -> {
                        if (error != null) {
                            rawSent.completeExceptionally(error);
                        } else {
                            rawSent.complete(metadata);
                        }
                    });
                    sent = rawSent;
                }
                sent.whenComplete((ok, error) -> {
                    inFlight.release();
                    if (error != null) {
                        log.warn("publish failed: {}", error.toString());
                    }
                });
                published = i + 1;
            }
            producer.flush();
        }
        return outage.get(5, TimeUnit.MINUTES);
    }

    private volatile long publishOrigin;
    private Runnable samplerStart = () -> { };

    private void sleepUntil(double secondsFromOrigin) throws InterruptedException {
        long target = publishOrigin + (long) (secondsFromOrigin * 1e9);
        long wait = target - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Total consumer lag of the demo's group, read with the admin client once a second. */
    private final class Lag {
        private final Admin admin;
        private volatile long last = Long.MAX_VALUE;

        Lag(Admin admin) {
            this.admin = admin;
        }

        long read() {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                for (int p = 0; p < options.partitions(); p++) {
                    request.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
                }
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(request).all()
                        .get(5, TimeUnit.SECONDS);
                long total = 0;
                for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
                    OffsetAndMetadata done = committed.get(end.getKey());
                    total += end.getValue().offset() - (done == null ? 0 : done.offset());
                }
                last = total;
                maxLag.accumulateAndGet(total, Math::max);
                return total;
            } catch (Exception e) {
                log.debug("cannot read the consumer lag", e);
                return last;
            }
        }
    }

    /** Samples the timeline once a second and prints progress every few seconds. */
    private final class Sampler {
        private final SandboxProviders providers;
        private final FinalStatusTracker store;
        private final Lag lag;
        private final int valid;
        private long lastSends;
        private double lastFailed;
        private int second;

        Sampler(SandboxProviders providers, FinalStatusTracker store, Lag lag, int valid) {
            this.providers = providers;
            this.store = store;
            this.lag = lag;
            this.valid = valid;
        }

        void sample() {
            try {
                second++;
                long sends = totalSends.get();
                double failed = counterSum("notify.status.writes", "result", "success", false);
                long currentLag = lag.read();
                long notFinal = Math.max(0, Math.min(published, valid) - store.finalCount());
                boolean down = cassandraDown;
                if (publishEndSecond == 0 && published >= toPublish) {
                    publishEndSecond = second;
                }
                timeline.add(new TimelineSample(second, sends - lastSends, failed - lastFailed, currentLag, notFinal,
                        down));
                if (second % 3 == 0) {
                    say("t=%3ds published %6d  sends %6d (%4d/s)  lag %5d  failed status writes %6.0f  not final %6d%s",
                            second, published, sends, sends - lastSends, currentLag, failed, notFinal,
                            down ? "  [Cassandra DOWN]" : "");
                }
                lastSends = sends;
                lastFailed = failed;
            } catch (RuntimeException e) {
                log.debug("sampling failed", e);
            }
        }

        /** Mean sends per second over the seconds with publishing under way, in or out of the outage. */
        double meanSends(boolean duringOutage) {
            double sum = 0;
            int count = 0;
            int first = 3;
            for (TimelineSample sample : timeline) {
                boolean publishing = sample.second() >= first && sample.second() <= publishingSeconds();
                if (publishing && sample.cassandraDown() == duringOutage) {
                    sum += sample.sendsPerSecond();
                    count++;
                }
            }
            return count == 0 ? 0 : sum / count;
        }

        private int publishingSeconds() {
            return publishEndSecond == 0 ? Integer.MAX_VALUE : publishEndSecond;
        }
    }

    private long waitForHealed(FinalStatusTracker store, Set<String> ids, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        long pending;
        do {
            pending = 0;
            Map<String, DeliveryStatus> statuses = finalStatuses(store, ids);
            for (String id : ids) {
                DeliveryStatus status = statuses.get(id);
                if (status == null || status == DeliveryStatus.PENDING) {
                    pending++;
                }
            }
            say("    %d notifications still PENDING or absent in the store", pending);
            if (pending == 0) {
                return 0;
            }
            TimeUnit.SECONDS.sleep(3);
        } while (System.nanoTime() < end);
        return pending;
    }

    private Map<String, DeliveryStatus> finalStatuses(FinalStatusTracker store, Set<String> ids) {
        Map<String, DeliveryStatus> statuses = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(256);
        List<CompletableFuture<?>> reads = new ArrayList<>();
        for (String id : ids) {
            inFlight.acquireUninterruptibly();
            reads.add(store.find(id).toCompletableFuture().whenComplete((found, error) -> {
                inFlight.release();
                if (found != null) {
                    found.map(StatusRecord::status).ifPresent(status -> statuses.put(id, status));
                }
            }).exceptionally(error -> null));
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
        return statuses;
    }

    private static Map<String, Long> statusCounts(Map<String, DeliveryStatus> statuses, int ids) {
        Map<String, Long> counts = new TreeMap<>();
        for (DeliveryStatus status : DeliveryStatus.values()) {
            counts.put(status.name(), 0L);
        }
        statuses.values().forEach(status -> counts.merge(status.name(), 1L, Long::sum));
        counts.put("ABSENT", (long) (ids - statuses.size()));
        return counts;
    }

    /**
     * Distinct source records on the dead-letter topic (by source partition and offset): a bad record consumed
     * again after a rebalance is dead-lettered again, and counts once.
     */
    private static long countDeadLettered(String bootstrap, String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Set<String> sources = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record
                        : consumer.poll(Duration.ofMillis(500))) {
                    sources.add(header(record, DeadLetters.SOURCE_PARTITION) + "@" + header(record, DeadLetters.SOURCE_OFFSET));
                }
            }
            return sources.size();
        }
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record, String name) {
        org.apache.kafka.common.header.Header header = record.headers().lastHeader(name);
        return header == null ? "?" : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private double counterSum(String name) {
        double sum = 0;
        for (Counter counter : registry.find(name).counters()) {
            sum += counter.count();
        }
        return sum;
    }

    private double counterSum(String name, String tag, String value, boolean equal) {
        double sum = 0;
        for (Counter counter : registry.find(name).counters()) {
            if (value.equals(counter.getId().getTag(tag)) == equal) {
                sum += counter.count();
            }
        }
        return sum;
    }

    private void waitFor(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                say("gave up waiting for %s after %s", what, deadline);
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private void write(DemoReport report) throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(options.report().toFile(), report);
        TimelineChart.write(options.timeline(), "notify demo: " + report.notifications() + " notifications, "
                + options.outageSeconds() + " s Cassandra outage, offset policy " + report.offsetPolicy(), timeline);
    }

    public static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
