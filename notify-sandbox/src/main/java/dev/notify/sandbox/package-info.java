/**
 * Real Kafka (KRaft), Cassandra and Redis servers on loopback, for integration tests, benchmarks and the
 * demo app, with fault injection.
 *
 * <ul>
 *   <li>{@link dev.notify.sandbox.KafkaEngine}: a single-node KRaft broker in this JVM.</li>
 *   <li>{@link dev.notify.sandbox.CassandraEngine}: a single Cassandra 5.0 node in a forked Java 17 JVM
 *       that can be paused (SIGSTOP), resumed, killed (SIGKILL) and restarted on the same data.</li>
 *   <li>{@link dev.notify.sandbox.RedisEngine}: a redis-server child process that keeps nothing on disk.</li>
 *   <li>{@link dev.notify.sandbox.Engines}: one shared, healthy instance of each per JVM, or a new one.</li>
 *   <li>{@link dev.notify.sandbox.WithEngines}: the JUnit 5 extension that hands engines to test
 *       parameters ({@link dev.notify.sandbox.Dedicated} for an instance of the test's own).</li>
 * </ul>
 *
 * Every engine binds 127.0.0.1 only, on free ports chosen at its first start and kept across restarts,
 * and every process it starts is ended by {@code close()} or, failing that, when this JVM exits.
 */
package dev.notify.sandbox;
