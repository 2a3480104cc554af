/**
 * The status store on Apache Cassandra: {@link dev.notify.cassandra.CassandraStatusStore} (a
 * {@link dev.notify.core.StatusStore} on the Java driver 4.x), its configuration
 * {@link dev.notify.cassandra.CassandraStoreConfig}, the readiness check of
 * {@link dev.notify.cassandra.CassandraSessionFactory}, and the schema of {@link dev.notify.cassandra.SchemaMigration}.
 * Package-private classes hold the timestamp rules, the PENDING index layout and the cursor encoding.
 */
package dev.notify.cassandra;
