package dev.notify.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.app.config.Config;
import dev.notify.app.config.ConfigException;
import dev.notify.app.config.Keys;
import dev.notify.cassandra.CassandraStoreConfig;
import dev.notify.cassandra.Replication;
import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.OffsetPolicy;
import dev.notify.core.batch.StatusGuardConfig;
import dev.notify.kafka.WorkerConfig;
import dev.notify.providers.apns.ApnsConfig;
import dev.notify.providers.apns.ApnsDelivery;
import dev.notify.providers.email.SendGridConfig;
import dev.notify.providers.email.SendGridDelivery;
import dev.notify.providers.fcm.FcmConfig;
import dev.notify.providers.fcm.FcmDelivery;
import dev.notify.providers.retry.RetryPolicy;
import dev.notify.providers.retry.RetryingDelivery;
import dev.notify.providers.sms.TwilioConfig;
import dev.notify.providers.sms.TwilioReceiptQuery;
import dev.notify.providers.sms.TwilioSmsDelivery;
import dev.notify.redis.RedisConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds each adapter's configuration from the app's {@link Config}. The only place that knows every adapter. */
final class Wiring {

    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    private Wiring() {
    }

    static CassandraStoreConfig cassandra(Config config) {
        CassandraStoreConfig.Builder builder = CassandraStoreConfig.builder()
                .localDatacenter(config.get(Keys.CASSANDRA_LOCAL_DATACENTER))
                .keyspace(config.get(Keys.CASSANDRA_KEYSPACE))
                .requestTimeout(config.get(Keys.CASSANDRA_REQUEST_TIMEOUT))
                // Above what the status guard keeps in flight, so the driver's own throttler never queues.
                .maxInFlight(1024);
        List<java.net.InetSocketAddress> points = new ArrayList<>();
        for (String point : config.get(Keys.CASSANDRA_CONTACT_POINTS)) {
            points.add(hostAndPort(point, 9042, Keys.CASSANDRA_CONTACT_POINTS.name()));
        }
        builder.contactPoints(points);
        try {
            builder.replication(Replication.parse(config.get(Keys.CASSANDRA_REPLICATION)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("configuration key '" + Keys.CASSANDRA_REPLICATION.name() + "': " + e.getMessage());
        }
        if (config.get(Keys.CASSANDRA_SSL)) {
            try {
                builder.sslContext(javax.net.ssl.SSLContext.getDefault());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new ConfigException("configuration key '" + Keys.CASSANDRA_SSL.name() + "': no TLS in this JVM");
            }
        }
        String user = config.get(Keys.CASSANDRA_USERNAME);
        if (!user.isEmpty()) {
            builder.credentials(user, config.get(Keys.CASSANDRA_PASSWORD));
        }
        return builder.build();
    }

    static Optional<RedisConfig> redis(Config config) {
        String uri = config.get(Keys.REDIS_URI);
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        String password = config.get(Keys.REDIS_PASSWORD);
        if (!password.isEmpty() && !uri.contains("@")) {
            int scheme = uri.indexOf("://");
            uri = uri.substring(0, scheme + 3) + ":" + password + "@" + uri.substring(scheme + 3);
        }
        return Optional.of(RedisConfig.builder()
                .uri(uri)
                .dedupEnabled(config.get(Keys.DEDUP_ENABLED))
                .dedupTtl(config.get(Keys.DEDUP_TTL))
                .build());
    }

    static StatusGuardConfig statusGuard(Config config) {
        int minimumCalls = config.get(Keys.STATUS_BREAKER_MIN_CALLS);
        return StatusGuardConfig.custom()
                .writeTimeout(config.get(Keys.STATUS_WRITE_TIMEOUT))
                .minimumNumberOfCalls(minimumCalls)
                .slidingWindowSize(Math.max(StatusGuardConfig.DEFAULT_SLIDING_WINDOW_SIZE, minimumCalls))
                .waitDurationInOpenState(config.get(Keys.STATUS_BREAKER_OPEN_WAIT))
                .build();
    }

    static WorkerConfig.Builder worker(Config config, MeterRegistry registry) {
        WorkerConfig.Builder builder = WorkerConfig.builder()
                .bootstrapServers(config.get(Keys.KAFKA_BOOTSTRAP_SERVERS))
                .topics(config.get(Keys.KAFKA_TOPICS))
                .groupId(config.get(Keys.KAFKA_GROUP_ID))
                .deadLetterTopic(config.get(Keys.KAFKA_DEAD_LETTER_TOPIC))
                .maxBatchSize(config.get(Keys.KAFKA_MAX_POLL_RECORDS))
                .offsetPolicy(OffsetPolicy.named(config.get(Keys.WORKER_OFFSET_POLICY).name().toLowerCase(java.util.Locale.ROOT)))
                .meterRegistry(registry);
        config.withPrefix("kafka.client.").forEach(builder::clientProperty);
        config.withPrefix("kafka.consumer.").forEach(builder::consumerProperty);
        return builder;
    }

    /** Settings of every producer (TLS, SASL): {@code kafka.client.*}, then {@code kafka.producer.*}. */
    static Map<String, String> producerProperties(Config config) {
        Map<String, String> properties = new java.util.TreeMap<>(config.withPrefix("kafka.client."));
        properties.putAll(config.withPrefix("kafka.producer."));
        return properties;
    }

    /** Settings of every consumer (TLS, SASL): {@code kafka.client.*}, then {@code kafka.consumer.*}. */
    static Map<String, String> consumerProperties(Config config) {
        Map<String, String> properties = new java.util.TreeMap<>(config.withPrefix("kafka.client."));
        properties.putAll(config.withPrefix("kafka.consumer."));
        return properties;
    }

    /**
     * The deliveries of every channel whose provider is configured, each behind the retry decorator. A channel
     * without one is logged; its notifications fail with {@code no-delivery-for-channel}.
     */
    static List<Delivery> deliveries(Config config, MeterRegistry registry, ScheduledExecutorService scheduler) {
        List<Delivery> deliveries = new ArrayList<>();
        if (config.isSet(Keys.APNS_SIGNING_KEY)) {
            deliveries.add(new ApnsDelivery(provider("apns", () -> apns(config)), registry));
        }
        if (config.isSet(Keys.FCM_SERVICE_ACCOUNT)) {
            deliveries.add(new FcmDelivery(provider("fcm", () -> fcm(config))));
        }
        if (config.isSet(Keys.TWILIO_AUTH_TOKEN)) {
            deliveries.add(new TwilioSmsDelivery(provider("twilio", () -> twilio(config))));
        }
        if (config.isSet(Keys.SENDGRID_API_KEY)) {
            deliveries.add(new SendGridDelivery(provider("sendgrid", () -> sendGrid(config))));
        }
        List<Delivery> retrying = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        for (Delivery delivery : deliveries) {
            retrying.add(new RetryingDelivery(delivery, RetryPolicy.ofDefaults(), scheduler));
            channels.add(delivery.channel());
        }
        log.info("[wiring] channels with a provider: {}", channels);
        return retrying;
    }

    /** The provider settings each builder field comes from, to name the key when a builder refuses a value. */
    private static final Map<String, String> PROVIDER_FIELDS = Map.ofEntries(
            Map.entry("apns:teamId", Keys.APNS_TEAM_ID.name()), Map.entry("apns:keyId", Keys.APNS_KEY_ID.name()),
            Map.entry("apns:topic", Keys.APNS_TOPIC.name()), Map.entry("apns:host", Keys.APNS_HOST.name()),
            Map.entry("fcm:projectId", Keys.FCM_PROJECT_ID.name()),
            Map.entry("fcm:clientEmail", Keys.FCM_SERVICE_ACCOUNT.name()),
            Map.entry("twilio:accountSid", Keys.TWILIO_ACCOUNT_SID.name()), Map.entry("twilio:from", Keys.TWILIO_FROM.name()),
            Map.entry("twilio:baseUrl", Keys.TWILIO_BASE_URL.name()),
            Map.entry("sendgrid:fromAddress", Keys.SENDGRID_FROM.name()), Map.entry("sendgrid:host", Keys.SENDGRID_HOST.name()));

    /**
     * Builds one provider's configuration, turning a builder's refusal into a {@link ConfigException} that names
     * the configuration key: a provider with its secret set but another setting missing is refused at start.
     */
    private static <T> T provider(String name, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            String message = String.valueOf(e.getMessage());
            String field = message.split(" ", 2)[0];
            String key = PROVIDER_FIELDS.getOrDefault(name + ":" + field, name + ".*");
            throw new ConfigException("configuration key '" + key + "': " + message + " (the " + name
                    + " provider is configured because its secret is set)");
        }
    }

    static ScheduledExecutorService retryScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, runnable -> {
            Thread thread = new Thread(runnable, "notify-retry");
            thread.setDaemon(true);
            return thread;
        });
        // One deadline task per send is scheduled and nearly always cancelled: drop cancelled ones at once.
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    static Optional<TwilioReceiptQuery> twilioReceipts(Config config) {
        return config.isSet(Keys.TWILIO_AUTH_TOKEN) ? Optional.of(new TwilioReceiptQuery(twilio(config)))
                : Optional.empty();
    }

    static ApnsConfig apns(Config config) {
        java.net.InetSocketAddress server = hostAndPort(config.get(Keys.APNS_HOST), 443, Keys.APNS_HOST.name());
        return ApnsConfig.builder()
                .server(server.getHostString(), server.getPort())
                .teamId(config.get(Keys.APNS_TEAM_ID))
                .keyId(config.get(Keys.APNS_KEY_ID))
                .signingKey((ECPrivateKey) pkcs8(config.get(Keys.APNS_SIGNING_KEY), "EC", Keys.APNS_SIGNING_KEY.name()))
                .topic(config.get(Keys.APNS_TOPIC))
                .build();
    }

    static FcmConfig fcm(Config config) {
        JsonNode account;
        try {
            account = new ObjectMapper().readTree(config.get(Keys.FCM_SERVICE_ACCOUNT));
        } catch (IOException e) {
            throw new ConfigException("configuration key '" + Keys.FCM_SERVICE_ACCOUNT.name()
                    + "' is not a service account JSON document");
        }
        FcmConfig.Builder builder = FcmConfig.builder()
                .projectId(config.isSet(Keys.FCM_PROJECT_ID) ? config.get(Keys.FCM_PROJECT_ID)
                        : account.path("project_id").asText())
                .clientEmail(account.path("client_email").asText())
                .privateKeyId(account.path("private_key_id").asText())
                .privateKey(pkcs8(account.path("private_key").asText(), "RSA", Keys.FCM_SERVICE_ACCOUNT.name()))
                .baseUrl(URI.create(config.get(Keys.FCM_BASE_URL)));
        if (account.hasNonNull("token_uri")) {
            builder.tokenServerUri(URI.create(account.get("token_uri").asText()));
        }
        return builder.build();
    }

    static TwilioConfig twilio(Config config) {
        TwilioConfig.Builder builder = TwilioConfig.builder()
                .accountSid(config.get(Keys.TWILIO_ACCOUNT_SID))
                .authToken(config.get(Keys.TWILIO_AUTH_TOKEN))
                .from(config.get(Keys.TWILIO_FROM))
                .baseUrl(URI.create(config.get(Keys.TWILIO_BASE_URL)))
                .defaultPhoneRegion(config.get(Keys.SMS_DEFAULT_REGION));
        if (config.isSet(Keys.TWILIO_STATUS_CALLBACK_URL)) {
            builder.statusCallbackBaseUrl(URI.create(config.get(Keys.TWILIO_STATUS_CALLBACK_URL)));
        }
        return builder.build();
    }

    static SendGridConfig sendGrid(Config config) {
        String host = config.get(Keys.SENDGRID_HOST);
        return SendGridConfig.builder()
                .apiKey(config.get(Keys.SENDGRID_API_KEY))
                .fromAddress(config.get(Keys.SENDGRID_FROM))
                .host(host)
                // Plain HTTP only for a stand-in on this machine; SendGrid itself is always TLS.
                .plainHttp(host.startsWith("localhost:") || host.startsWith("127.0.0.1:"))
                .build();
    }

    private static PrivateKey pkcs8(String pem, String algorithm, String key) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "").replace("\\n", "");
        try {
            return KeyFactory.getInstance(algorithm)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // The message never carries the key itself.
            throw new ConfigException("configuration key '" + key + "' is not a PKCS#8 " + algorithm
                    + " private key in PEM form");
        }
    }

    static java.net.InetSocketAddress hostAndPort(String value, int defaultPort, String key) {
        String text = value.trim();
        int colon = text.lastIndexOf(':');
        try {
            if (colon < 0) {
                return new java.net.InetSocketAddress(text, defaultPort);
            }
            return new java.net.InetSocketAddress(text.substring(0, colon),
                    Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new ConfigException("configuration key '" + key + "': '" + value + "' is not host or host:port");
        }
    }
}
