package dev.notify.app.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its name, documentation, default and parser. A key whose default is {@code null} is
 * required by the commands that use it. A secret key's value is never printed and may also be given as a file
 * ({@code <name>.file}).
 *
 * @param <T> the parsed type
 */
public final class Key<T> {

    private final String name;
    private final String doc;
    private final String defaultValue;
    private final Function<String, T> parser;
    private final boolean secret;

    private Key(String name, String doc, String defaultValue, Function<String, T> parser, boolean secret) {
        this.name = Objects.requireNonNull(name);
        this.doc = Objects.requireNonNull(doc);
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.secret = secret;
    }

    public static Key<String> string(String name, String defaultValue, String doc) {
        return new Key<>(name, doc, defaultValue, value -> value, false);
    }

    public static Key<String> secret(String name, String doc) {
        return new Key<>(name, doc, "", value -> value, true);
    }

    public static Key<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        return new Key<>(name, doc, String.valueOf(defaultValue), value -> {
            int parsed;
            try {
                parsed = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number");
            }
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return parsed;
        }, false);
    }

    public static Key<Double> decimal(String name, double defaultValue, double min, double max, String doc) {
        return new Key<>(name, doc, String.valueOf(defaultValue), value -> {
            double parsed;
            try {
                parsed = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number");
            }
            if (!(parsed >= min && parsed <= max)) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return parsed;
        }, false);
    }

    public static Key<Boolean> bool(String name, boolean defaultValue, String doc) {
        return new Key<>(name, doc, String.valueOf(defaultValue), value -> switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        }, false);
    }

    /** A duration written as ISO-8601 ({@code PT2S}) or as a number and unit: {@code 500ms}, {@code 2s}, {@code 10m}, {@code 4h}. */
    public static Key<Duration> duration(String name, String defaultValue, String doc) {
        return new Key<>(name, doc, defaultValue, Key::parseDuration, false);
    }

    public static Key<List<String>> list(String name, String defaultValue, String doc) {
        return new Key<>(name, doc, defaultValue, value -> {
            List<String> items = java.util.Arrays.stream(value.split(",")).map(String::trim)
                    .filter(item -> !item.isEmpty()).toList();
            if (items.isEmpty()) {
                throw new IllegalArgumentException("must list at least one value");
            }
            return items;
        }, false);
    }

    public static <E extends Enum<E>> Key<E> choice(String name, Class<E> type, E defaultValue, String doc) {
        return new Key<>(name, doc, defaultValue.name().toLowerCase(java.util.Locale.ROOT), value -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value.trim())) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).toList());
        }, false);
    }

    static Duration parseDuration(String value) {
        String text = value.trim();
        try {
            if (text.startsWith("P") || text.startsWith("p")) {
                return Duration.parse(text);
            }
            int split = 0;
            while (split < text.length() && (Character.isDigit(text.charAt(split)) || text.charAt(split) == '.')) {
                split++;
            }
            long amount = Long.parseLong(text.substring(0, split));
            String unit = text.substring(split).trim();
            Duration parsed = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unit");
            };
            if (parsed.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return parsed;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration (use e.g. 500ms, 2s, 10m, 4h or PT2S)");
        }
    }

    public String name() {
        return name;
    }

    public String doc() {
        return doc;
    }

    /** The default as written, {@code null} if the key is required. */
    public String defaultValue() {
        return defaultValue;
    }

    public boolean secret() {
        return secret;
    }

    T parse(String value) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("configuration key '" + name + "' has a bad value"
                    + (secret ? "" : " '" + value + "'") + ": " + e.getMessage());
        }
    }

    /** The environment variable that overrides this key: {@code NOTIFY_} and the name in upper case, dots as _. */
    public String environmentVariable() {
        return "NOTIFY_" + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
