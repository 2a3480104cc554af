package dev.notify.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.notify.core.DedupGuard;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dedup guard in Redis: a claim is {@code SET <prefix>dedup:<id> <claim token> NX PX <ttl>}, one pipelined round
 * trip per batch; a release is {@code DEL}. A claim lasts {@link RedisConfig#dedupTtl()}.
 *
 * <p>A claim call that fails (Redis down, timeout) may still have been carried out by Redis before the connection
 * broke. So that such an id is not lost (refused for good although never sent), the guard remembers the claim token
 * it used, and the next claim of that id by this guard reuses it: a key holding that token is this guard's own claim
 * and is granted. A release that fails is remembered too and sent again before the next claim.
 */
public final class RedisDedupGuard implements DedupGuard {

    /** Ids whose release failed and is retried at the next claim, at most. */
    static final int MAX_PENDING_RELEASES = 10_000;
    /** Ids whose claim outcome is unknown that the guard remembers, at most. */
    static final long MAX_UNCERTAIN_CLAIMS = 100_000;

    private final LettuceConnection owned;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StatefulRedisConnection<String, String> connection;
    private final Pipeline pipeline;
    private final KeyLayout keys;
    private final long ttlMillis;
    private final RedisMetrics metrics;
    private final String tokenPrefix;
    private final AtomicLong tokenSequence = new AtomicLong();
    private final Cache<String, String> uncertain;
    private final Set<String> pendingReleases = ConcurrentHashMap.newKeySet();

    RedisDedupGuard(LettuceConnection owned, StatefulRedisConnection<String, String> connection, RedisConfig config,
                    MeterRegistry registry) {
        this.owned = owned;
        this.connection = Objects.requireNonNull(connection, "connection");
        this.pipeline = new Pipeline(connection, config.commandTimeout());
        this.keys = new KeyLayout(config.keyPrefix());
        this.ttlMillis = config.dedupTtl().toMillis();
        this.metrics = new RedisMetrics(registry == null ? new SimpleMeterRegistry() : registry);
        this.metrics.awaitedCommands("dedup", pipeline::awaited);
        this.tokenPrefix = Long.toHexString(new SecureRandom().nextLong()) + ":";
        this.uncertain = Caffeine.newBuilder()
                .expireAfterWrite(config.dedupTtl())
                .maximumSize(MAX_UNCERTAIN_CLAIMS)
                .build();
    }

    /**
     * The guard {@code config} asks for: a {@link RedisDedupGuard} on its own connection (closed with the guard), or
     * {@link DedupGuard#NONE} when {@link RedisConfig#dedupEnabled()} is off.
     *
     * @param registry where its meters go; {@code null} for none
     * @throws io.lettuce.core.RedisConnectionException if the server cannot be reached now
     */
    public static DedupGuard create(RedisConfig config, MeterRegistry registry) {
        if (!config.dedupEnabled()) {
            return DedupGuard.NONE;
        }
        LettuceConnection connection = LettuceConnection.open(config);
        return new RedisDedupGuard(connection, connection.connection(), config, registry);
    }

    /**
     * A guard on a connection the caller opened and closes (see
     * {@link RedisPreferenceStore#recommendedClientOptions(RedisConfig)}). Only the key prefix, timeout and dedup
     * time to live of {@code config} apply.
     */
    public static RedisDedupGuard using(StatefulRedisConnection<String, String> connection, RedisConfig config,
                                        MeterRegistry registry) {
        return new RedisDedupGuard(null, connection, config, registry);
    }

    @Override
    public CompletionStage<Set<String>> claim(Collection<String> notificationIds) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(notificationIds));
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        List<String> tokens = new ArrayList<>(ids.size());
        for (String id : ids) {
            String earlier = uncertain.getIfPresent(id);
            tokens.add(earlier != null ? earlier : tokenPrefix + tokenSequence.incrementAndGet());
        }
        List<String> releases = drainPendingReleases();
        List<RedisCommand<String, String, ?>> batch = new ArrayList<>(releases.size() + ids.size());
        for (String id : releases) {
            batch.add(del(id));
        }
        for (int i = 0; i < ids.size(); i++) {
            batch.add(new Command<>(CommandType.SET, new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).addKey(keys.dedup(ids.get(i))).addValue(tokens.get(i))
                            .add("NX").add("PX").add(ttlMillis)));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<RedisCommand<String, String, Object>> untyped = (List) batch;
        return pipeline.send(untyped).handle((replies, error) -> {
            if (error != null) {
                failed(ids, tokens, releases);
                throw error instanceof CompletionException completion ? completion : new CompletionException(error);
            }
            Set<String> claimed = new HashSet<>();
            List<Integer> ambiguous = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if ("OK".equals(replies.get(releases.size() + i))) {
                    claimed.add(ids.get(i));
                } else if (uncertain.getIfPresent(ids.get(i)) != null) {
                    ambiguous.add(i);
                }
            }
            return new Partial(ids, tokens, claimed, ambiguous);
        }).thenCompose(partial -> partial.ambiguous.isEmpty()
                ? CompletableFuture.completedFuture(partial.done())
                : resolveAmbiguous(partial));
    }

    /** What the SET round trip decided, and the ids whose earlier claim may have been this guard's own. */
    private final class Partial {
        final List<String> ids;
        final List<String> tokens;
        final Set<String> claimed;
        final List<Integer> ambiguous;

        Partial(List<String> ids, List<String> tokens, Set<String> claimed, List<Integer> ambiguous) {
            this.ids = ids;
            this.tokens = tokens;
            this.claimed = claimed;
            this.ambiguous = ambiguous;
        }

        Set<String> done() {
            for (String id : ids) {
                uncertain.invalidate(id);
            }
            metrics.dedupHits(ids.size() - claimed.size());
            return Set.copyOf(claimed);
        }
    }

    /** Reads the ambiguous keys: a key holding this guard's own earlier token is granted. */
    private CompletionStage<Set<String>> resolveAmbiguous(Partial partial) {
        List<Command<String, String, String>> reads = new ArrayList<>(partial.ambiguous.size());
        for (int i : partial.ambiguous) {
            reads.add(new Command<>(CommandType.GET, new ValueOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).addKey(keys.dedup(partial.ids.get(i)))));
        }
        return pipeline.send(reads).handle((values, error) -> {
            if (error != null) {
                // Still unknown: keep the tokens, fail the call, the batch path holds the records.
                metrics.dedupFailed();
                throw error instanceof CompletionException completion ? completion : new CompletionException(error);
            }
            for (int k = 0; k < partial.ambiguous.size(); k++) {
                int i = partial.ambiguous.get(k);
                if (partial.tokens.get(i).equals(values.get(k))) {
                    partial.claimed.add(partial.ids.get(i));
                }
            }
            return partial.done();
        });
    }

    private void failed(List<String> ids, List<String> tokens, List<String> releases) {
        metrics.dedupFailed();
        for (int i = 0; i < ids.size(); i++) {
            uncertain.put(ids.get(i), tokens.get(i));
        }
        for (String id : releases) {
            rememberRelease(id);
        }
    }

    @Override
    public CompletionStage<Void> release(String notificationId) {
        Objects.requireNonNull(notificationId, "notificationId");
        uncertain.invalidate(notificationId);
        return pipeline.send(List.of(del(notificationId))).handle((replies, error) -> {
            if (error != null) {
                rememberRelease(notificationId);
                throw error instanceof CompletionException completion ? completion : new CompletionException(error);
            }
            return null;
        });
    }

    private void rememberRelease(String notificationId) {
        if (pendingReleases.size() < MAX_PENDING_RELEASES) {
            pendingReleases.add(notificationId);
        }
    }

    private List<String> drainPendingReleases() {
        if (pendingReleases.isEmpty()) {
            return List.of();
        }
        List<String> drained = new ArrayList<>();
        Iterator<String> iterator = pendingReleases.iterator();
        while (iterator.hasNext()) {
            String id = iterator.next();
            if (pendingReleases.remove(id)) {
                drained.add(id);
            }
        }
        return drained;
    }

    private Command<String, String, Long> del(String notificationId) {
        return new Command<>(CommandType.DEL, new IntegerOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(keys.dedup(notificationId)));
    }

    /** Whether the connection is up now. */
    public boolean isConnected() {
        return connection.isOpen();
    }

    /** Commands sent for claims and releases and not yet answered. */
    public int awaitedCommands() {
        return pipeline.awaited();
    }

    /** The most claim and release commands ever awaited at once. */
    public int mostAwaitedCommands() {
        return pipeline.mostAwaited();
    }

    /** Releases whose DEL failed and waits for the next claim. */
    public int pendingReleases() {
        return pendingReleases.size();
    }

    /** Closes the connection if this guard opened it. */
    @Override
    public void close() {
        if (owned != null && closed.compareAndSet(false, true)) {
            owned.close();
        }
    }
}
