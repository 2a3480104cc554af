package dev.notify.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * How {@link CassandraStatusStore} reaches Cassandra and lays out its data. Immutable; build with {@link #builder()}.
 *
 * <p>{@link #bucketSize()} and {@link #shards()} decide where PENDING index entries live: they must stay the same for
 * as long as index entries written with them are alive (the {@link #indexTtl()}), or the stale-PENDING query will not
 * find the older entries.
 */
public final class CassandraStoreConfig {

    /** Default contact point: {@code 127.0.0.1:9042}. */
    public static final InetSocketAddress DEFAULT_CONTACT_POINT = new InetSocketAddress("127.0.0.1", 9042);
    /** Default keyspace: {@code notify}. */
    public static final String DEFAULT_KEYSPACE = "notify";
    /** Default replication, used by {@link SchemaMigration} only: SimpleStrategy, one copy (development). */
    public static final Replication DEFAULT_REPLICATION = Replication.simple(1);
    /**
     * Default write consistency: LOCAL_QUORUM. A status written at LOCAL_QUORUM and read at LOCAL_QUORUM is read
     * back in the same datacenter; a single node (replication factor 1) satisfies it.
     */
    public static final DefaultConsistencyLevel DEFAULT_WRITE_CONSISTENCY = DefaultConsistencyLevel.LOCAL_QUORUM;
    /** Default read consistency: LOCAL_QUORUM (see {@link #DEFAULT_WRITE_CONSISTENCY}). */
    public static final DefaultConsistencyLevel DEFAULT_READ_CONSISTENCY = DefaultConsistencyLevel.LOCAL_QUORUM;
    /** Default time after which one request fails: 2 s (the driver's default). */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** Default bound on requests in flight on the session: 256; others wait in a queue. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
    /** Default bound on requests waiting for a slot: 10,000; beyond it a request fails at once. */
    public static final int DEFAULT_MAX_QUEUED = 10_000;
    /** Default time span of one PENDING index bucket: 1 hour. */
    public static final Duration DEFAULT_BUCKET_SIZE = Duration.ofHours(1);
    /** Default number of index partitions per bucket: 8. */
    public static final int DEFAULT_SHARDS = 8;
    /** Default lifetime of a PENDING index entry: 7 days; older PENDING notifications are no longer found. */
    public static final Duration DEFAULT_INDEX_TTL = Duration.ofDays(7);
    /** Default first delay of the driver's reconnection backoff: 1 s (the driver's default). */
    public static final Duration DEFAULT_RECONNECTION_BASE_DELAY = Duration.ofSeconds(1);
    /** Default longest delay of the driver's reconnection backoff: 60 s (the driver's default). */
    public static final Duration DEFAULT_RECONNECTION_MAX_DELAY = Duration.ofSeconds(60);
    /** Default session name, the prefix of the driver's log lines: {@code notify-status}. */
    public static final String DEFAULT_SESSION_NAME = "notify-status";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    private static final Duration MAX_TTL = Duration.ofSeconds(630_720_000L); // Cassandra's limit, 20 years

    private final List<InetSocketAddress> contactPoints;
    private final String localDatacenter;
    private final String keyspace;
    private final Replication replication;
    private final DefaultConsistencyLevel writeConsistency;
    private final DefaultConsistencyLevel readConsistency;
    private final Duration requestTimeout;
    private final int maxInFlight;
    private final int maxQueued;
    private final Duration bucketSize;
    private final int shards;
    private final Duration indexTtl;
    private final String username;
    private final String password;
    private final SSLContext sslContext;
    private final Duration reconnectionBaseDelay;
    private final Duration reconnectionMaxDelay;
    private final String sessionName;

    private CassandraStoreConfig(Builder builder) {
        this.contactPoints = List.copyOf(builder.contactPoints.isEmpty()
                ? List.of(DEFAULT_CONTACT_POINT) : builder.contactPoints);
        this.localDatacenter = builder.localDatacenter;
        this.keyspace = builder.keyspace;
        this.replication = builder.replication;
        this.writeConsistency = builder.writeConsistency;
        this.readConsistency = builder.readConsistency;
        this.requestTimeout = builder.requestTimeout;
        this.maxInFlight = builder.maxInFlight;
        this.maxQueued = builder.maxQueued;
        this.bucketSize = builder.bucketSize;
        this.shards = builder.shards;
        this.indexTtl = builder.indexTtl;
        this.username = builder.username;
        this.password = builder.password;
        this.sslContext = builder.sslContext;
        this.reconnectionBaseDelay = builder.reconnectionBaseDelay;
        this.reconnectionMaxDelay = builder.reconnectionMaxDelay;
        this.sessionName = builder.sessionName;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive another from it. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.contactPoints.addAll(contactPoints);
        builder.localDatacenter = localDatacenter;
        builder.keyspace = keyspace;
        builder.replication = replication;
        builder.writeConsistency = writeConsistency;
        builder.readConsistency = readConsistency;
        builder.requestTimeout = requestTimeout;
        builder.maxInFlight = maxInFlight;
        builder.maxQueued = maxQueued;
        builder.bucketSize = bucketSize;
        builder.shards = shards;
        builder.indexTtl = indexTtl;
        builder.username = username;
        builder.password = password;
        builder.sslContext = sslContext;
        builder.reconnectionBaseDelay = reconnectionBaseDelay;
        builder.reconnectionMaxDelay = reconnectionMaxDelay;
        builder.sessionName = sessionName;
        return builder;
    }

    public List<InetSocketAddress> contactPoints() {
        return contactPoints;
    }

    public String localDatacenter() {
        return localDatacenter;
    }

    public String keyspace() {
        return keyspace;
    }

    public Replication replication() {
        return replication;
    }

    public DefaultConsistencyLevel writeConsistency() {
        return writeConsistency;
    }

    public DefaultConsistencyLevel readConsistency() {
        return readConsistency;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public int maxQueued() {
        return maxQueued;
    }

    public Duration bucketSize() {
        return bucketSize;
    }

    public int shards() {
        return shards;
    }

    public Duration indexTtl() {
        return indexTtl;
    }

    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** The password; never printed by {@link #toString()}. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }

    public Duration reconnectionBaseDelay() {
        return reconnectionBaseDelay;
    }

    public Duration reconnectionMaxDelay() {
        return reconnectionMaxDelay;
    }

    public String sessionName() {
        return sessionName;
    }

    @Override
    public String toString() {
        return "CassandraStoreConfig{contactPoints=" + contactPoints + ", localDatacenter=" + localDatacenter
                + ", keyspace=" + keyspace + ", replication=" + replication
                + ", writeConsistency=" + writeConsistency + ", readConsistency=" + readConsistency
                + ", requestTimeout=" + requestTimeout + ", maxInFlight=" + maxInFlight + ", maxQueued=" + maxQueued
                + ", bucketSize=" + bucketSize + ", shards=" + shards + ", indexTtl=" + indexTtl
                + ", username=" + username + ", password=" + (password == null ? null : "****")
                + ", ssl=" + (sslContext != null) + ", reconnectionBaseDelay=" + reconnectionBaseDelay
                + ", reconnectionMaxDelay=" + reconnectionMaxDelay + ", sessionName=" + sessionName + "}";
    }

    /** A mutable builder; each setter rejects a bad value naming the field, {@link #build()} checks them together. */
    public static final class Builder {
        private final List<InetSocketAddress> contactPoints = new ArrayList<>();
        private String localDatacenter;
        private String keyspace = DEFAULT_KEYSPACE;
        private Replication replication = DEFAULT_REPLICATION;
        private DefaultConsistencyLevel writeConsistency = DEFAULT_WRITE_CONSISTENCY;
        private DefaultConsistencyLevel readConsistency = DEFAULT_READ_CONSISTENCY;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private Duration bucketSize = DEFAULT_BUCKET_SIZE;
        private int shards = DEFAULT_SHARDS;
        private Duration indexTtl = DEFAULT_INDEX_TTL;
        private String username;
        private String password;
        private SSLContext sslContext;
        private Duration reconnectionBaseDelay = DEFAULT_RECONNECTION_BASE_DELAY;
        private Duration reconnectionMaxDelay = DEFAULT_RECONNECTION_MAX_DELAY;
        private String sessionName = DEFAULT_SESSION_NAME;

        private Builder() {
        }

        /** Adds a contact point. Default, if none is added: {@link #DEFAULT_CONTACT_POINT}. */
        public Builder addContactPoint(InetSocketAddress contactPoint) {
            contactPoints.add(Objects.requireNonNull(contactPoint, "contactPoint"));
            return this;
        }

        /** Adds a contact point {@code host:port} (port 9042 if omitted). */
        public Builder addContactPoint(String hostAndPort) {
            Objects.requireNonNull(hostAndPort, "hostAndPort");
            int colon = hostAndPort.lastIndexOf(':');
            if (colon < 0) {
                return addContactPoint(new InetSocketAddress(hostAndPort, 9042));
            }
            try {
                int port = Integer.parseInt(hostAndPort.substring(colon + 1));
                return addContactPoint(new InetSocketAddress(hostAndPort.substring(0, colon), port));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("contactPoint must be host:port, was '" + hostAndPort + "'", e);
            }
        }

        /** Replaces the contact points. */
        public Builder contactPoints(List<InetSocketAddress> points) {
            contactPoints.clear();
            points.forEach(this::addContactPoint);
            return this;
        }

        /** The datacenter whose nodes serve requests. Required: there is no default. */
        public Builder localDatacenter(String localDatacenter) {
            Objects.requireNonNull(localDatacenter, "localDatacenter");
            if (localDatacenter.isBlank()) {
                throw new IllegalArgumentException("localDatacenter must not be blank");
            }
            this.localDatacenter = localDatacenter;
            return this;
        }

        /** Keyspace of the tables (lower case letters, digits, underscore). Default {@link #DEFAULT_KEYSPACE}. */
        public Builder keyspace(String keyspace) {
            Objects.requireNonNull(keyspace, "keyspace");
            if (!IDENTIFIER.matcher(keyspace).matches()) {
                throw new IllegalArgumentException("keyspace must match " + IDENTIFIER + ", was '" + keyspace + "'");
            }
            this.keyspace = keyspace;
            return this;
        }

        /** Keyspace replication, applied by {@link SchemaMigration}. Default {@link #DEFAULT_REPLICATION}. */
        public Builder replication(Replication replication) {
            this.replication = Objects.requireNonNull(replication, "replication");
            return this;
        }

        /** Consistency of status writes. Default {@link #DEFAULT_WRITE_CONSISTENCY}. */
        public Builder writeConsistency(DefaultConsistencyLevel writeConsistency) {
            this.writeConsistency = notSerial(writeConsistency, "writeConsistency");
            return this;
        }

        /** Consistency of reads. Default {@link #DEFAULT_READ_CONSISTENCY}. */
        public Builder readConsistency(DefaultConsistencyLevel readConsistency) {
            this.readConsistency = notSerial(readConsistency, "readConsistency");
            return this;
        }

        /** Time after which one request fails. Default {@link #DEFAULT_REQUEST_TIMEOUT}. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** Requests in flight at most. Default {@link #DEFAULT_MAX_IN_FLIGHT}. */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = atLeast(1, maxInFlight, "maxInFlight");
            return this;
        }

        /** Requests waiting for a slot at most. Default {@link #DEFAULT_MAX_QUEUED}. */
        public Builder maxQueued(int maxQueued) {
            this.maxQueued = atLeast(0, maxQueued, "maxQueued");
            return this;
        }

        /** Time span of one index bucket, whole seconds, at least a minute. Default {@link #DEFAULT_BUCKET_SIZE}. */
        public Builder bucketSize(Duration bucketSize) {
            positive(bucketSize, "bucketSize");
            if (bucketSize.compareTo(Duration.ofMinutes(1)) < 0 || bucketSize.getNano() != 0) {
                throw new IllegalArgumentException("bucketSize must be whole seconds and at least 1 minute, was "
                        + bucketSize);
            }
            this.bucketSize = bucketSize;
            return this;
        }

        /** Index partitions per bucket, 1 to 1024. Default {@link #DEFAULT_SHARDS}. */
        public Builder shards(int shards) {
            if (shards < 1 || shards > 1024) {
                throw new IllegalArgumentException("shards must be in [1, 1024], was " + shards);
            }
            this.shards = shards;
            return this;
        }

        /** Lifetime of index entries, whole seconds, at most 20 years. Default {@link #DEFAULT_INDEX_TTL}. */
        public Builder indexTtl(Duration indexTtl) {
            positive(indexTtl, "indexTtl");
            if (indexTtl.getNano() != 0 || indexTtl.compareTo(MAX_TTL) > 0) {
                throw new IllegalArgumentException("indexTtl must be whole seconds and at most 20 years, was "
                        + indexTtl);
            }
            this.indexTtl = indexTtl;
            return this;
        }

        /** Plain-text credentials; both or neither. Default none. */
        public Builder credentials(String username, String password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** TLS to the nodes with this context, handed to the driver as is. Default none (plain text). */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /** First delay of the exponential reconnection backoff. Default {@link #DEFAULT_RECONNECTION_BASE_DELAY}. */
        public Builder reconnectionBaseDelay(Duration reconnectionBaseDelay) {
            this.reconnectionBaseDelay = positive(reconnectionBaseDelay, "reconnectionBaseDelay");
            return this;
        }

        /** Longest delay of the reconnection backoff. Default {@link #DEFAULT_RECONNECTION_MAX_DELAY}. */
        public Builder reconnectionMaxDelay(Duration reconnectionMaxDelay) {
            this.reconnectionMaxDelay = positive(reconnectionMaxDelay, "reconnectionMaxDelay");
            return this;
        }

        /** Name of the session in the driver's log lines. Default {@link #DEFAULT_SESSION_NAME}. */
        public Builder sessionName(String sessionName) {
            Objects.requireNonNull(sessionName, "sessionName");
            if (sessionName.isBlank()) {
                throw new IllegalArgumentException("sessionName must not be blank");
            }
            this.sessionName = sessionName;
            return this;
        }

        public CassandraStoreConfig build() {
            if (localDatacenter == null) {
                throw new IllegalStateException("localDatacenter is required (the datacenter of the nodes that "
                        + "serve this application; 'datacenter1' on a single node with SimpleSnitch)");
            }
            if (indexTtl.compareTo(bucketSize) < 0) {
                throw new IllegalStateException("indexTtl (" + indexTtl + ") must not be shorter than bucketSize ("
                        + bucketSize + ")");
            }
            if (reconnectionMaxDelay.compareTo(reconnectionBaseDelay) < 0) {
                throw new IllegalStateException("reconnectionMaxDelay (" + reconnectionMaxDelay
                        + ") must not be shorter than reconnectionBaseDelay (" + reconnectionBaseDelay + ")");
            }
            return new CassandraStoreConfig(this);
        }

        private static DefaultConsistencyLevel notSerial(DefaultConsistencyLevel level, String name) {
            Objects.requireNonNull(level, name);
            if (level.isSerial()) {
                throw new IllegalArgumentException(name + " must not be a serial level, was " + level);
            }
            return level;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        private static int atLeast(int minimum, int value, String name) {
            if (value < minimum) {
                throw new IllegalArgumentException(name + " must be at least " + minimum + ", was " + value);
            }
            return value;
        }
    }
}
