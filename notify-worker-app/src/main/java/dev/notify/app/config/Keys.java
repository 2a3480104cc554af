package dev.notify.app.config;

import java.time.Duration;
import java.util.List;

/**
 * Every configuration key of the app, with its default and documentation. The README's configuration table is
 * printed from this list by {@code notify keys}; the keys are API.
 */
public final class Keys {

    private Keys() {
    }

    /** The offset policies a worker can run with. */
    public enum OffsetPolicyName { COMMIT, REPLAY }

    // Kafka
    public static final Key<String> KAFKA_BOOTSTRAP_SERVERS = Key.string("kafka.bootstrap.servers", null,
            "Kafka bootstrap servers, host:port[,host:port]. Required by worker, publish and reconcile.");
    public static final Key<List<String>> KAFKA_TOPICS = Key.list("kafka.topics", "notifications",
            "Topics this worker consumes (its lane), comma-separated.");
    public static final Key<String> KAFKA_GROUP_ID = Key.string("kafka.group.id", "notify-worker",
            "Consumer group of the workers.");
    public static final Key<String> KAFKA_DEAD_LETTER_TOPIC = Key.string("kafka.dead.letter.topic",
            "notifications.dead-letter", "Where unreadable or invalid records go, with the reason.");
    public static final Key<String> KAFKA_JOURNAL_TOPIC = Key.string("kafka.journal.topic", "notifications.journal",
            "The delivery journal: every outcome, independent of the status store.");
    public static final Key<Integer> KAFKA_MAX_POLL_RECORDS = Key.integer("kafka.max.poll.records", 500, 1, 100_000,
            "Most records in one batch.");

    // Cassandra
    public static final Key<List<String>> CASSANDRA_CONTACT_POINTS = Key.list("cassandra.contact.points", null,
            "Cassandra contact points, host:port, comma-separated. Required by worker, schema and reconcile.");
    public static final Key<String> CASSANDRA_LOCAL_DATACENTER = Key.string("cassandra.local.datacenter",
            "datacenter1", "The driver's local datacenter; a wrong name fails readiness at start.");
    public static final Key<String> CASSANDRA_KEYSPACE = Key.string("cassandra.keyspace", "notify",
            "Keyspace of the status tables.");
    public static final Key<String> CASSANDRA_REPLICATION = Key.string("cassandra.replication", "simple:1",
            "Replication of the keyspace when the schema command creates it: simple:<rf> or network:<dc>=<rf>,...");
    public static final Key<String> CASSANDRA_USERNAME = Key.string("cassandra.username", "",
            "User name for Cassandra authentication; empty for none.");
    public static final Key<String> CASSANDRA_PASSWORD = Key.secret("cassandra.password",
            "Password for Cassandra authentication (secret).");
    public static final Key<Boolean> CASSANDRA_SSL = Key.bool("cassandra.ssl", false,
            "Connect to Cassandra over TLS, trusting the JVM's trust store (-Djavax.net.ssl.trustStore=...).");
    public static final Key<Duration> CASSANDRA_REQUEST_TIMEOUT = Key.duration("cassandra.request.timeout", "1s",
            "Driver request timeout of status writes and reads.");

    // Redis
    public static final Key<String> REDIS_URI = Key.string("redis.uri", "",
            "Redis URI (redis:// or rediss:// for TLS) of preferences and the dedup guard; empty to run without "
                    + "preferences and without the dedup guard.");
    public static final Key<String> REDIS_PASSWORD = Key.secret("redis.password",
            "Redis password (secret), if not in the URI.");
    public static final Key<Boolean> DEDUP_ENABLED = Key.bool("dedup.enabled", true,
            "Claim each notification id in Redis before sending, so a replayed record is not sent twice.");
    public static final Key<Duration> DEDUP_TTL = Key.duration("dedup.ttl", "24h",
            "How long a dedup claim lasts.");

    // Worker
    public static final Key<OffsetPolicyName> WORKER_OFFSET_POLICY = Key.choice("worker.offset.policy",
            OffsetPolicyName.class, OffsetPolicyName.COMMIT,
            "commit: commit after delivery whatever happens to status writes (default); replay: replay the batch "
                    + "when a status write failed (re-sends; only to compare).");
    public static final Key<Integer> WORKER_MAX_CONCURRENT_SENDS = Key.integer("worker.max.concurrent.sends", 512, 1,
            100_000, "Sends in flight at most, per worker.");
    public static final Key<Duration> WORKER_SEND_TIMEOUT = Key.duration("worker.send.timeout", "30s",
            "Deadline of one send, retries included.");
    public static final Key<Duration> STATUS_WRITE_TIMEOUT = Key.duration("status.write.timeout", "1s",
            "Time after which a status write counts as failed.");
    public static final Key<Integer> STATUS_BREAKER_MIN_CALLS = Key.integer("status.breaker.minimum.calls", 20, 1,
            100_000, "Status writes the breaker needs before it judges.");
    public static final Key<Duration> STATUS_BREAKER_OPEN_WAIT = Key.duration("status.breaker.open.wait", "2s",
            "How long the breaker stays open before probe writes.");

    // Providers
    public static final Key<String> APNS_HOST = Key.string("apns.host", "api.push.apple.com",
            "APNs host: api.push.apple.com (production), api.sandbox.push.apple.com (development), or host:port.");
    public static final Key<String> APNS_TEAM_ID = Key.string("apns.team.id", "", "Apple team id of the signing key.");
    public static final Key<String> APNS_KEY_ID = Key.string("apns.key.id", "", "Key id of the APNs signing key.");
    public static final Key<String> APNS_SIGNING_KEY = Key.secret("apns.signing.key",
            "The APNs .p8 signing key, PEM text (secret; use apns.signing.key.file for a path).");
    public static final Key<String> APNS_TOPIC = Key.string("apns.topic", "", "The app's bundle id (apns-topic).");
    public static final Key<String> FCM_BASE_URL = Key.string("fcm.base.url", "https://fcm.googleapis.com",
            "FCM HTTP v1 base URL.");
    public static final Key<String> FCM_PROJECT_ID = Key.string("fcm.project.id", "", "Firebase project id.");
    public static final Key<String> FCM_SERVICE_ACCOUNT = Key.secret("fcm.service.account",
            "Service account JSON (secret; use fcm.service.account.file for a path).");
    public static final Key<String> TWILIO_BASE_URL = Key.string("twilio.base.url", "https://api.twilio.com",
            "Twilio REST base URL (regional or edge host, or a local stand-in).");
    public static final Key<String> TWILIO_ACCOUNT_SID = Key.string("twilio.account.sid", "", "Twilio account SID.");
    public static final Key<String> TWILIO_AUTH_TOKEN = Key.secret("twilio.auth.token", "Twilio auth token (secret).");
    public static final Key<String> TWILIO_FROM = Key.string("twilio.from", "", "Sender number or messaging service.");
    public static final Key<String> TWILIO_STATUS_CALLBACK_URL = Key.string("twilio.status.callback.url", "",
            "Base URL of the receipt endpoint Twilio calls back; empty for none.");
    public static final Key<String> SMS_DEFAULT_REGION = Key.string("sms.default.region", "US",
            "Region for phone numbers written without a country code.");
    public static final Key<String> SENDGRID_HOST = Key.string("sendgrid.host", "api.sendgrid.com",
            "SendGrid API host (api.eu.sendgrid.com for EU, or host:port of a stand-in).");
    public static final Key<String> SENDGRID_API_KEY = Key.secret("sendgrid.api.key", "SendGrid API key (secret).");
    public static final Key<String> SENDGRID_FROM = Key.string("sendgrid.from", "", "Sender email address.");

    // Reconciliation
    public static final Key<Duration> RECONCILE_STALE_AFTER = Key.duration("reconcile.stale.after", "10m",
            "A PENDING entry older than this is stale and looked into.");
    public static final Key<Duration> RECONCILE_SMS_STALE_AFTER = Key.duration("reconcile.sms.stale.after", "4h",
            "The same for SMS, which can wait at the provider for hours.");
    public static final Key<Double> RECONCILE_QUERIES_PER_SECOND = Key.decimal("reconcile.queries.per.second", 100,
            0.1, 100_000, "Provider receipt queries per second at most.");
    public static final Key<Duration> RECONCILE_INTERVAL = Key.duration("reconcile.interval", "1m",
            "Time between reconciliation passes.");
    public static final Key<String> RECONCILE_OFF_PEAK = Key.string("reconcile.off.peak", "",
            "Window in which the job may run, e.g. 01:00-06:00@Europe/Paris; empty for any time.");
    public static final Key<String> RECONCILE_CHECKPOINT_FILE = Key.string("reconcile.checkpoint.file",
            "notify-reconcile.checkpoint", "File where the reconciler keeps what it already resolved, so a restart "
                    + "does not ask providers again.");
    public static final Key<String> RECEIPTS_PUBLIC_URL = Key.string("receipts.public.url", "",
            "The receipt endpoint's public base URL as Twilio calls it (used to verify Twilio signatures).");
    public static final Key<Integer> RECEIPTS_PORT = Key.integer("receipts.port", 0, 0, 65_535,
            "Port of the receipt endpoint (Twilio callbacks, SendGrid events); 0 to disable.");
    public static final Key<String> SENDGRID_WEBHOOK_PUBLIC_KEY = Key.string("sendgrid.webhook.public.key", "",
            "Public key (base64 DER) that verifies SendGrid's signed event webhook.");

    // Operations
    public static final Key<Integer> METRICS_PORT = Key.integer("metrics.port", 9404, 0, 65_535,
            "Port of /metrics (Prometheus), /health and /ready; 0 to disable.");
    public static final Key<Double> ALERT_STATUS_WRITE_ERROR_RATE = Key.decimal("alert.status.write.error.rate", 0.05,
            0, 1, "Share of failed status writes over a minute above which an alert fires.");
    public static final Key<Duration> ALERT_BATCH_DURATION = Key.duration("alert.batch.duration", "5s",
            "Batch processing time (max over a minute) above which an alert fires.");
    public static final Key<Integer> ALERT_CONSUMER_LAG = Key.integer("alert.consumer.lag", 100_000, 1,
            Integer.MAX_VALUE, "Total consumer lag above which an alert fires.");
    public static final Key<Integer> ALERT_RECONCILE_BACKLOG = Key.integer("alert.reconcile.backlog", 10_000, 1,
            Integer.MAX_VALUE, "Reconciliation backlog above which an alert fires.");

    /** Every key, in the order of the README table. */
    public static final List<Key<?>> ALL = List.of(
            KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPICS, KAFKA_GROUP_ID, KAFKA_DEAD_LETTER_TOPIC, KAFKA_JOURNAL_TOPIC,
            KAFKA_MAX_POLL_RECORDS,
            CASSANDRA_CONTACT_POINTS, CASSANDRA_LOCAL_DATACENTER, CASSANDRA_KEYSPACE, CASSANDRA_REPLICATION,
            CASSANDRA_USERNAME, CASSANDRA_PASSWORD, CASSANDRA_SSL, CASSANDRA_REQUEST_TIMEOUT,
            REDIS_URI, REDIS_PASSWORD, DEDUP_ENABLED, DEDUP_TTL,
            WORKER_OFFSET_POLICY, WORKER_MAX_CONCURRENT_SENDS, WORKER_SEND_TIMEOUT, STATUS_WRITE_TIMEOUT,
            STATUS_BREAKER_MIN_CALLS, STATUS_BREAKER_OPEN_WAIT,
            APNS_HOST, APNS_TEAM_ID, APNS_KEY_ID, APNS_SIGNING_KEY, APNS_TOPIC,
            FCM_BASE_URL, FCM_PROJECT_ID, FCM_SERVICE_ACCOUNT,
            TWILIO_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TWILIO_STATUS_CALLBACK_URL,
            SMS_DEFAULT_REGION, SENDGRID_HOST, SENDGRID_API_KEY, SENDGRID_FROM,
            RECONCILE_STALE_AFTER, RECONCILE_SMS_STALE_AFTER, RECONCILE_QUERIES_PER_SECOND, RECONCILE_INTERVAL,
            RECONCILE_OFF_PEAK, RECONCILE_CHECKPOINT_FILE, RECEIPTS_PUBLIC_URL, RECEIPTS_PORT, SENDGRID_WEBHOOK_PUBLIC_KEY,
            METRICS_PORT, ALERT_STATUS_WRITE_ERROR_RATE, ALERT_BATCH_DURATION, ALERT_CONSUMER_LAG,
            ALERT_RECONCILE_BACKLOG);

    /**
     * Prefixes whose keys are handed to Kafka clients as they are, for TLS and SASL: {@code kafka.client.} to every
     * client ({@code kafka.client.security.protocol=SSL}), {@code kafka.consumer.} to consumers only,
     * {@code kafka.producer.} to producers only. Cassandra TLS is {@link #CASSANDRA_SSL}; Redis TLS is a
     * {@code rediss://} URI.
     */
    public static final List<String> PASS_THROUGH_PREFIXES = List.of("kafka.client.", "kafka.consumer.", "kafka.producer.");
}
