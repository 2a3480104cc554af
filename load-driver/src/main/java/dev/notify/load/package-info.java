/**
 * The end-to-end load driver (issue 10): real engines on loopback, the ceiling of each component measured alone, then
 * the sustained throughput of the whole worker path, healthy and during a Cassandra outage, in one run. Run
 * {@link dev.notify.load.LoadDriver}; it prints a table and writes {@code load-report.json}.
 */
package dev.notify.load;
