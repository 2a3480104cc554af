package dev.notify.providers;

import java.time.Duration;
import java.util.Objects;

/** The argument checks the provider configurations share; each names the field it rejects. */
public final class ConfigChecks {

    private ConfigChecks() {
    }

    /** {@code value}, unless it is null or blank. */
    public static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    /** {@code value}, unless it is below 1. */
    public static int atLeastOne(int value, String field) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1: " + value);
        }
        return value;
    }

    /** {@code value}, unless it is null, zero or negative. */
    public static Duration positive(Duration value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive: " + value);
        }
        return value;
    }
}
