package dev.notify.reconcile;

import dev.notify.core.Channel;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the reconciliation job works: immutable, built with {@link #custom()} (or {@link #from(ReconcilerConfig)}), every
 * default a public constant.
 */
public final class ReconcilerConfig {

    /** Default age after which a PENDING status is stale: 10 minutes. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(10);
    /** Default stale age for SMS, whose carriers report delivery late: 4 hours. */
    public static final Duration DEFAULT_SMS_STALE_AFTER = Duration.ofHours(4);
    /** Default age of a journal entry before the store is checked for it (lets the worker's own write land): 1 minute. */
    public static final Duration DEFAULT_JOURNAL_GRACE = Duration.ofMinutes(1);
    /** Default page size of stale PENDING reads: 500. */
    public static final int DEFAULT_PAGE_SIZE = 500;
    /** Default bound on stale records one pass takes on (and on journal entries it checks): 100,000. */
    public static final int DEFAULT_MAX_RECORDS_PER_PASS = 100_000;
    /** Default provider query rate: 100 per second (all channels together). */
    public static final double DEFAULT_QUERIES_PER_SECOND = 100.0;
    /** Default bound on provider queries in flight: 16. */
    public static final int DEFAULT_MAX_QUERIES_IN_FLIGHT = 16;
    /** Default time a provider query may take: 10 seconds. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);
    /** Default time before a notification whose query settled nothing is asked again: 30 minutes. */
    public static final Duration DEFAULT_REQUERY_AFTER = Duration.ofMinutes(30);
    /** Default age after which what nothing could settle is marked FAILED: 3 days. */
    public static final Duration DEFAULT_FAIL_UNRESOLVED_AFTER = Duration.ofDays(3);
    /** Reason written with a status marked FAILED because nothing could settle it. */
    public static final String UNRESOLVED_REASON = "unresolved";
    /** Default time a status store read or write may take: 5 seconds. */
    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(5);
    /** Default live load at which the query rate starts to fall: never (no signal). */
    public static final double DEFAULT_LIVE_LOAD_SLOWDOWN_AT = Double.POSITIVE_INFINITY;
    /** Default live load at which the job stops: never (no signal). */
    public static final double DEFAULT_LIVE_LOAD_STOP_AT = Double.POSITIVE_INFINITY;
    /** Default interval at which a stopped job reads the live load signal again: 1 second. */
    public static final Duration DEFAULT_LOAD_POLL_INTERVAL = Duration.ofSeconds(1);

    private final Duration staleAfter;
    private final Map<Channel, Duration> staleAfterByChannel;
    private final Duration journalGrace;
    private final int pageSize;
    private final int maxRecordsPerPass;
    private final double queriesPerSecond;
    private final int maxQueriesInFlight;
    private final Duration queryTimeout;
    private final Duration requeryAfter;
    private final Duration failUnresolvedAfter;
    private final Duration storeTimeout;
    private final double liveLoadSlowdownAt;
    private final double liveLoadStopAt;
    private final Duration loadPollInterval;
    private final OffPeakWindow offPeakWindow;
    private final InstanceShard shard;

    private ReconcilerConfig(Builder builder) {
        this.staleAfter = builder.staleAfter;
        this.staleAfterByChannel = Map.copyOf(builder.staleAfterByChannel);
        this.journalGrace = builder.journalGrace;
        this.pageSize = builder.pageSize;
        this.maxRecordsPerPass = builder.maxRecordsPerPass;
        this.queriesPerSecond = builder.queriesPerSecond;
        this.maxQueriesInFlight = builder.maxQueriesInFlight;
        this.queryTimeout = builder.queryTimeout;
        this.requeryAfter = builder.requeryAfter;
        this.failUnresolvedAfter = builder.failUnresolvedAfter;
        this.storeTimeout = builder.storeTimeout;
        this.liveLoadSlowdownAt = builder.liveLoadSlowdownAt;
        this.liveLoadStopAt = builder.liveLoadStopAt;
        this.loadPollInterval = builder.loadPollInterval;
        this.offPeakWindow = builder.offPeakWindow;
        this.shard = builder.shard;
    }

    /** The defaults. */
    public static ReconcilerConfig ofDefaults() {
        return custom().build();
    }

    /** A builder holding the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder holding the settings of {@code base}. */
    public static Builder from(ReconcilerConfig base) {
        return new Builder(base);
    }

    /** Age after which a PENDING status is stale, for channels without their own. */
    public Duration staleAfter() {
        return staleAfter;
    }

    /** Per-channel stale ages that replace {@link #staleAfter()}. */
    public Map<Channel, Duration> staleAfterByChannel() {
        return staleAfterByChannel;
    }

    /** The stale age of {@code channel} ({@code null}: the general one). */
    public Duration staleAfter(Channel channel) {
        return channel == null ? staleAfter : staleAfterByChannel.getOrDefault(channel, staleAfter);
    }

    /** The shortest stale age of any channel: what a stale PENDING read asks the store for. */
    public Duration shortestStaleAfter() {
        Duration shortest = staleAfter;
        for (Duration duration : staleAfterByChannel.values()) {
            if (duration.compareTo(shortest) < 0) {
                shortest = duration;
            }
        }
        return shortest;
    }

    public Duration journalGrace() {
        return journalGrace;
    }

    public int pageSize() {
        return pageSize;
    }

    public int maxRecordsPerPass() {
        return maxRecordsPerPass;
    }

    public double queriesPerSecond() {
        return queriesPerSecond;
    }

    public int maxQueriesInFlight() {
        return maxQueriesInFlight;
    }

    public Duration queryTimeout() {
        return queryTimeout;
    }

    public Duration requeryAfter() {
        return requeryAfter;
    }

    /** Age after which an unresolved PENDING status is marked FAILED; {@code null}: never. */
    public Duration failUnresolvedAfter() {
        return failUnresolvedAfter;
    }

    public Duration storeTimeout() {
        return storeTimeout;
    }

    public double liveLoadSlowdownAt() {
        return liveLoadSlowdownAt;
    }

    public double liveLoadStopAt() {
        return liveLoadStopAt;
    }

    public Duration loadPollInterval() {
        return loadPollInterval;
    }

    /** The window the job works in; {@code null}: any time. */
    public OffPeakWindow offPeakWindow() {
        return offPeakWindow;
    }

    public InstanceShard shard() {
        return shard;
    }

    /**
     * The share of the full query rate allowed at live load {@code load}: 1 at or below
     * {@link #liveLoadSlowdownAt()}, 0 at or above {@link #liveLoadStopAt()}, linear between.
     */
    public double rateFactor(double load) {
        if (Double.isNaN(load)) {
            return 1.0; // a broken signal must not stop reconciliation for ever
        }
        if (load >= liveLoadStopAt) {
            return 0.0;
        }
        if (load <= liveLoadSlowdownAt) {
            return 1.0;
        }
        return (liveLoadStopAt - load) / (liveLoadStopAt - liveLoadSlowdownAt);
    }

    @Override
    public String toString() {
        return "ReconcilerConfig{staleAfter=" + staleAfter + ", staleAfterByChannel=" + staleAfterByChannel
                + ", journalGrace=" + journalGrace + ", pageSize=" + pageSize + ", maxRecordsPerPass="
                + maxRecordsPerPass + ", queriesPerSecond=" + queriesPerSecond + ", maxQueriesInFlight="
                + maxQueriesInFlight + ", queryTimeout=" + queryTimeout + ", requeryAfter=" + requeryAfter
                + ", failUnresolvedAfter=" + failUnresolvedAfter + ", storeTimeout=" + storeTimeout
                + ", liveLoadSlowdownAt=" + liveLoadSlowdownAt + ", liveLoadStopAt=" + liveLoadStopAt
                + ", loadPollInterval=" + loadPollInterval + ", offPeakWindow=" + offPeakWindow + ", shard=" + shard
                + "}";
    }

    /** A mutable builder; {@link #build()} checks the settings together. */
    public static final class Builder {
        private Duration staleAfter = DEFAULT_STALE_AFTER;
        private final Map<Channel, Duration> staleAfterByChannel = new EnumMap<>(Channel.class);
        private Duration journalGrace = DEFAULT_JOURNAL_GRACE;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private int maxRecordsPerPass = DEFAULT_MAX_RECORDS_PER_PASS;
        private double queriesPerSecond = DEFAULT_QUERIES_PER_SECOND;
        private int maxQueriesInFlight = DEFAULT_MAX_QUERIES_IN_FLIGHT;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        private Duration requeryAfter = DEFAULT_REQUERY_AFTER;
        private Duration failUnresolvedAfter = DEFAULT_FAIL_UNRESOLVED_AFTER;
        private Duration storeTimeout = DEFAULT_STORE_TIMEOUT;
        private double liveLoadSlowdownAt = DEFAULT_LIVE_LOAD_SLOWDOWN_AT;
        private double liveLoadStopAt = DEFAULT_LIVE_LOAD_STOP_AT;
        private Duration loadPollInterval = DEFAULT_LOAD_POLL_INTERVAL;
        private OffPeakWindow offPeakWindow;
        private InstanceShard shard = InstanceShard.ALL;

        private Builder() {
            staleAfterByChannel.put(Channel.SMS, DEFAULT_SMS_STALE_AFTER);
        }

        private Builder(ReconcilerConfig base) {
            this.staleAfter = base.staleAfter;
            this.staleAfterByChannel.putAll(base.staleAfterByChannel);
            this.journalGrace = base.journalGrace;
            this.pageSize = base.pageSize;
            this.maxRecordsPerPass = base.maxRecordsPerPass;
            this.queriesPerSecond = base.queriesPerSecond;
            this.maxQueriesInFlight = base.maxQueriesInFlight;
            this.queryTimeout = base.queryTimeout;
            this.requeryAfter = base.requeryAfter;
            this.failUnresolvedAfter = base.failUnresolvedAfter;
            this.storeTimeout = base.storeTimeout;
            this.liveLoadSlowdownAt = base.liveLoadSlowdownAt;
            this.liveLoadStopAt = base.liveLoadStopAt;
            this.loadPollInterval = base.loadPollInterval;
            this.offPeakWindow = base.offPeakWindow;
            this.shard = base.shard;
        }

        /** Age after which a PENDING status is stale. Default {@link #DEFAULT_STALE_AFTER}. */
        public Builder staleAfter(Duration staleAfter) {
            this.staleAfter = positive(staleAfter, "staleAfter");
            return this;
        }

        /**
         * Stale age of one channel, replacing {@link #staleAfter(Duration)} for it. Default: SMS
         * {@link #DEFAULT_SMS_STALE_AFTER}, the others none.
         */
        public Builder staleAfter(Channel channel, Duration staleAfter) {
            Objects.requireNonNull(channel, "channel");
            staleAfterByChannel.put(channel, positive(staleAfter, "staleAfter(" + channel + ")"));
            return this;
        }

        /** Removes the per-channel stale age of {@code channel}: it uses the general one. */
        public Builder clearStaleAfter(Channel channel) {
            staleAfterByChannel.remove(Objects.requireNonNull(channel, "channel"));
            return this;
        }

        /** Age a journal entry must reach before the store is checked for it. Default {@link #DEFAULT_JOURNAL_GRACE}. */
        public Builder journalGrace(Duration journalGrace) {
            this.journalGrace = notNegative(journalGrace, "journalGrace");
            return this;
        }

        /** Page size of stale PENDING reads. Default {@link #DEFAULT_PAGE_SIZE}. */
        public Builder pageSize(int pageSize) {
            this.pageSize = atLeastOne(pageSize, "pageSize");
            return this;
        }

        /** Stale records one pass takes on at most; the rest wait for the next. Default {@link #DEFAULT_MAX_RECORDS_PER_PASS}. */
        public Builder maxRecordsPerPass(int maxRecordsPerPass) {
            this.maxRecordsPerPass = atLeastOne(maxRecordsPerPass, "maxRecordsPerPass");
            return this;
        }

        /** Provider queries per second, all channels together. Default {@link #DEFAULT_QUERIES_PER_SECOND}. */
        public Builder queriesPerSecond(double queriesPerSecond) {
            if (!(queriesPerSecond > 0) || Double.isInfinite(queriesPerSecond)) {
                throw new IllegalArgumentException("queriesPerSecond must be positive and finite, was "
                        + queriesPerSecond);
            }
            this.queriesPerSecond = queriesPerSecond;
            return this;
        }

        /** Provider queries in flight at most. Default {@link #DEFAULT_MAX_QUERIES_IN_FLIGHT}. */
        public Builder maxQueriesInFlight(int maxQueriesInFlight) {
            this.maxQueriesInFlight = atLeastOne(maxQueriesInFlight, "maxQueriesInFlight");
            return this;
        }

        /** Time a provider query may take before it counts as failed. Default {@link #DEFAULT_QUERY_TIMEOUT}. */
        public Builder queryTimeout(Duration queryTimeout) {
            this.queryTimeout = positive(queryTimeout, "queryTimeout");
            return this;
        }

        /** Time before a query that settled nothing is asked again. Default {@link #DEFAULT_REQUERY_AFTER}. */
        public Builder requeryAfter(Duration requeryAfter) {
            this.requeryAfter = notNegative(requeryAfter, "requeryAfter");
            return this;
        }

        /**
         * Age (since created-at) after which a PENDING status nothing could settle is marked FAILED with reason
         * {@link #UNRESOLVED_REASON}; {@code null} leaves it PENDING for ever. Default
         * {@link #DEFAULT_FAIL_UNRESOLVED_AFTER}.
         */
        public Builder failUnresolvedAfter(Duration failUnresolvedAfter) {
            this.failUnresolvedAfter = failUnresolvedAfter == null ? null
                    : positive(failUnresolvedAfter, "failUnresolvedAfter");
            return this;
        }

        /** Time a status store read or write may take. Default {@link #DEFAULT_STORE_TIMEOUT}. */
        public Builder storeTimeout(Duration storeTimeout) {
            this.storeTimeout = positive(storeTimeout, "storeTimeout");
            return this;
        }

        /**
         * Live load thresholds (see {@link LiveLoadSignal}). Defaults {@link #DEFAULT_LIVE_LOAD_SLOWDOWN_AT} and
         * {@link #DEFAULT_LIVE_LOAD_STOP_AT}: never.
         *
         * @param slowdownAt load above which the query rate falls
         * @param stopAt load at or above which the job stops until it falls; not below {@code slowdownAt}
         */
        public Builder liveLoad(double slowdownAt, double stopAt) {
            if (Double.isNaN(slowdownAt) || Double.isNaN(stopAt)) {
                throw new IllegalArgumentException("liveLoad thresholds must be numbers");
            }
            this.liveLoadSlowdownAt = slowdownAt;
            this.liveLoadStopAt = stopAt;
            return this;
        }

        /** How often a stopped job reads the live load signal again. Default {@link #DEFAULT_LOAD_POLL_INTERVAL}. */
        public Builder loadPollInterval(Duration loadPollInterval) {
            this.loadPollInterval = positive(loadPollInterval, "loadPollInterval");
            return this;
        }

        /** The window the job works in; {@code null} (the default) for any time. */
        public Builder offPeakWindow(OffPeakWindow offPeakWindow) {
            this.offPeakWindow = offPeakWindow;
            return this;
        }

        /** Which ids this instance owns. Default {@link InstanceShard#ALL}. */
        public Builder shard(InstanceShard shard) {
            this.shard = Objects.requireNonNull(shard, "shard");
            return this;
        }

        public ReconcilerConfig build() {
            if (liveLoadStopAt < liveLoadSlowdownAt) {
                throw new IllegalArgumentException("liveLoad stopAt (" + liveLoadStopAt
                        + ") must not be below slowdownAt (" + liveLoadSlowdownAt + ")");
            }
            if (failUnresolvedAfter != null) {
                Duration longestStale = staleAfter;
                for (Duration duration : staleAfterByChannel.values()) {
                    if (duration.compareTo(longestStale) > 0) {
                        longestStale = duration;
                    }
                }
                if (failUnresolvedAfter.compareTo(longestStale) <= 0) {
                    throw new IllegalArgumentException("failUnresolvedAfter (" + failUnresolvedAfter
                            + ") must be longer than the longest stale age (" + longestStale + ")");
                }
            }
            return new ReconcilerConfig(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        private static Duration notNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + value);
            }
            return value;
        }

        private static int atLeastOne(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }
    }
}
