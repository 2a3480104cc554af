package dev.notify.load;

import dev.notify.cassandra.CassandraStatusStore;
import dev.notify.core.DedupGuard;
import dev.notify.core.Delivery;
import dev.notify.core.PreferenceStore;
import dev.notify.core.TokenInvalidationListener;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.core.batch.GuardedStatusStore;
import dev.notify.core.batch.StatusGuardConfig;
import dev.notify.kafka.KafkaDeliveryJournal;
import dev.notify.kafka.NotificationWorker;
import dev.notify.kafka.WorkerConfig;
import dev.notify.providers.retry.RetryPolicy;
import dev.notify.providers.retry.RetryingDelivery;
import dev.notify.sandbox.CassandraEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The whole worker path under a backlog: workers (NotificationWorker + BatchProcessor with the real adapters: Redis
 * preferences and dedup, sandbox APNs behind the retry decorator, the Kafka journal, the Cassandra status store behind
 * its breaker) drain a pre-published backlog; throughput is measured healthy, then with Cassandra killed, then after
 * its restart. A top-up publisher keeps the backlog from running dry (and the report says if it had to).
 */
final class EndToEnd {

    static final String TOPIC = "notifications";
    static final String DEAD_LETTER_TOPIC = "notifications.dead-letter";
    static final String JOURNAL_TOPIC = "notifications.journal";
    static final String GROUP = "notify-load";

    /** What the end-to-end part needs from the driver. */
    record Setup(String bootstrap, int partitions, int workers, long backlog, int rate, Duration warmup,
                 Duration healthy,
                 Duration outage, Duration recovery, CassandraEngine cassandra, CassandraStatusStore store,
                 PreferenceStore preferences, TokenInvalidationListener tokenListener, DedupGuard dedup,
                 Delivery apns, MeterRegistry registry) {
    }

    /** Counters at one instant. */
    record Mark(long nanos, long committed, long end, long sends, long statusOk, long statusFailed,
                long statusRejected) {
    }

    /** One phase's figures. */
    record Phase(String name, double seconds, long notifications, double notificationsPerSecond,
                 double sendsPerSecond, long statusWritesOk, long statusWritesFailed, long statusWritesRefused,
                 long lagAtStart, long lagAtEnd, long minLag, long publishedDuring, Double heapUsedAfterGcMiB,
                 String breakerAtEnd, double breakerNotClosedShare) {
    }

    /** One second of the timeline. */
    record Sample(double t, String phase, long committed, double notificationsPerSecond, double sendsPerSecond,
                  long lag, String breaker, double heapUsedMiB, double heapAfterLastGcMiB, double loadAverage) {
    }

    /** Everything the end-to-end part measured. */
    record Result(long backlog, int offeredRate, double backlogPublishSeconds, double backlogPublishPerSecond,
                  long toppedUp,
                  double groupReadySeconds, List<Phase> phases, Phase outageBreakerOpen,
                  double cassandraRestartSeconds, List<Sample> timeline) {
    }

    private final Setup setup;
    private final Workload workload;
    private final List<Sample> timeline = new CopyOnWriteArrayList<>();
    private final List<BatchProcessor> processors = new ArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong toppedUp = new AtomicLong();
    private CountingDelivery counting;
    private volatile String phase = "start";
    private volatile long minLagInPhase = Long.MAX_VALUE;
    private final long origin = System.nanoTime();

    EndToEnd(Setup setup, Workload workload) {
        this.setup = setup;
        this.workload = workload;
    }

    Result run(Admin admin) throws Exception {
        if (setup.rate() > 0) {
            LoadDriver.say("end-to-end: no backlog; publishing %,d notifications/s throughout", setup.rate());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Kafka.producerProperties(setup.bootstrap()))) {
                return drain(admin, producer, 0);
            }
        }
        long publishStart = System.nanoTime();
        LoadDriver.say("end-to-end: publishing a backlog of %,d notifications ...", setup.backlog());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Kafka.producerProperties(setup.bootstrap()))) {
            publish(producer, setup.backlog());
            double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
            LoadDriver.say("end-to-end: backlog published in %.1f s (%,.0f/s)", publishSeconds,
                    setup.backlog() / publishSeconds);
            return drain(admin, producer, publishSeconds);
        }
    }

    private void publish(KafkaProducer<byte[], byte[]> producer, long count) {
        long first = published.getAndAdd(count);
        for (long i = first; i < first + count; i++) {
            producer.send(new ProducerRecord<>(TOPIC, workload.key(i), workload.value(i)));
        }
        producer.flush();
    }

    private Result drain(Admin admin, KafkaProducer<byte[], byte[]> producer, double publishSeconds)
            throws Exception {
        ScheduledExecutorService retryScheduler = Executors.newScheduledThreadPool(1, LoadDriver.daemon("load-retry"));
        ScheduledExecutorService sampler = Executors.newScheduledThreadPool(2, LoadDriver.daemon("load-sampler"));
        counting = new CountingDelivery(setup.apns());
        Delivery apns = new RetryingDelivery(counting, RetryPolicy.ofDefaults(), retryScheduler,
                java.time.Clock.systemUTC());
        List<NotificationWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (KafkaDeliveryJournal journal = KafkaDeliveryJournal.create(setup.bootstrap(), JOURNAL_TOPIC, Map.of(),
                setup.registry())) {
            for (int i = 0; i < setup.workers(); i++) {
                BatchProcessor processor = BatchProcessor.builder()
                        .delivery(apns)
                        .statusStore(setup.store())
                        .statusGuard(StatusGuardConfig.ofDefaults())
                        // As the worker app runs under the default commit policy: bookkeeping never holds a batch.
                        .awaitStatusWrites(false)
                        .preferences(setup.preferences())
                        .dedup(setup.dedup())
                        .journal(journal)
                        .tokenInvalidationListener(setup.tokenListener())
                        .meterRegistry(setup.registry())
                        .build();
                processors.add(processor);
                NotificationWorker worker = NotificationWorker.create(WorkerConfig.builder()
                        .bootstrapServers(setup.bootstrap())
                        .topics(List.of(TOPIC))
                        .groupId(GROUP)
                        .clientId("notify-load-worker-" + i)
                        .deadLetterTopic(DEAD_LETTER_TOPIC)
                        .meterRegistry(setup.registry())
                        .build(), processor);
                workers.add(worker);
                Thread thread = new Thread(worker, "notify-load-worker-" + i);
                thread.start();
                threads.add(thread);
            }
            long joinStart = System.nanoTime();
            phase = "warmup";
            sampler.scheduleAtFixedRate(() -> sample(admin), 1, 1, TimeUnit.SECONDS);
            Thread paced = null;
            if (setup.rate() > 0) {
                paced = new Thread(() -> publishAtRate(producer), "load-publisher");
                paced.setDaemon(true);
                paced.start();
            } else {
                sampler.scheduleWithFixedDelay(() -> topUp(producer), 1, 1, TimeUnit.SECONDS);
            }
            while (!Kafka.groupReady(admin, GROUP, setup.workers(), setup.partitions())) {
                if (System.nanoTime() - joinStart > TimeUnit.MINUTES.toNanos(2)) {
                    throw new IllegalStateException("the workers did not join the group within 2 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            double groupReady = (System.nanoTime() - joinStart) / 1e9;
            LoadDriver.say("end-to-end: %d workers hold the %d partitions after %.1f s; warming up %d s",
                    setup.workers(), setup.partitions(), groupReady, setup.warmup().toSeconds());
            TimeUnit.NANOSECONDS.sleep(setup.warmup().toNanos());

            List<Phase> phases = new ArrayList<>();
            phases.add(measure("healthy", setup.healthy(), admin));

            LoadDriver.say(">>> Cassandra DOWN (SIGKILL)");
            minLagInPhase = Long.MAX_VALUE;
            Mark outageStart = mark(admin);
            int firstOutageSample = timeline.size();
            phase = "outage";
            setup.cassandra().kill();
            TimeUnit.NANOSECONDS.sleep(setup.outage().toNanos());
            Phase outage = phaseBetween("outage", outageStart, mark(admin), true);
            phases.add(outage);
            Phase breakerOpen = breakerOpenPart(firstOutageSample);
            report(outage);

            LoadDriver.say(">>> restarting Cassandra on the same data (traffic goes on) ...");
            phase = "restart";
            long restartStart = System.nanoTime();
            setup.cassandra().start();
            double restartSeconds = (System.nanoTime() - restartStart) / 1e9;
            LoadDriver.say(">>> Cassandra UP after %.1f s", restartSeconds);
            phases.add(measure("recovered", setup.recovery(), admin));
            phase = "stopping";
            sampler.shutdownNow();
            if (paced != null) {
                paced.interrupt();
                paced.join(TimeUnit.SECONDS.toMillis(10));
            }
            for (NotificationWorker worker : workers) {
                worker.close();
            }
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            return new Result(setup.backlog(), setup.rate(), round(publishSeconds),
                    publishSeconds == 0 ? 0 : round(setup.backlog() / publishSeconds),
                    toppedUp.get(), round(groupReady), phases, breakerOpen, round(restartSeconds),
                    List.copyOf(timeline));
        } finally {
            sampler.shutdownNow();
            workers.forEach(NotificationWorker::close);
            retryScheduler.shutdownNow();
        }
    }

    /** Measures a phase of {@code duration}, then a full GC for the heap figure (outside the window). */
    private Phase measure(String name, Duration duration, Admin admin) throws Exception {
        minLagInPhase = Long.MAX_VALUE;
        phase = name;
        Mark start = mark(admin);
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        Phase measured = phaseBetween(name, start, mark(admin), true);
        report(measured);
        return measured;
    }

    private void report(Phase measured) {
        LoadDriver.say("    %-10s %,8.0f notifications/s  (%,.0f sends/s, status writes ok %,d failed %,d refused %,d,"
                        + " lag %,d -> %,d, heap after GC %s MiB, breaker %s, not CLOSED %.0f%% of the time)",
                measured.name(), measured.notificationsPerSecond(), measured.sendsPerSecond(),
                measured.statusWritesOk(), measured.statusWritesFailed(), measured.statusWritesRefused(),
                measured.lagAtStart(), measured.lagAtEnd(), measured.heapUsedAfterGcMiB(), measured.breakerAtEnd(),
                100 * measured.breakerNotClosedShare());
    }

    private Phase phaseBetween(String name, Mark start, Mark end, boolean gc) {
        double seconds = (end.nanos() - start.nanos()) / 1e9;
        long notifications = end.committed() - start.committed();
        Double heap = null;
        if (gc) {
            System.gc();
            heap = round(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0);
        }
        return new Phase(name, round(seconds), notifications, round(notifications / seconds),
                round((end.sends() - start.sends()) / seconds), end.statusOk() - start.statusOk(),
                end.statusFailed() - start.statusFailed(), end.statusRejected() - start.statusRejected(),
                start.end() - start.committed(), end.end() - end.committed(),
                Math.min(minLagInPhase, end.end() - end.committed()),
                end.end() - start.end(), heap, breakers(), notClosedShare(name));
    }

    /** The share of the phase's one-second samples in which some worker's breaker was not CLOSED. */
    private double notClosedShare(String name) {
        long all = timeline.stream().filter(sample -> name.equals(sample.phase())).count();
        long notClosed = timeline.stream()
                .filter(sample -> name.equals(sample.phase()) && !"CLOSED".equals(sample.breaker())).count();
        return all == 0 ? 0 : round((double) notClosed / all);
    }

    /** The outage seconds in which every breaker was open, from the timeline. */
    private Phase breakerOpenPart(int firstSample) {
        List<Sample> open = new ArrayList<>();
        for (int i = Math.max(1, firstSample); i < timeline.size(); i++) {
            Sample sample = timeline.get(i);
            if ("outage".equals(sample.phase()) && "OPEN".equals(sample.breaker())) {
                open.add(sample);
            }
        }
        if (open.isEmpty()) {
            return null;
        }
        double notifications = open.stream().mapToDouble(Sample::notificationsPerSecond).sum();
        double sends = open.stream().mapToDouble(Sample::sendsPerSecond).sum();
        return new Phase("outage, breaker open", open.size(), Math.round(notifications),
                round(notifications / open.size()), round(sends / open.size()), 0, 0, 0,
                open.get(0).lag(), open.get(open.size() - 1).lag(),
                open.stream().mapToLong(Sample::lag).min().orElse(0), 0, null, "OPEN", 1.0);
    }

    private Mark mark(Admin admin) throws Exception {
        Kafka.Offsets offsets = Kafka.offsets(admin, GROUP, TOPIC, setup.partitions());
        // The workers' guards register the same counters in the shared registry, so any one guard reads the total.
        GuardedStatusStore guard = processors.get(0).statusStore();
        return new Mark(System.nanoTime(), offsets.committed(), offsets.end(), counting.accepted(),
                guard.succeededWrites(), guard.failedWrites(), guard.rejectedWrites());
    }

    private String breakers() {
        TreeSet<String> states = new TreeSet<>();
        for (BatchProcessor processor : processors) {
            states.add(processor.statusStore().breakerState().name());
        }
        return String.join("/", states);
    }

    private long lastCommitted = -1;
    private long lastSends;
    private long lastSampleNanos;
    private volatile long lastLag = Long.MAX_VALUE;
    private volatile double lastRate;

    private void sample(Admin admin) {
        try {
            long now = System.nanoTime();
            Kafka.Offsets offsets = Kafka.offsets(admin, GROUP, TOPIC, setup.partitions());
            long sends = counting.accepted();
            double rate = 0;
            double sendRate = 0;
            if (lastCommitted >= 0) {
                double seconds = (now - lastSampleNanos) / 1e9;
                rate = (offsets.committed() - lastCommitted) / seconds;
                sendRate = (sends - lastSends) / seconds;
            }
            lastCommitted = offsets.committed();
            lastSends = sends;
            lastSampleNanos = now;
            lastLag = offsets.lag();
            lastRate = rate;
            minLagInPhase = Math.min(minLagInPhase, offsets.lag());
            Sample sample = new Sample(round((now - origin) / 1e9), phase, offsets.committed(), round(rate),
                    round(sendRate), offsets.lag(), breakers(), round(heapUsed() / 1048576.0),
                    round(heapAfterLastGc() / 1048576.0),
                    round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            timeline.add(sample);
            if (timeline.size() % 5 == 0) {
                LoadDriver.say("    t=%5.1fs %-9s %,7.0f notifications/s  lag %,9d  breaker %-11s heap %,6.0f MiB  "
                                + "load %.1f", sample.t(), sample.phase(), sample.notificationsPerSecond(),
                        sample.lag(), sample.breaker(), sample.heapUsedMiB(), sample.loadAverage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LoadDriver.say("    (sample failed: %s)", e.toString());
        }
    }

    /**
     * Publishes more when less than about 10 s of work is left, so no measured phase runs dry (publishing takes CPU
     * from the path, so the backlog is sized to make this rare; each phase reports what was published during it).
     */
    private void topUp(KafkaProducer<byte[], byte[]> producer) {
        double rate = Math.max(lastRate, 2_000);
        if (lastLag < rate * 10) {
            long more = (long) (rate * 20);
            LoadDriver.say("    (top-up: lag %,d is under 10 s of work; publishing %,d more)", lastLag, more);
            publish(producer, more);
            toppedUp.addAndGet(more);
        }
    }

    /** Publishes {@link Setup#rate()} notifications per second, paced every 5 ms, until interrupted. */
    private void publishAtRate(KafkaProducer<byte[], byte[]> producer) {
        long start = System.nanoTime();
        long sent = 0;
        try {
            while (!Thread.currentThread().isInterrupted() && !"stopping".equals(phase)) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * setup.rate());
                for (; sent < due; sent++) {
                    long i = published.getAndIncrement();
                    producer.send(new ProducerRecord<>(TOPIC, workload.key(i), workload.value(i)));
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LoadDriver.say("    (paced publisher stopped: %s)", e.toString());
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Heap left after each pool's last collection (old generation: after its last mixed or full GC). */
    private static long heapAfterLastGc() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                used += pool.getCollectionUsage().getUsed();
            }
        }
        return used;
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
