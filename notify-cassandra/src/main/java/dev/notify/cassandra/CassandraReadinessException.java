package dev.notify.cassandra;

/**
 * Cassandra is not ready for the status store: the cluster cannot be reached, the configured local datacenter is not
 * one of its datacenters, or the schema has not been created. Thrown at start, before any record is consumed; the
 * message says what to fix.
 */
public class CassandraReadinessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CassandraReadinessException(String message) {
        super(message);
    }

    public CassandraReadinessException(String message, Throwable cause) {
        super(message, cause);
    }
}
