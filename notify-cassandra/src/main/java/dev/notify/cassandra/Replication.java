package dev.notify.cassandra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The replication of the keyspace: {@code SimpleStrategy} with one replication factor (development, single
 * datacenter) or {@code NetworkTopologyStrategy} with a factor per datacenter (production). Immutable.
 */
public final class Replication {

    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.\\-]+");

    private final String strategy;
    private final Map<String, Integer> factors;

    private Replication(String strategy, Map<String, Integer> factors) {
        this.strategy = strategy;
        this.factors = factors;
    }

    /** {@code SimpleStrategy} with {@code replicationFactor} copies. */
    public static Replication simple(int replicationFactor) {
        return new Replication("SimpleStrategy", Map.of("replication_factor", positive(replicationFactor, "replication factor")));
    }

    /** {@code NetworkTopologyStrategy} with the given copies per datacenter, e.g. {@code {"dc1": 3, "dc2": 3}}. */
    public static Replication networkTopology(Map<String, Integer> factorsByDatacenter) {
        Objects.requireNonNull(factorsByDatacenter, "factorsByDatacenter");
        if (factorsByDatacenter.isEmpty()) {
            throw new IllegalArgumentException("NetworkTopologyStrategy needs at least one datacenter");
        }
        Map<String, Integer> copy = new TreeMap<>();
        factorsByDatacenter.forEach((datacenter, factor) -> {
            if (datacenter == null || !DATACENTER.matcher(datacenter).matches()) {
                throw new IllegalArgumentException("invalid datacenter name '" + datacenter + "'");
            }
            copy.put(datacenter, positive(factor == null ? 0 : factor, "replication factor of " + datacenter));
        });
        return new Replication("NetworkTopologyStrategy", Map.copyOf(copy));
    }

    /**
     * Parses {@code simple:1} or {@code SimpleStrategy:1}, and {@code network:dc1=3,dc2=2} or
     * {@code NetworkTopologyStrategy:dc1=3,dc2=2}, as used on the command line of the {@code schema} command.
     */
    public static Replication parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("replication must look like simple:1 or network:dc1=3,dc2=3, was '"
                    + text + "'");
        }
        String kind = text.substring(0, colon).trim();
        String rest = text.substring(colon + 1).trim();
        try {
            if (kind.equalsIgnoreCase("simple") || kind.equals("SimpleStrategy")) {
                return simple(Integer.parseInt(rest));
            }
            if (kind.equalsIgnoreCase("network") || kind.equals("NetworkTopologyStrategy")) {
                Map<String, Integer> factors = new LinkedHashMap<>();
                for (String pair : rest.split(",")) {
                    String[] parts = pair.split("=", 2);
                    if (parts.length != 2) {
                        throw new IllegalArgumentException("expected dc=factor, was '" + pair + "'");
                    }
                    factors.put(parts[0].trim(), Integer.parseInt(parts[1].trim()));
                }
                return networkTopology(factors);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid replication factor in '" + text + "'", e);
        }
        throw new IllegalArgumentException("unknown replication strategy '" + kind + "' in '" + text + "'");
    }

    /** {@code SimpleStrategy} or {@code NetworkTopologyStrategy}. */
    public String strategy() {
        return strategy;
    }

    /** The factors: {@code replication_factor} for SimpleStrategy, else one per datacenter. */
    public Map<String, Integer> factors() {
        return factors;
    }

    /** The CQL map literal of the {@code replication} option. */
    String toCql() {
        StringBuilder cql = new StringBuilder("{'class': '").append(strategy).append('\'');
        new TreeMap<>(factors).forEach((key, factor) ->
                cql.append(", '").append(key).append("': ").append(factor));
        return cql.append('}').toString();
    }

    private static int positive(int factor, String name) {
        if (factor < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + factor);
        }
        return factor;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Replication that && strategy.equals(that.strategy) && factors.equals(that.factors);
    }

    @Override
    public int hashCode() {
        return Objects.hash(strategy, factors);
    }

    @Override
    public String toString() {
        return toCql();
    }
}
