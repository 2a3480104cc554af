package dev.notify.app.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What {@code demo} writes to {@code demo-report.json}.
 *
 * @param notifications records published (valid and bad)
 * @param validNotifications records the worker could read and validate
 * @param badRecords records of the input that are unreadable or invalid
 * @param sends send requests that reached the providers
 * @param duplicateSends sends beyond the first for the same notification id
 * @param lost valid notifications never sent and never given a final status
 * @param deadLettered records on the dead-letter topic
 * @param suppressed notifications not sent because of the users' preferences
 * @param statusCounts final rows in the store, by status (valid and bad records with a readable id)
 * @param outageSeconds how long Cassandra was down, from the kill until it was ready again
 * @param throughputHealthyPerSecond sends per second while Cassandra was up (seconds with publishing under way)
 * @param throughputDuringOutagePerSecond sends per second while Cassandra was down
 * @param maxConsumerLag the largest total consumer lag seen
 * @param failedStatusWrites status writes that failed or were refused by the breaker
 * @param reconciled statuses the reconciler wrote
 * @param reconcileQueriesPerSecond provider receipt queries per second while the reconciler worked
 * @param pendingAfterReconcile valid notifications whose status was still PENDING or absent at the end
 * @param offsetPolicy the workers' offset policy
 * @param dedup whether the dedup guard was on
 * @param elapsedSeconds how long the run took, engines included
 */
public record DemoReport(
        @JsonProperty("notifications") long notifications,
        @JsonProperty("valid_notifications") long validNotifications,
        @JsonProperty("bad_records") long badRecords,
        @JsonProperty("sends") long sends,
        @JsonProperty("duplicate_sends") long duplicateSends,
        @JsonProperty("lost") long lost,
        @JsonProperty("dead_lettered") long deadLettered,
        @JsonProperty("suppressed") long suppressed,
        @JsonProperty("status_counts") Map<String, Long> statusCounts,
        @JsonProperty("outage_seconds") double outageSeconds,
        @JsonProperty("throughput_healthy_per_s") double throughputHealthyPerSecond,
        @JsonProperty("throughput_during_outage_per_s") double throughputDuringOutagePerSecond,
        @JsonProperty("max_consumer_lag") long maxConsumerLag,
        @JsonProperty("failed_status_writes") long failedStatusWrites,
        @JsonProperty("reconciled") long reconciled,
        @JsonProperty("reconcile_queries_per_s") double reconcileQueriesPerSecond,
        @JsonProperty("pending_after_reconcile") long pendingAfterReconcile,
        @JsonProperty("offset_policy") String offsetPolicy,
        @JsonProperty("dedup") boolean dedup,
        @JsonProperty("elapsed_seconds") double elapsedSeconds) {
}
