package dev.notify.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The meters of the Redis adapters. Names:
 * <ul>
 *   <li>{@code notify.redis.lookup} (timer, tag {@code outcome} = {@code success} | {@code failure}): preference
 *       lookups that went to Redis, one per batch;</li>
 *   <li>{@code notify.redis.lookup.failures} (counter): lookups that failed (Redis down, slow or refusing);</li>
 *   <li>{@code notify.redis.cache} (counter, tag {@code result} = {@code hit} | {@code miss}): users served from the
 *       local preference cache or not;</li>
 *   <li>{@code notify.redis.dedup.hits} (counter): claims refused because the id was claimed already, i.e.
 *       re-sends stopped;</li>
 *   <li>{@code notify.redis.dedup.failures} (counter): claim calls that failed;</li>
 *   <li>{@code notify.redis.commands.awaited} (gauge, tag {@code component} = {@code preferences-N} | {@code dedup-N}, one per adapter instance): commands
 *       sent and not yet answered.</li>
 * </ul>
 */
final class RedisMetrics {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final MeterRegistry registry;
    private final Timer lookupSuccess;
    private final Timer lookupFailure;
    private final Counter lookupFailures;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter dedupHits;
    private final Counter dedupFailures;

    RedisMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lookupSuccess = Timer.builder("notify.redis.lookup").tag("outcome", "success")
                .description("Preference lookups sent to Redis (one per batch)").register(registry);
        this.lookupFailure = Timer.builder("notify.redis.lookup").tag("outcome", "failure")
                .description("Preference lookups sent to Redis (one per batch)").register(registry);
        this.lookupFailures = Counter.builder("notify.redis.lookup.failures")
                .description("Preference lookups that failed").register(registry);
        this.cacheHits = Counter.builder("notify.redis.cache").tag("result", "hit")
                .description("Users looked up in the local preference cache").register(registry);
        this.cacheMisses = Counter.builder("notify.redis.cache").tag("result", "miss")
                .description("Users looked up in the local preference cache").register(registry);
        this.dedupHits = Counter.builder("notify.redis.dedup.hits")
                .description("Claims refused: the notification was claimed (sent) before").register(registry);
        this.dedupFailures = Counter.builder("notify.redis.dedup.failures")
                .description("Dedup claim calls that failed").register(registry);
    }

    /** Registers the gauge of one adapter instance; {@code component} names it uniquely within the process. */
    void awaitedCommands(String component, Supplier<Number> awaited) {
        Gauge.builder("notify.redis.commands.awaited", awaited)
                .tag("component", component + "-" + INSTANCES.incrementAndGet())
                .description("Redis commands sent and not yet answered").register(registry);
    }

    void lookupSucceeded(long nanos) {
        lookupSuccess.record(nanos, TimeUnit.NANOSECONDS);
    }

    void lookupFailed(long nanos) {
        lookupFailure.record(nanos, TimeUnit.NANOSECONDS);
        lookupFailures.increment();
    }

    void cache(int hits, int misses) {
        if (hits > 0) {
            cacheHits.increment(hits);
        }
        if (misses > 0) {
            cacheMisses.increment(misses);
        }
    }

    void dedupHits(int refused) {
        if (refused > 0) {
            dedupHits.increment(refused);
        }
    }

    void dedupFailed() {
        dedupFailures.increment();
    }
}
