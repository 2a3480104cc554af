package dev.notify.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The app's configuration: a properties file, overridden by environment variables ({@code NOTIFY_KAFKA_TOPICS} for
 * {@code kafka.topics}), overridden by explicit values from the command line. Keys come from {@link Keys}; a key
 * that is not there is refused, except under the pass-through prefixes ({@code kafka.consumer.}, ...).
 *
 * <p>A secret key may be given as a file: {@code twilio.auth.token.file=/run/secrets/twilio} (or the environment
 * variable {@code NOTIFY_TWILIO_AUTH_TOKEN_FILE}) reads the value from that file.
 */
public final class Config {

    private final Map<String, String> values;

    private Config(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Loads the configuration.
     *
     * @param file a properties file, or {@code null} for none
     * @param environment the process environment
     * @param overrides values from the command line, applied last
     * @throws ConfigException naming the key, when a key is unknown or the file unreadable
     */
    public static Config load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> values = new TreeMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
            }
            for (String name : properties.stringPropertyNames()) {
                values.put(name, properties.getProperty(name).trim());
            }
        }
        for (Key<?> key : Keys.ALL) {
            String fromEnvironment = environment.get(key.environmentVariable());
            if (fromEnvironment != null) {
                values.put(key.name(), fromEnvironment);
            }
            if (key.secret()) {
                String fileFromEnvironment = environment.get(key.environmentVariable() + "_FILE");
                if (fileFromEnvironment != null) {
                    values.put(key.name() + ".file", fileFromEnvironment);
                }
            }
        }
        for (Map.Entry<String, String> entry : environment.entrySet()) {
            for (String prefix : Keys.PASS_THROUGH_PREFIXES) {
                String envPrefix = "NOTIFY_" + prefix.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
                if (entry.getKey().startsWith(envPrefix)) {
                    String rest = entry.getKey().substring(envPrefix.length()).toLowerCase(java.util.Locale.ROOT)
                            .replace('_', '.');
                    values.put(prefix + rest, entry.getValue());
                }
            }
        }
        values.putAll(overrides);
        for (String name : values.keySet()) {
            if (!isKnown(name)) {
                throw new ConfigException("unknown configuration key '" + name + "'" + suggestion(name));
            }
        }
        Config config = new Config(values);
        for (Key<?> key : Keys.ALL) {
            if (config.raw(key) != null) {
                config.get(key);
            }
        }
        return config;
    }

    private static boolean isKnown(String name) {
        for (String prefix : Keys.PASS_THROUGH_PREFIXES) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return true;
            }
        }
        for (Key<?> key : Keys.ALL) {
            if (key.name().equals(name) || (key.secret() && name.equals(key.name() + ".file"))) {
                return true;
            }
        }
        return false;
    }

    private static String suggestion(String name) {
        String best = null;
        int bestDistance = 4;
        for (Key<?> key : Keys.ALL) {
            int distance = distance(name, key.name());
            if (distance < bestDistance) {
                bestDistance = distance;
                best = key.name();
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private String raw(Key<?> key) {
        String value = values.get(key.name());
        if (value == null && key.secret()) {
            String file = values.get(key.name() + ".file");
            if (file != null) {
                try {
                    value = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    throw new ConfigException("configuration key '" + key.name() + ".file': cannot read " + file);
                }
            }
        }
        return value;
    }

    /** The value of {@code key}, or its default. */
    public <T> T get(Key<T> key) {
        String value = raw(key);
        if (value == null || (value.isEmpty() && !key.secret())) {
            value = key.defaultValue();
        }
        if (value == null) {
            throw new ConfigException("missing required configuration key '" + key.name() + "' (or environment variable "
                    + key.environmentVariable() + ")");
        }
        return key.parse(value);
    }

    /** Whether {@code key} was given (not just defaulted). */
    public boolean isSet(Key<?> key) {
        String value = raw(key);
        return value != null && !value.isEmpty();
    }

    /** Every value under {@code prefix}, with the prefix removed. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> found = new TreeMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                found.put(name.substring(prefix.length()), value);
            }
        });
        return found;
    }

    /** A copy with {@code name} set to {@code value}. */
    public Config with(String name, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(name, value);
        if (!isKnown(name)) {
            throw new ConfigException("unknown configuration key '" + name + "'");
        }
        return new Config(copy);
    }

    /** {@code redis://:secret@host} becomes {@code redis://****@host}: a URI may carry a password. */
    static String maskCredentials(String value) {
        return value.replaceAll("(?<=://)[^/@\\s]*@", "****@");
    }

    /** Every key and its effective value, secrets masked: for the start-up log. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Key<?> key : Keys.ALL) {
            String value = raw(key);
            String shown;
            if (key.secret()) {
                shown = value == null || value.isEmpty() ? "(not set)" : "(set, hidden)";
            } else {
                shown = value == null ? key.defaultValue() + " (default)" : maskCredentials(value);
            }
            out.append("  ").append(key.name()).append(" = ").append(shown).append('\n');
        }
        return out.toString();
    }
}
