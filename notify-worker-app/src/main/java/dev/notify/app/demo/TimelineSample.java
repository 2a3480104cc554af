package dev.notify.app.demo;

/**
 * One second of the demo's timeline.
 *
 * @param second seconds since the demo started publishing
 * @param sendsPerSecond sends that reached the providers in that second
 * @param failedStatusWritesPerSecond status writes that failed or were refused in that second
 * @param consumerLag the workers' total consumer lag at the end of that second
 * @param notFinalInStore notifications published whose final status is not yet in the store (PENDING or absent)
 * @param cassandraDown whether Cassandra was down during that second
 */
public record TimelineSample(int second, double sendsPerSecond, double failedStatusWritesPerSecond, long consumerLag,
                             long notFinalInStore, boolean cassandraDown) {
}
