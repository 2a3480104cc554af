package dev.notify.app;

import dev.notify.app.demo.DemoOptions;
import dev.notify.app.demo.DemoReport;
import dev.notify.app.demo.DemoRun;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The main job on embedded defaults: the outage demo. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs the whole product on this machine: real Kafka (KRaft), Cassandra and Redis on loopback, sandbox "
                    + "APNs/FCM/Twilio/SendGrid servers, two workers and the reconciler. Publishes the input at a "
                    + "steady rate, kills Cassandra partway and restarts it, then waits for the reconciler to heal "
                    + "every status.",
            "Writes a JSON report and an HTML timeline; exits 0 when there were no duplicate sends, nothing lost, "
                    + "every bad record dead-lettered and nothing left PENDING (with --offset-policy replay and no "
                    + "dedup guard, duplicates are expected and do not fail it)."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--notifications", defaultValue = "20000",
            description = "Notifications to generate when no --input is given (about 1%% bad). Default: ${DEFAULT-VALUE}.")
    int notifications;

    @Option(names = "--outage-seconds", defaultValue = "20",
            description = "Seconds Cassandra stays down before its restart begins. Default: ${DEFAULT-VALUE}.")
    int outageSeconds;

    @Option(names = "--healthy-seconds", defaultValue = "15",
            description = "Seconds of healthy traffic before the outage and after the restart. Default: ${DEFAULT-VALUE}.")
    int healthySeconds;

    @Option(names = "--offset-policy", defaultValue = "commit",
            description = "commit (commit after delivery) or replay (replay a batch whose status writes failed). "
                    + "Default: ${DEFAULT-VALUE}.")
    String offsetPolicy;

    @Option(names = "--dedup", negatable = true,
            description = "Claim ids in Redis before sending. Default: on with commit, off with replay (so the "
                    + "replay policy's re-sends show).")
    Boolean dedup;

    @Option(names = "--input", description = "NDJSON file of notification records to publish instead of generated ones.")
    Path input;

    @Option(names = "--report", defaultValue = "demo-report.json", description = "Report file. Default: ${DEFAULT-VALUE}.")
    Path report;

    @Option(names = "--timeline", defaultValue = "demo-timeline.html",
            description = "Timeline chart (HTML). Default: ${DEFAULT-VALUE}.")
    Path timeline;

    @Option(names = "--workers", defaultValue = "2", description = "Worker instances. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--partitions", defaultValue = "8", description = "Partitions of the topic. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Override
    public Integer call() throws Exception {
        picocli.CommandLine line = new picocli.CommandLine(this);
        if (!offsetPolicy.equals("commit") && !offsetPolicy.equals("replay")) {
            throw new picocli.CommandLine.ParameterException(line,
                    "--offset-policy must be commit or replay, was '" + offsetPolicy + "'");
        }
        require(line, notifications >= 1, "--notifications must be at least 1");
        require(line, outageSeconds >= 0, "--outage-seconds must not be negative");
        require(line, healthySeconds >= 1, "--healthy-seconds must be at least 1");
        require(line, workers >= 1, "--workers must be at least 1");
        require(line, partitions >= workers, "--partitions must be at least --workers (" + workers + ")");
        require(line, input == null || java.nio.file.Files.isReadable(input), "--input " + input + " cannot be read");
        boolean dedupOn = dedup != null ? dedup : offsetPolicy.equals("commit");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DemoReport result = new DemoRun(new DemoOptions(notifications, outageSeconds, healthySeconds, offsetPolicy,
                dedupOn, input, report, timeline, workers, partitions), registry).run();
        printSummary(result);
        boolean expectDuplicates = offsetPolicy.equals("replay") && !dedupOn;
        boolean ok = result.lost() == 0 && result.pendingAfterReconcile() == 0
                && (expectDuplicates || result.duplicateSends() == 0)
                && result.deadLettered() == result.badRecords();
        return ok ? 0 : 1;
    }

    private static void require(picocli.CommandLine line, boolean condition, String message) {
        if (!condition) {
            throw new picocli.CommandLine.ParameterException(line, message);
        }
    }

    private void printSummary(DemoReport r) {
        DemoRun.say("");
        DemoRun.say("=== notify demo: summary ===");
        DemoRun.say("notifications published      %d (%d valid, %d bad)", r.notifications(), r.validNotifications(),
                r.badRecords());
        DemoRun.say("sends to providers           %d", r.sends());
        DemoRun.say("duplicate sends              %d", r.duplicateSends());
        DemoRun.say("lost                         %d", r.lost());
        DemoRun.say("dead-lettered                %d (of %d bad)", r.deadLettered(), r.badRecords());
        DemoRun.say("suppressed by preferences    %d", r.suppressed());
        DemoRun.say("status counts                %s", r.statusCounts());
        DemoRun.say("Cassandra outage             %.1f s", r.outageSeconds());
        DemoRun.say("throughput healthy           %.1f sends/s", r.throughputHealthyPerSecond());
        DemoRun.say("throughput during outage     %.1f sends/s (%.2f of healthy)", r.throughputDuringOutagePerSecond(),
                r.throughputHealthyPerSecond() == 0 ? 0 : r.throughputDuringOutagePerSecond() / r.throughputHealthyPerSecond());
        DemoRun.say("max consumer lag             %d", r.maxConsumerLag());
        DemoRun.say("failed status writes         %d", r.failedStatusWrites());
        DemoRun.say("reconciled                   %d (%.1f receipt queries/s)", r.reconciled(),
                r.reconcileQueriesPerSecond());
        DemoRun.say("PENDING after reconcile      %d", r.pendingAfterReconcile());
        DemoRun.say("offset policy %s, dedup guard %s", r.offsetPolicy(), r.dedup() ? "on" : "off");
        DemoRun.say("report: %s   timeline: %s", report.toAbsolutePath(), timeline.toAbsolutePath());
    }
}
