package dev.notify.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.notify.core.Channel;
import dev.notify.core.Masking;
import dev.notify.core.PreferenceStore;
import dev.notify.core.Preferences;
import dev.notify.core.QuietHours;
import dev.notify.core.TokenInvalidationListener;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.MapOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' preferences and device tokens in Redis, read through Lettuce; the key layout is in this module's
 * {@code KEYS.md}.
 *
 * <p>{@link #lookup} serves what it can from a short local cache ({@link RedisConfig#preferenceCacheTtl()}) and reads
 * the rest with one pipelined round trip ({@code HGETALL} per user), bounded by
 * {@link RedisConfig#commandTimeout()}. While Redis is unreachable lookups fail at once (commands are rejected, never
 * buffered), so the batch path holds the records and retries them; nothing piles up in the heap.
 *
 * <p>The write methods ({@link #optOut}, {@link #setQuietHours}, {@link #blockRecipient}, {@link #registerToken}
 * and their inverses) invalidate the local cache entry of the user when they complete. Other processes' writes show
 * here within the cache's time to live.
 *
 * <p>As a {@link TokenInvalidationListener} it removes a dead device token, but only if the token was registered
 * before the provider said it died: a token registered again since (the app reinstalled) is kept. The check and the
 * removal run atomically in Redis.
 */
public final class RedisPreferenceStore implements PreferenceStore, TokenInvalidationListener {

    private static final Logger log = LoggerFactory.getLogger(RedisPreferenceStore.class);

    /** Removes ARGV[1] from the sorted set KEYS[1] if its score (registration time) is below ARGV[2]. */
    static final String REMOVE_TOKEN_IF_OLDER = """
            local registered = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if registered and tonumber(registered) < tonumber(ARGV[2]) then
              return redis.call('ZREM', KEYS[1], ARGV[1])
            end
            return 0
            """;

    private final LettuceConnection owned;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> commands;
    private final Pipeline pipeline;
    private final KeyLayout keys;
    private final Set<String> senders;
    private final Cache<String, Preferences> cache;
    private final AtomicLong writeGeneration = new AtomicLong();
    private final RedisMetrics metrics;
    private final Clock clock;

    RedisPreferenceStore(LettuceConnection owned, StatefulRedisConnection<String, String> connection,
                         RedisConfig config, MeterRegistry registry, Clock clock) {
        this.owned = owned;
        this.connection = Objects.requireNonNull(connection, "connection");
        this.commands = connection.async();
        this.pipeline = new Pipeline(connection, config.commandTimeout());
        this.keys = new KeyLayout(config.keyPrefix());
        this.senders = config.senders();
        this.cache = config.preferenceCacheTtl().isZero() ? null : Caffeine.newBuilder()
                .expireAfterWrite(config.preferenceCacheTtl())
                .maximumSize(config.preferenceCacheMaxSize())
                .build();
        this.metrics = new RedisMetrics(registry == null ? new SimpleMeterRegistry() : registry);
        this.metrics.awaitedCommands("preferences", pipeline::awaited);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A store on its own connection to the server of {@code config}, closed with the store.
     *
     * @param registry where its meters go; {@code null} for none
     * @throws io.lettuce.core.RedisConnectionException if the server cannot be reached now
     */
    public static RedisPreferenceStore create(RedisConfig config, MeterRegistry registry) {
        LettuceConnection connection = LettuceConnection.open(config);
        return new RedisPreferenceStore(connection, connection.connection(), config, registry, Clock.systemUTC());
    }

    /**
     * A store on a connection the caller opened and closes; its client should use
     * {@link #recommendedClientOptions(RedisConfig)}. Only the key prefix, timeout, cache and senders of
     * {@code config} apply.
     */
    public static RedisPreferenceStore using(StatefulRedisConnection<String, String> connection, RedisConfig config,
                                             MeterRegistry registry) {
        return new RedisPreferenceStore(null, connection, config, registry, Clock.systemUTC());
    }

    /**
     * Client options for a connection given to {@link #using}: commands rejected while disconnected, a bounded
     * request queue, command timeouts, no replay after a reconnection.
     */
    public static io.lettuce.core.ClientOptions recommendedClientOptions(RedisConfig config) {
        return LettuceConnection.clientOptions(config);
    }

    @Override
    public CompletionStage<Map<String, Preferences>> lookup(Collection<String> userIds) {
        long start = System.nanoTime();
        Map<String, Preferences> found = new HashMap<>();
        List<String> misses = new ArrayList<>();
        for (String userId : new LinkedHashSet<>(userIds)) {
            Preferences cached = cache == null ? null : cache.getIfPresent(userId);
            if (cached != null) {
                found.put(userId, cached);
            } else {
                misses.add(userId);
            }
        }
        metrics.cache(found.size(), cache == null ? 0 : misses.size());
        if (misses.isEmpty()) {
            return CompletableFuture.completedFuture(Collections.unmodifiableMap(found));
        }
        long generation = writeGeneration.get();
        List<Command<String, String, Map<String, String>>> reads = new ArrayList<>(misses.size());
        for (String userId : misses) {
            reads.add(new Command<>(CommandType.HGETALL, new MapOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).addKey(keys.preferences(userId))));
        }
        return pipeline.send(reads).handle((hashes, error) -> {
            if (error != null) {
                metrics.lookupFailed(System.nanoTime() - start);
                throw error instanceof CompletionException completion ? completion : new CompletionException(error);
            }
            boolean cacheable = cache != null && generation == writeGeneration.get();
            for (int i = 0; i < misses.size(); i++) {
                String userId = misses.get(i);
                Preferences preferences = decode(userId, hashes.get(i), senders);
                found.put(userId, preferences);
                if (cacheable) {
                    cache.put(userId, preferences);
                }
            }
            metrics.lookupSucceeded(System.nanoTime() - start);
            return Collections.unmodifiableMap(found);
        });
    }

    /** Reads one user's hash; a field it cannot read is skipped with a warning, never fatal. */
    static Preferences decode(String userId, Map<String, String> hash, Set<String> senders) {
        if (hash == null || hash.isEmpty()) {
            return Preferences.NONE;
        }
        Set<Channel> optedOut = EnumSet.noneOf(Channel.class);
        Set<String> blocked = new HashSet<>();
        QuietHours quietHours = null;
        for (Map.Entry<String, String> field : hash.entrySet()) {
            String name = field.getKey();
            if (name.startsWith(KeyLayout.OPT_OUT_FIELD_PREFIX)) {
                Channel channel = Channel.parseOrNull(name.substring(KeyLayout.OPT_OUT_FIELD_PREFIX.length()));
                if (channel != null) {
                    optedOut.add(channel);
                } else {
                    log.warn("[preferences] user {}: unknown channel in field '{}', ignored", userId, name);
                }
            } else if (name.startsWith(KeyLayout.BLOCK_FIELD_PREFIX)) {
                String block = name.substring(KeyLayout.BLOCK_FIELD_PREFIX.length());
                int separator = block.lastIndexOf(KeyLayout.SENDER_SEPARATOR);
                if (separator < 0) {
                    blocked.add(block);
                } else if (senders.isEmpty() || senders.contains(block.substring(separator + 1))) {
                    blocked.add(block.substring(0, separator));
                }
            } else if (name.equals(KeyLayout.QUIET_HOURS_FIELD)) {
                quietHours = parseQuietHours(userId, field.getValue());
            }
        }
        return new Preferences(optedOut, blocked, quietHours);
    }

    /** {@code "22:00 07:00 Europe/Paris"}, as {@link #formatQuietHours} writes it. */
    static String formatQuietHours(QuietHours quietHours) {
        return quietHours.start() + " " + quietHours.end() + " " + quietHours.zone().getId();
    }

    private static QuietHours parseQuietHours(String userId, String value) {
        String[] parts = value == null ? new String[0] : value.trim().split(" ");
        try {
            if (parts.length == 3) {
                return new QuietHours(LocalTime.parse(parts[0]), LocalTime.parse(parts[1]), ZoneId.of(parts[2]));
            }
        } catch (DateTimeException e) {
            // falls through to the warning
        }
        log.warn("[preferences] user {}: unreadable quiet hours '{}', ignored", userId, value);
        return null;
    }

    // ---- writes -------------------------------------------------------------------------------------------------

    /** Opts {@code userId} out of {@code channel}. */
    public CompletionStage<Void> optOut(String userId, Channel channel) {
        Objects.requireNonNull(channel, "channel");
        return written(userId, commands.hset(keys.preferences(userId), KeyLayout.optOutField(channel),
                String.valueOf(clock.millis())));
    }

    /** Undoes {@link #optOut}. */
    public CompletionStage<Void> optIn(String userId, Channel channel) {
        Objects.requireNonNull(channel, "channel");
        return written(userId, commands.hdel(keys.preferences(userId), KeyLayout.optOutField(channel)));
    }

    /** Sets the quiet hours of {@code userId}, in the user's time zone; replaces any earlier ones. */
    public CompletionStage<Void> setQuietHours(String userId, QuietHours quietHours) {
        Objects.requireNonNull(quietHours, "quietHours");
        return written(userId, commands.hset(keys.preferences(userId), KeyLayout.QUIET_HOURS_FIELD,
                formatQuietHours(quietHours)));
    }

    /** Removes the quiet hours of {@code userId}. */
    public CompletionStage<Void> clearQuietHours(String userId) {
        return written(userId, commands.hdel(keys.preferences(userId), KeyLayout.QUIET_HOURS_FIELD));
    }

    /**
     * Blocks {@code recipient} (a phone number, an address, a token) for {@code userId}: nothing is sent to it on
     * any channel, as for an SMS number whose carrier reported STOP (Twilio error 21610).
     *
     * @param sender the sender the block is for (a carrier STOP holds for one sender and recipient), or {@code null}
     *     for every sender; see {@link RedisConfig.Builder#senders} for when a sender-specific block applies
     * @param reason why, kept for people (e.g. {@code "twilio:21610"}); may be {@code null}
     */
    public CompletionStage<Void> blockRecipient(String userId, String recipient, String sender, String reason) {
        KeyLayout.checkBlockPart(recipient, "recipient");
        if (sender != null) {
            KeyLayout.checkBlockPart(sender, "sender");
        }
        String value = (reason == null ? "" : reason) + " " + clock.millis();
        return written(userId, commands.hset(keys.preferences(userId), KeyLayout.blockField(recipient, sender),
                value));
    }

    /** Undoes {@link #blockRecipient} for that recipient and sender ({@code null}: the every-sender block). */
    public CompletionStage<Void> unblockRecipient(String userId, String recipient, String sender) {
        KeyLayout.checkBlockPart(recipient, "recipient");
        return written(userId, commands.hdel(keys.preferences(userId), KeyLayout.blockField(recipient, sender)));
    }

    private CompletionStage<Void> written(String userId, CompletionStage<?> write) {
        Objects.requireNonNull(userId, "userId");
        return write.handle((ok, error) -> {
            writeGeneration.incrementAndGet();
            if (cache != null) {
                cache.invalidate(userId);
            }
            if (error != null) {
                throw error instanceof CompletionException completion ? completion : new CompletionException(error);
            }
            return null;
        });
    }

    // ---- device tokens ------------------------------------------------------------------------------------------

    /**
     * Registers {@code token} as a device of {@code userId} on {@code channel}, registered at {@code at}. A token
     * registered again keeps the later of the two times.
     */
    public CompletionStage<Void> registerToken(String userId, Channel channel, String token, Instant at) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(token, "token");
        return commands.zadd(keys.tokens(userId, channel), ZAddArgs.Builder.gt(), (double) at.toEpochMilli(), token)
                .thenApply(added -> null);
    }

    /** The device tokens of {@code userId} on {@code channel}, oldest registration first. */
    public CompletionStage<List<String>> tokens(String userId, Channel channel) {
        return commands.zrange(keys.tokens(userId, channel), 0, -1).thenApply(List::copyOf);
    }

    /**
     * Removes {@code token} from the devices of {@code userId} if it was registered before {@code invalidatedAt};
     * the stage says whether it was removed. Atomic: a registration racing with it either happens before (and the
     * token goes if that registration is older than the invalidation) or after (and the token is back).
     */
    public CompletionStage<Boolean> removeTokenIfRegisteredBefore(String userId, Channel channel, String token,
                                                                  Instant invalidatedAt) {
        Objects.requireNonNull(token, "token");
        return commands.<Long>eval(REMOVE_TOKEN_IF_OLDER, ScriptOutputType.INTEGER,
                        new String[] {keys.tokens(userId, channel)}, token,
                        String.valueOf(invalidatedAt.toEpochMilli()))
                .thenApply(removed -> removed != null && removed > 0);
    }

    /** Removes the dead token in the background; a failure is logged, the token stays until the next rejection. */
    @Override
    public void tokenInvalidated(String userId, Channel channel, String token, Instant invalidatedAt) {
        removeTokenIfRegisteredBefore(userId, channel, token, invalidatedAt).whenComplete((removed, error) -> {
            if (error != null) {
                log.warn("[tokens] could not remove dead {} token {} of user {}: {}", channel, Masking.mask(token),
                        userId, error.toString());
            } else {
                log.debug("[tokens] dead {} token {} of user {}: {}", channel, Masking.mask(token), userId,
                        removed ? "removed" : "kept (registered again since, or unknown)");
            }
        });
    }

    // ---- state --------------------------------------------------------------------------------------------------

    /** Whether the connection is up now. */
    public boolean isConnected() {
        return connection.isOpen();
    }

    /** Commands sent for lookups and not yet answered. */
    public int awaitedCommands() {
        return pipeline.awaited();
    }

    /** The most lookup commands ever awaited at once: stays under the request queue bound. */
    public int mostAwaitedCommands() {
        return pipeline.mostAwaited();
    }

    /** Forgets every cached preference. */
    public void invalidateCache() {
        writeGeneration.incrementAndGet();
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    /** Closes the connection if this store opened it. */
    @Override
    public void close() {
        if (owned != null && closed.compareAndSet(false, true)) {
            owned.close();
        }
    }
}
