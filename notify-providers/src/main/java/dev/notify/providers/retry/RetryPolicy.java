package dev.notify.providers.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RetryingDelivery} retries: immutable, built by {@link #custom()} or {@link #ofDefaults()}.
 *
 * <p>The wait before retry {@code n} (1-based) is {@code initialBackoff * multiplier^(n-1)}, capped at
 * {@code maxBackoff}, spread by {@code ±jitter} of itself, and never shorter than the retry-after the provider asked
 * for. No retry is started whose wait would end past {@code maxTotalTime} from the first try; the whole send
 * completes by then in any case.
 */
public final class RetryPolicy {

    /** Default total tries, the first included: 4. */
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    /** Default wait before the first retry: 200 ms. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** Default growth of the wait per retry: 2. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Default cap of one wait: 10 s. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    /** Default jitter, as a fraction of the wait: 0.5. */
    public static final double DEFAULT_JITTER = 0.5;
    /** Default bound of one send, all tries and waits included: 30 s. */
    public static final Duration DEFAULT_MAX_TOTAL_TIME = Duration.ofSeconds(30);

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration maxTotalTime;

    private RetryPolicy(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.multiplier = builder.multiplier;
        this.maxBackoff = builder.maxBackoff;
        this.jitter = builder.jitter;
        this.maxTotalTime = builder.maxTotalTime;
    }

    public static RetryPolicy ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    public static Builder from(RetryPolicy base) {
        Builder builder = new Builder();
        builder.maxAttempts = base.maxAttempts;
        builder.initialBackoff = base.initialBackoff;
        builder.multiplier = base.multiplier;
        builder.maxBackoff = base.maxBackoff;
        builder.jitter = base.jitter;
        builder.maxTotalTime = base.maxTotalTime;
        return builder;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public double jitter() {
        return jitter;
    }

    public Duration maxTotalTime() {
        return maxTotalTime;
    }

    /** The wait before retry {@code retry} (1-based) before jitter and retry-after. */
    Duration baseBackoff(int retry) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", multiplier="
                + multiplier + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + ", maxTotalTime=" + maxTotalTime
                + "]";
    }

    /** A mutable, reusable builder; each setter rejects a bad value naming the field. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private double multiplier = DEFAULT_MULTIPLIER;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double jitter = DEFAULT_JITTER;
        private Duration maxTotalTime = DEFAULT_MAX_TOTAL_TIME;

        private Builder() {
        }

        /** Total tries, the first included; default 4; at least 1. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Wait before the first retry; default 200 ms. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = positive(initialBackoff, "initialBackoff");
            return this;
        }

        /** Growth per retry, at least 1; default 2. */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0)) {
                throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** Cap of one wait; default 10 s. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = positive(maxBackoff, "maxBackoff");
            return this;
        }

        /** Spread of each wait as a fraction of it, in [0, 1); default 0.5; 0 for exact waits. */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0.0 && jitter < 1.0)) {
                throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Bound of one send, all tries and waits included; default 30 s. */
        public Builder maxTotalTime(Duration maxTotalTime) {
            this.maxTotalTime = positive(maxTotalTime, "maxTotalTime");
            return this;
        }

        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException(
                        "maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
            }
            return new RetryPolicy(this);
        }

        private static Duration positive(Duration value, String field) {
            Objects.requireNonNull(value, field);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(field + " must be positive: " + value);
            }
            return value;
        }
    }
}
