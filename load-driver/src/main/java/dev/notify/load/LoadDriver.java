package dev.notify.load;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.notify.cassandra.CassandraStatusStore;
import dev.notify.cassandra.CassandraStoreConfig;
import dev.notify.cassandra.SchemaMigration;
import dev.notify.core.Channel;
import dev.notify.core.DedupGuard;
import dev.notify.core.PreferenceStore;
import dev.notify.core.TokenInvalidationListener;
import dev.notify.providers.sandbox.SandboxProviders;
import dev.notify.redis.RedisConfig;
import dev.notify.redis.RedisDedupGuard;
import dev.notify.redis.RedisPreferenceStore;
import dev.notify.sandbox.CassandraEngine;
import dev.notify.sandbox.KafkaEngine;
import dev.notify.sandbox.RedisEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar load-driver/target/load-driver.jar [--seconds 60]}: starts Kafka (in this JVM), Cassandra (forked)
 * and Redis (child process) on loopback plus the sandbox providers; measures each component's ceiling alone, then the
 * end-to-end throughput healthy and with Cassandra killed; prints a table and writes {@code load-report.json}.
 */
@Command(name = "load-driver", mixinStandardHelpOptions = true,
        description = "End-to-end load driver on real engines: component ceilings, then sustained throughput healthy "
                + "and during a Cassandra outage.")
public final class LoadDriver implements Callable<Integer> {

    static final double TARGET_OUTAGE_RATIO = 0.95;
    static final int CEILING_WARMUP_SECONDS = 3;

    @Option(names = "--seconds", defaultValue = "60",
            description = "Measured end-to-end seconds: half healthy, half with Cassandra down (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--ceiling-seconds", defaultValue = "10",
            description = "Measured seconds of each component ceiling (default ${DEFAULT-VALUE}).")
    int ceilingSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "5",
            description = "Warm-up before the healthy phase; each ceiling warms up 3 s (default ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--recovery-seconds", defaultValue = "10",
            description = "Measured seconds after Cassandra is back (default ${DEFAULT-VALUE}).")
    int recoverySeconds;

    @Option(names = "--workers", defaultValue = "2", description = "Workers in the group (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--cassandra-concurrency", defaultValue = "256",
            description = "Status writes in flight in the Cassandra ceiling (default ${DEFAULT-VALUE}, the store's bound).")
    int cassandraConcurrency;

    @Option(names = "--apns-concurrency", defaultValue = "512",
            description = "Sends in flight in the APNs ceiling (default ${DEFAULT-VALUE}, BatchProcessor's bound).")
    int apnsConcurrency;

    @Option(names = "--backlog", defaultValue = "0",
            description = "Notifications pre-published for the end-to-end part; 0 sizes it from the ceilings.")
    long backlog;

    @Option(names = "--rate", defaultValue = "0",
            description = "Instead of a backlog, publish this many notifications/s throughout the end-to-end part "
                    + "(the same offered load healthy and during the outage); 0 (default) drains a backlog.")
    int rate;

    @Option(names = "--max-backlog", defaultValue = "1500000",
            description = "Upper bound of the automatic backlog (default ${DEFAULT-VALUE}); a top-up publishes more if "
                    + "it runs low.")
    long maxBacklog;

    @Option(names = "--no-redis", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Use Redis for preferences and dedup (default); --no-redis runs without them.")
    boolean redisOn;

    @Option(names = "--report", defaultValue = "load-report.json", description = "Where the JSON report goes.")
    Path report;

    public static void main(String[] args) {
        useCassandraRuntimeBesideJar();
        System.exit(new CommandLine(new LoadDriver()).execute(args));
    }

    /** Points the sandbox at {@code cassandra-runtime/} beside the jar, where the build unpacks it (as NotifyApp). */
    private static void useCassandraRuntimeBesideJar() {
        if (System.getProperty("notify.cassandra.runtime.dir") != null) {
            return;
        }
        try {
            Path jar = Path.of(LoadDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path runtime = jar.getParent().resolve("cassandra-runtime");
            if (Files.isDirectory(runtime)) {
                System.setProperty("notify.cassandra.runtime.dir", runtime.toString());
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // Not run from the jar: the sandbox falls back to the classpath file of a build.
        }
    }

    @Override
    public Integer call() throws Exception {
        Instant startedAt = Instant.now();
        long runStart = System.nanoTime();
        double loadAtStart = loadAverage();
        say("load driver: %d cores, %s %s, load average %.1f at start", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), loadAtStart);
        say("starting engines: Kafka (KRaft, in this JVM), Redis (child process), Cassandra (forked JVM) ...");
        MeterRegistry registry = new SimpleMeterRegistry();
        Workload workload = new Workload();
        KafkaEngine kafka = KafkaEngine.builder().build();
        RedisEngine redis = RedisEngine.create();
        CassandraEngine cassandra = CassandraEngine.builder().build();
        try (kafka; redis; cassandra) {
            long engineStart = System.nanoTime();
            CompletableFuture<Void> cassandraUp = CompletableFuture.runAsync(cassandra::start);
            kafka.start();
            if (redisOn) {
                redis.start();
            }
            cassandraUp.join();
            say("engines up in %.1f s", (System.nanoTime() - engineStart) / 1e9);
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic("load.ceiling", partitions);
            kafka.createTopic(EndToEnd.TOPIC, partitions);
            kafka.createTopic(EndToEnd.DEAD_LETTER_TOPIC, 1);
            kafka.createTopic(EndToEnd.JOURNAL_TOPIC, partitions);

            CassandraStoreConfig storeConfig = CassandraStoreConfig.builder()
                    .addContactPoint(cassandra.contactPoint())
                    .localDatacenter(cassandra.localDatacenter())
                    .writeConsistency(DefaultConsistencyLevel.ONE)
                    .readConsistency(DefaultConsistencyLevel.ONE)
                    .requestTimeout(Duration.ofSeconds(1))
                    .reconnectionBaseDelay(Duration.ofMillis(500))
                    .reconnectionMaxDelay(Duration.ofSeconds(2))
                    .build();
            SchemaMigration.migrate(storeConfig);

            RedisConfig redisConfig = redisOn ? RedisConfig.builder().uri(redis.uri()).build() : null;
            try (CassandraStatusStore store = CassandraStatusStore.connect(storeConfig);
                 SandboxProviders providers = SandboxProviders.builder().meterRegistry(registry).start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                PreferenceStore preferences = PreferenceStore.NONE;
                TokenInvalidationListener tokenListener = TokenInvalidationListener.NONE;
                DedupGuard dedup = DedupGuard.NONE;
                if (redisOn) {
                    RedisPreferenceStore redisPreferences = RedisPreferenceStore.create(redisConfig, registry);
                    preferences = redisPreferences;
                    tokenListener = redisPreferences;
                    dedup = RedisDedupGuard.create(redisConfig, registry);
                }
                try {
                    Ceilings ceilings = new Ceilings(Duration.ofSeconds(CEILING_WARMUP_SECONDS),
                            Duration.ofSeconds(ceilingSeconds));
                    List<Ceilings.Ceiling> measured = new ArrayList<>();
                    say("ceilings, each alone: %d s after %d s of warm-up", ceilingSeconds, CEILING_WARMUP_SECONDS);
                    // Cassandra first: its commit log syncs every write (commitlog_sync: batch), and the gigabyte the
                    // produce ceiling writes would still be flushing to the same disk.
                    measured.add(show(ceilings.statusWrites(store, workload, cassandraConcurrency)));
                    measured.add(show(ceilings.apnsSends(providers.delivery(Channel.APNS), workload,
                            apnsConcurrency)));
                    measured.add(show(ceilings.produce(bootstrap, "load.ceiling", workload)));
                    measured.add(show(ceilings.consume(bootstrap, "load.ceiling", partitions)));

                    Duration healthy = Duration.ofSeconds(Math.max(1, seconds / 2));
                    Duration outage = Duration.ofSeconds(Math.max(1, seconds - seconds / 2));
                    long toPublish = rate > 0 ? 0 : backlog > 0 ? backlog : autoBacklog(measured, healthy, outage);
                    EndToEnd.Setup setup = new EndToEnd.Setup(bootstrap, partitions, workers, toPublish, rate,
                            Duration.ofSeconds(warmupSeconds), healthy, outage, Duration.ofSeconds(recoverySeconds),
                            cassandra, store, preferences, tokenListener, dedup, providers.delivery(Channel.APNS),
                            registry);
                    EndToEnd.Result result = new EndToEnd(setup, workload).run(admin);
                    LoadReport loadReport = LoadReport.of(this, startedAt, loadAtStart, loadAverage(),
                            (System.nanoTime() - runStart) / 1e9, measured, result);
                    loadReport.print();
                    new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
                            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                            .writeValue(report.toFile(), loadReport);
                    say("report written to %s", report.toAbsolutePath());
                    return loadReport.outageRatio() >= TARGET_OUTAGE_RATIO ? 0 : 3;
                } finally {
                    preferences.close();
                    dedup.close();
                }
            }
        } finally {
            say("engines stopped; run took %.0f s", (System.nanoTime() - runStart) / 1e9);
        }
    }

    /**
     * Enough for warm-up + healthy + outage + restart (about 20 s) + recovery at twice the sandbox APNs ceiling (the
     * path cannot send faster for long; twice, because a 10 s ceiling on a loaded box underestimates the JIT-warm
     * rate), at least 300,000; the top-up covers a shortfall and the report says if it had to.
     */
    private long autoBacklog(List<Ceilings.Ceiling> ceilings, Duration healthy, Duration outage) {
        double apns = ceilings.stream().filter(ceiling -> ceiling.component().startsWith("apns"))
                .mapToDouble(Ceilings.Ceiling::perSecond).findFirst().orElse(10_000);
        double secondsOfWork = warmupSeconds + healthy.toSeconds() + outage.toSeconds() + 20 + recoverySeconds;
        return Math.min(maxBacklog, Math.max(300_000, (long) (2 * apns * secondsOfWork)));
    }

    private static Ceilings.Ceiling show(Ceilings.Ceiling ceiling) {
        say("    %-24s %,10.0f /s  (%,d in %.1f s, %d failed) — %s", ceiling.component(), ceiling.perSecond(),
                ceiling.completed(), ceiling.seconds(), ceiling.failed(), ceiling.how());
        return ceiling;
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
