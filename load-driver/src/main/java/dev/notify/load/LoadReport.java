package dev.notify.load;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What one run measured, as printed and as written to {@code load-report.json}.
 *
 * @param healthyPerSecond notifications handled (sent and their offsets committed) per second, Cassandra up
 * @param outagePerSecond the same from the SIGKILL for the outage time, breaker opening included
 * @param outageRatio outage / healthy; the target is at least {@link LoadDriver#TARGET_OUTAGE_RATIO}
 * @param slowestCeiling the component with the lowest ceiling
 * @param healthyFractionOfSlowest healthy / that ceiling
 * @param outageFractionOfSlowest outage / that ceiling
 */
record LoadReport(Machine machine, Settings settings, List<Ceilings.Ceiling> ceilings, double healthyPerSecond,
                  double outagePerSecond, Double outageBreakerOpenPerSecond, double outageRatio,
                  boolean outageTargetMet, Ceilings.Ceiling slowestCeiling, double healthyFractionOfSlowest,
                  double outageFractionOfSlowest, EndToEnd.Result endToEnd) {

    /** Where and when it ran. */
    record Machine(int cores, String java, String vm, Instant startedAt, double loadAverageAtStart,
                   double loadAverageAtEnd, double runSeconds, long maxHeapMiB, String note) {
    }

    /** The run's options. */
    record Settings(int seconds, int ceilingSeconds, int warmupSeconds, int recoverySeconds, int workers,
                    int partitions, int cassandraConcurrency, int apnsConcurrency, boolean redis, int rate,
                    String workload) {
    }

    static LoadReport of(LoadDriver driver, Instant startedAt, double loadAtStart, double loadAtEnd, double runSeconds,
                         List<Ceilings.Ceiling> ceilings, EndToEnd.Result result) {
        Machine machine = new Machine(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"), startedAt,
                EndToEnd.round(loadAtStart), EndToEnd.round(loadAtEnd), EndToEnd.round(runSeconds),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() / 1048576,
                "Kafka broker, sandbox APNs server and client, workers and the driver share this JVM; Cassandra is a "
                        + "forked JVM and Redis a child process, all on the same cores");
        Settings settings = new Settings(driver.seconds, driver.ceilingSeconds, driver.warmupSeconds,
                driver.recoverySeconds, driver.workers, driver.partitions, driver.cassandraConcurrency,
                driver.apnsConcurrency, driver.redisOn, driver.rate,
                "APNs only, distinct ids, NORMAL priority, no opt-outs; Redis preferences + dedup "
                        + (driver.redisOn ? "on" : "off") + "; journal to Kafka; retry decorator; status guard defaults");
        EndToEnd.Phase healthy = phase(result, "healthy");
        EndToEnd.Phase outage = phase(result, "outage");
        double ratio = healthy.notificationsPerSecond() == 0 ? 0
                : outage.notificationsPerSecond() / healthy.notificationsPerSecond();
        Ceilings.Ceiling slowest = ceilings.stream().min(Comparator.comparingDouble(Ceilings.Ceiling::perSecond))
                .orElseThrow();
        return new LoadReport(machine, settings, ceilings, healthy.notificationsPerSecond(),
                outage.notificationsPerSecond(),
                result.outageBreakerOpen() == null ? null : result.outageBreakerOpen().notificationsPerSecond(),
                EndToEnd.round(ratio), ratio >= LoadDriver.TARGET_OUTAGE_RATIO, slowest,
                EndToEnd.round(healthy.notificationsPerSecond() / slowest.perSecond()),
                EndToEnd.round(outage.notificationsPerSecond() / slowest.perSecond()), result);
    }

    private static EndToEnd.Phase phase(EndToEnd.Result result, String name) {
        return result.phases().stream().filter(phase -> phase.name().equals(name)).findFirst().orElseThrow();
    }

    void print() {
        LoadDriver.say("");
        LoadDriver.say("=== load driver: %d cores, Java %s, load average %.1f -> %.1f, %s ===", machine.cores(),
                machine.java(), machine.loadAverageAtStart(), machine.loadAverageAtEnd(), machine.startedAt());
        LoadDriver.say("%-34s %14s", "component ceiling (alone)", "per second");
        for (Ceilings.Ceiling ceiling : ceilings) {
            LoadDriver.say("%-34s %,14.0f", ceiling.component(), ceiling.perSecond());
        }
        LoadDriver.say("");
        LoadDriver.say("%-22s %7s %15s %10s %22s %12s %9s %17s %10s %9s", "end-to-end phase", "seconds",
                "notifications/s", "sends/s", "status ok/fail(refused)", "breaker open", "lag start", "lag end (min)",
                "published", "heap MiB");
        List<EndToEnd.Phase> phases = new java.util.ArrayList<>(endToEnd.phases());
        if (endToEnd.outageBreakerOpen() != null) {
            phases.add(2, endToEnd.outageBreakerOpen());
        }
        for (EndToEnd.Phase phase : phases) {
            LoadDriver.say("%-22s %7.1f %15.0f %10.0f %22s %11.0f%% %9d %17s %10d %9s", phase.name(), phase.seconds(),
                    phase.notificationsPerSecond(), phase.sendsPerSecond(),
                    phase.statusWritesOk() + "/" + phase.statusWritesFailed() + "(" + phase.statusWritesRefused() + ")",
                    100 * phase.breakerNotClosedShare(),
                    phase.lagAtStart(), phase.lagAtEnd() + " (" + phase.minLag() + ")", phase.publishedDuring(),
                    phase.heapUsedAfterGcMiB() == null ? "-"
                            : String.format(java.util.Locale.ROOT, "%.0f", phase.heapUsedAfterGcMiB()));
        }
        LoadDriver.say("");
        LoadDriver.say("outage / healthy = %.2f (target >= %.2f: %s)", outageRatio, LoadDriver.TARGET_OUTAGE_RATIO,
                outageTargetMet ? "met" : "NOT met");
        LoadDriver.say("slowest ceiling: %s %,.0f/s; end-to-end healthy = %.2f of it, outage = %.2f of it",
                slowestCeiling.component(), slowestCeiling.perSecond(), healthyFractionOfSlowest,
                outageFractionOfSlowest);
        if (endToEnd.offeredRate() > 0) {
            LoadDriver.say("offered load %,d notifications/s throughout (no backlog); Cassandra restart took %.1f s",
                    endToEnd.offeredRate(), endToEnd.cassandraRestartSeconds());
        } else {
            LoadDriver.say("backlog %,d published at %,.0f/s (topped up %,d); Cassandra restart took %.1f s",
                    endToEnd.backlog(), endToEnd.backlogPublishPerSecond(), endToEnd.toppedUp(),
                    endToEnd.cassandraRestartSeconds());
        }
    }
}
