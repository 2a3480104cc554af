package dev.notify.app;

import dev.notify.app.config.Config;
import dev.notify.cassandra.CassandraStatusStore;
import dev.notify.core.DedupGuard;
import dev.notify.core.Delivery;
import dev.notify.core.PreferenceStore;
import dev.notify.core.TokenInvalidationListener;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.app.config.Keys;
import dev.notify.kafka.KafkaDeliveryJournal;
import dev.notify.kafka.NotificationWorker;
import dev.notify.redis.RedisConfig;
import dev.notify.redis.RedisDedupGuard;
import dev.notify.redis.RedisPreferenceStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Consumes notification requests and delivers them, until stopped (SIGTERM or Ctrl-C). */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Consumes the configured topics, checks preferences, sends through the providers and writes "
                + "statuses; commits after delivery even while the status store is down.",
                "Serves /metrics, /health and /ready on metrics.port. Stops cleanly on SIGTERM."})
final class WorkerCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

    @Mixin
    ConfigOptions configuration;

    @Option(names = "--check", description = "Load and check the configuration, build the providers, print the "
            + "effective configuration (secrets hidden) and exit without connecting to anything.")
    boolean check;

    @Override
    public Integer call() throws Exception {
        Config config = configuration.load();
        log.info("[worker] configuration:\n{}", config.describe());
        ScheduledExecutorService retries = Wiring.retryScheduler();
        if (check) {
            // Everything the worker reads at start is read here, so a missing or bad key fails the check.
            Wiring.cassandra(config);
            Wiring.redis(config);
            Wiring.statusGuard(config);
            config.get(Keys.KAFKA_JOURNAL_TOPIC);
            config.get(Keys.WORKER_MAX_CONCURRENT_SENDS);
            config.get(Keys.WORKER_SEND_TIMEOUT);
            try (Operations operations = new Operations()) {
                Wiring.worker(config, operations.registry).build();
                List<Delivery> deliveries = Wiring.deliveries(config, operations.registry, retries);
                if (deliveries.isEmpty()) {
                    System.out.println("warning: no provider has credentials; every notification would end FAILED "
                            + "with no-delivery-for-channel");
                }
                deliveries.forEach(Delivery::close);
            }
            retries.shutdownNow();
            System.out.println("configuration OK");
            return 0;
        }
        try (Operations operations = new Operations().start(config)) {
            // Fails here, before anything is consumed, when Cassandra is unreachable or the datacenter is wrong.
            CassandraStatusStore store = CassandraStatusStore.connect(Wiring.cassandra(config));
            Optional<RedisConfig> redis = Wiring.redis(config);
            PreferenceStore preferences = PreferenceStore.NONE;
            TokenInvalidationListener tokens = TokenInvalidationListener.NONE;
            DedupGuard dedup = DedupGuard.NONE;
            if (redis.isPresent()) {
                RedisPreferenceStore redisPreferences = RedisPreferenceStore.create(redis.get(), operations.registry);
                preferences = redisPreferences;
                tokens = redisPreferences;
                dedup = RedisDedupGuard.create(redis.get(), operations.registry);
            } else {
                log.warn("[worker] no redis.uri: running without preferences and without the dedup guard");
            }
            KafkaDeliveryJournal journal = KafkaDeliveryJournal.create(config.get(Keys.KAFKA_BOOTSTRAP_SERVERS),
                    config.get(Keys.KAFKA_JOURNAL_TOPIC), Wiring.producerProperties(config), operations.registry);
            BatchProcessor processor = BatchProcessor.builder()
                    .deliveries(Wiring.deliveries(config, operations.registry, retries))
                    .statusStore(store)
                    .statusGuard(Wiring.statusGuard(config))
                    .awaitStatusWrites(config.get(Keys.WORKER_OFFSET_POLICY) == Keys.OffsetPolicyName.REPLAY)
                    .preferences(preferences)
                    .dedup(dedup)
                    .journal(journal)
                    .tokenInvalidationListener(tokens)
                    .maxConcurrentSends(config.get(Keys.WORKER_MAX_CONCURRENT_SENDS))
                    .sendTimeout(config.get(Keys.WORKER_SEND_TIMEOUT))
                    .meterRegistry(operations.registry)
                    .build();
            NotificationWorker worker = NotificationWorker.create(
                    Wiring.worker(config, operations.registry).build(), processor);
            CountDownLatch finished = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("[worker] stopping: finishing the batch in flight and committing what is done");
                worker.close();
                try {
                    finished.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "notify-worker-shutdown"));
            operations.ready();
            try {
                worker.run();
            } finally {
                processor.close();
                retries.shutdownNow();
                finished.countDown();
            }
        }
        return 0;
    }
}
