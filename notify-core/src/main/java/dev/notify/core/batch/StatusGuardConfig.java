package dev.notify.core.batch;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How status writes are isolated from the delivery path: a per-write timeout, a bound on writes in flight, and a
 * circuit breaker that refuses writes at once while the store is failing. Immutable; build with {@link #custom()}.
 */
public final class StatusGuardConfig {

    /** Default per-write timeout: 1 s, well under Cassandra's own 2 s request timeout. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(1);
    /** Default bound on writes in flight: 512. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 512;
    /** Default bound on writes waiting for a slot: 10,000; beyond it a write is skipped (and counted). */
    public static final int DEFAULT_MAX_QUEUED = 10_000;
    /** Default failure rate, in percent, at which the breaker opens: 50. */
    public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;
    /** Default size of the breaker's count-based window: 100 writes. */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 100;
    /** Default number of writes the breaker needs before it judges: 20. */
    public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 20;
    /** Default time the breaker stays open before it lets probe writes through: 2 s. */
    public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(2);
    /** Default number of probe writes in the half-open state: 10. */
    public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 10;

    private final Duration writeTimeout;
    private final int maxInFlight;
    private final int maxQueued;
    private final float failureRateThreshold;
    private final int slidingWindowSize;
    private final int minimumNumberOfCalls;
    private final Duration waitDurationInOpenState;
    private final int permittedCallsInHalfOpenState;
    private final Clock clock;

    private StatusGuardConfig(Builder builder) {
        this.writeTimeout = builder.writeTimeout;
        this.maxInFlight = builder.maxInFlight;
        this.maxQueued = builder.maxQueued;
        this.failureRateThreshold = builder.failureRateThreshold;
        this.slidingWindowSize = builder.slidingWindowSize;
        this.minimumNumberOfCalls = builder.minimumNumberOfCalls;
        this.waitDurationInOpenState = builder.waitDurationInOpenState;
        this.permittedCallsInHalfOpenState = builder.permittedCallsInHalfOpenState;
        this.clock = builder.clock;
    }

    public static StatusGuardConfig ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    public Duration writeTimeout() {
        return writeTimeout;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** Writes waiting for a slot at most; a write beyond them is skipped at once. */
    public int maxQueued() {
        return maxQueued;
    }

    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    public int minimumNumberOfCalls() {
        return minimumNumberOfCalls;
    }

    public Duration waitDurationInOpenState() {
        return waitDurationInOpenState;
    }

    public int permittedCallsInHalfOpenState() {
        return permittedCallsInHalfOpenState;
    }

    /** The clock the breaker measures its open state with. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "StatusGuardConfig{writeTimeout=" + writeTimeout + ", maxInFlight=" + maxInFlight + ", maxQueued=" + maxQueued
                + ", failureRateThreshold=" + failureRateThreshold + ", slidingWindowSize=" + slidingWindowSize
                + ", minimumNumberOfCalls=" + minimumNumberOfCalls + ", waitDurationInOpenState="
                + waitDurationInOpenState + ", permittedCallsInHalfOpenState=" + permittedCallsInHalfOpenState + "}";
    }

    /** A mutable builder; {@link #build()} checks the settings together. */
    public static final class Builder {
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
        private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;
        private Duration waitDurationInOpenState = DEFAULT_WAIT_DURATION_IN_OPEN_STATE;
        private int permittedCallsInHalfOpenState = DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Time after which a write counts as failed. Default {@link #DEFAULT_WRITE_TIMEOUT}. */
        public Builder writeTimeout(Duration writeTimeout) {
            this.writeTimeout = positive(writeTimeout, "writeTimeout");
            return this;
        }

        /** Writes in flight at most; the others wait. Default {@link #DEFAULT_MAX_IN_FLIGHT}. */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = atLeastOne(maxInFlight, "maxInFlight");
            return this;
        }

        /**
         * Writes waiting for a slot at most; beyond them a write is skipped at once and counted, so that a slow
         * store costs memory only up to this bound. Default {@link #DEFAULT_MAX_QUEUED}.
         */
        public Builder maxQueued(int maxQueued) {
            this.maxQueued = atLeastOne(maxQueued, "maxQueued");
            return this;
        }

        /** Failure rate in percent (0 to 100] that opens the breaker. Default {@link #DEFAULT_FAILURE_RATE_THRESHOLD}. */
        public Builder failureRateThreshold(float failureRateThreshold) {
            if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
                throw new IllegalArgumentException("failureRateThreshold must be in (0, 100], was " + failureRateThreshold);
            }
            this.failureRateThreshold = failureRateThreshold;
            return this;
        }

        /** Writes the breaker's window holds. Default {@link #DEFAULT_SLIDING_WINDOW_SIZE}. */
        public Builder slidingWindowSize(int slidingWindowSize) {
            this.slidingWindowSize = atLeastOne(slidingWindowSize, "slidingWindowSize");
            return this;
        }

        /** Writes needed before the breaker judges. Default {@link #DEFAULT_MINIMUM_NUMBER_OF_CALLS}. */
        public Builder minimumNumberOfCalls(int minimumNumberOfCalls) {
            this.minimumNumberOfCalls = atLeastOne(minimumNumberOfCalls, "minimumNumberOfCalls");
            return this;
        }

        /** How long the breaker stays open. Default {@link #DEFAULT_WAIT_DURATION_IN_OPEN_STATE}. */
        public Builder waitDurationInOpenState(Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = positive(waitDurationInOpenState, "waitDurationInOpenState");
            return this;
        }

        /** Probe writes let through when half open. Default {@link #DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE}. */
        public Builder permittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) {
            this.permittedCallsInHalfOpenState = atLeastOne(permittedCallsInHalfOpenState,
                    "permittedCallsInHalfOpenState");
            return this;
        }

        /** The clock of the breaker's open-state timer. Default the system UTC clock; tests move their own. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public StatusGuardConfig build() {
            if (minimumNumberOfCalls > slidingWindowSize) {
                throw new IllegalArgumentException("minimumNumberOfCalls (" + minimumNumberOfCalls
                        + ") must not exceed slidingWindowSize (" + slidingWindowSize + ")");
            }
            return new StatusGuardConfig(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
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
