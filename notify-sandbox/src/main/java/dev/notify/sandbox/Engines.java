package dev.notify.sandbox;

/**
 * Where tests, benchmarks and the demo app get engines.
 *
 * <p>{@code shared*()} give one instance of each engine per JVM, started on first use and ended when the JVM
 * exits: a test run pays each startup once (Cassandra about 11 s, Kafka about 5 s). Each call hands the
 * engine back healthy: running, and resumed if a test left it paused. A test may stop, pause or kill a shared
 * engine as long as tests do not run in parallel; the next caller (and {@link WithEngines} after each test)
 * brings it back. {@code new*()} give a started instance of the caller's own, to close when done.
 */
public final class Engines {

    private static KafkaEngine sharedKafka;
    private static CassandraEngine sharedCassandra;
    private static RedisEngine sharedRedis;

    private Engines() {
    }

    /** The JVM's shared Kafka broker, running. */
    public static synchronized KafkaEngine sharedKafka() {
        if (sharedKafka == null) {
            sharedKafka = KafkaEngine.builder().build();
        }
        sharedKafka.start();
        return sharedKafka;
    }

    /** The JVM's shared Cassandra node, running and not paused. */
    public static synchronized CassandraEngine sharedCassandra() {
        if (sharedCassandra == null) {
            sharedCassandra = CassandraEngine.builder().build();
        }
        heal(sharedCassandra);
        return sharedCassandra;
    }

    /** The JVM's shared Redis server, running. */
    public static synchronized RedisEngine sharedRedis() {
        if (sharedRedis == null) {
            sharedRedis = RedisEngine.create();
        }
        sharedRedis.start();
        return sharedRedis;
    }

    /** A new, started Kafka broker with the defaults; the caller closes it. */
    public static KafkaEngine newKafka() {
        return started(KafkaEngine.builder().build());
    }

    /** A new, started Cassandra node with the defaults; the caller closes it. */
    public static CassandraEngine newCassandra() {
        return started(CassandraEngine.builder().build());
    }

    /** A new, started Redis server; the caller closes it. */
    public static RedisEngine newRedis() {
        return started(RedisEngine.create());
    }

    /** Brings every shared engine created so far back to running (and resumed). */
    static synchronized void healShared() {
        if (sharedKafka != null) {
            sharedKafka.start();
        }
        if (sharedCassandra != null) {
            heal(sharedCassandra);
        }
        if (sharedRedis != null) {
            sharedRedis.start();
        }
    }

    private static void heal(CassandraEngine cassandra) {
        if (cassandra.isPaused()) {
            cassandra.resume();
        }
        cassandra.start();
    }

    private static <E extends Engine> E started(E engine) {
        try {
            engine.start();
            return engine;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }
}
