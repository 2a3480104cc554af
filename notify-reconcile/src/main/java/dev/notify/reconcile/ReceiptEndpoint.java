package dev.notify.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.notify.core.Receipt;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives provider receipts over HTTP (the JDK's built-in server) and records the valid ones in a
 * {@link ReceiptLog}:
 * <ul>
 *   <li>{@value #TWILIO_PATH}: Twilio status callbacks (form POST), verified by {@link TwilioSignature} against the
 *       URL Twilio called ({@code publicBaseUrl} + path + query string). The notification id travels in the query
 *       string ({@code notificationId=...}, as the SMS delivery sets its StatusCallback). Twilio gives no event time
 *       in a callback: the time it arrives is recorded.</li>
 *   <li>{@value #SENDGRID_PATH}: SendGrid event webhooks (a JSON array), verified by {@link SendGridSignature}. The
 *       notification id is the custom argument {@code notification_id}; the event time is the event's
 *       {@code timestamp}.</li>
 * </ul>
 * A request that fails verification is answered 403 and nothing of it is recorded; a verified request is answered
 * 204 (events without a notification id or of a kind that says nothing about delivery are skipped and counted). A
 * provider left unconfigured answers 404 on its path.
 *
 * <p>Receipt states: Twilio {@code delivered}/{@code read} and SendGrid {@code delivered} are DELIVERED; Twilio
 * {@code undelivered}/{@code failed}/{@code canceled} ({@code twilio:<ErrorCode>}) and SendGrid {@code bounce}/
 * {@code dropped} ({@code sendgrid:<event>[:<type>]}) are FAILED; Twilio {@code queued}/{@code sending}/{@code sent}/
 * {@code accepted}/{@code scheduled} and SendGrid {@code processed}/{@code deferred} are PENDING_AT_PROVIDER. SendGrid
 * engagement events (open, click, spam report, unsubscribe) are not recorded.
 *
 * <p>Meter {@code notify.reconcile.webhooks} (tags {@code provider}, {@code outcome} = recorded, skipped, rejected,
 * malformed) counts requests and events.
 */
public final class ReceiptEndpoint implements AutoCloseable {

    /** The path of Twilio status callbacks. */
    public static final String TWILIO_PATH = "/receipts/twilio";
    /** The path of SendGrid event webhooks. */
    public static final String SENDGRID_PATH = "/receipts/sendgrid";
    /** Default bound on a request body: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** Default query parameter of the Twilio callback URL that carries the notification id. */
    public static final String DEFAULT_TWILIO_ID_PARAMETER = "notificationId";
    /** Default SendGrid custom argument that carries the notification id. */
    public static final String DEFAULT_SENDGRID_ID_FIELD = "notification_id";

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReceiptLog log;
    private final TwilioSignature twilio;
    private final URI twilioPublicBaseUrl;
    private final SendGridSignature sendGrid;
    private final String twilioIdParameter;
    private final String sendGridIdField;
    private final int maxBodyBytes;
    private final Clock clock;
    private final MeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;

    private ReceiptEndpoint(Builder builder) throws IOException {
        this.log = builder.log;
        this.twilio = builder.twilio;
        this.twilioPublicBaseUrl = builder.twilioPublicBaseUrl;
        this.sendGrid = builder.sendGrid;
        this.twilioIdParameter = builder.twilioIdParameter;
        this.sendGridIdField = builder.sendGridIdField;
        this.maxBodyBytes = builder.maxBodyBytes;
        this.clock = builder.clock;
        this.registry = builder.registry;
        this.server = HttpServer.create(builder.address, 64);
        this.executor = Executors.newFixedThreadPool(builder.threads, runnable -> {
            Thread thread = new Thread(runnable, "notify-receipts");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(TWILIO_PATH, this::handleTwilio);
        server.createContext(SENDGRID_PATH, this::handleSendGrid);
        server.start();
    }

    /** A builder recording into {@code log}. */
    public static Builder builder(ReceiptLog log) {
        return new Builder(log);
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://<bound address>:<port>} (for tests and for configuring a local sender). */
    public URI localUrl() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
        return URI.create("http://" + host + ":" + address.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * The body of a POST to a configured provider's path; otherwise {@code null}, with the reply sent: 404 when the
     * provider is not configured, 405 for another method, 413 for a body over the limit.
     */
    private byte[] acceptPost(HttpExchange exchange, boolean configured, String provider) throws IOException {
        if (!configured) {
            reply(exchange, 404);
            return null;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            reply(exchange, 405);
            return null;
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            count(provider, "malformed");
            reply(exchange, 413);
        }
        return body;
    }

    // -------------------------------------------------------------------------------------------- Twilio

    private void handleTwilio(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = acceptPost(exchange, twilio != null, "twilio");
            if (body == null) {
                return;
            }
            Map<String, String> form = parseForm(new String(body, StandardCharsets.UTF_8));
            URI requested = exchange.getRequestURI();
            String url = publicBase(exchange) + requested.getRawPath()
                    + (requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery());
            if (!twilio.verify(url, form, exchange.getRequestHeaders().getFirst("X-Twilio-Signature"))) {
                count("twilio", "rejected");
                LOG.debug("[receipts] Twilio callback with a bad signature refused");
                reply(exchange, 403);
                return;
            }
            String notificationId = parseForm(requested.getRawQuery() == null ? "" : requested.getRawQuery())
                    .get(twilioIdParameter);
            Receipt receipt = twilioReceipt(form, clock.instant());
            if (notificationId == null || notificationId.isEmpty() || receipt == null) {
                count("twilio", "skipped");
            } else {
                log.record(notificationId, receipt);
                count("twilio", "recorded");
            }
            reply(exchange, 204);
        } catch (RuntimeException e) {
            LOG.warn("[receipts] Twilio callback failed: {}", e.toString());
            count("twilio", "malformed");
            reply(exchange, 500);
        }
    }

    private String publicBase(HttpExchange exchange) {
        if (twilioPublicBaseUrl != null) {
            String base = twilioPublicBaseUrl.toString();
            return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        return "http://" + (host != null ? host : "localhost:" + port());
    }

    /** The receipt a Twilio callback form says, or {@code null} if its status says nothing we keep. */
    static Receipt twilioReceipt(Map<String, String> form, Instant receivedAt) {
        String status = form.get("MessageStatus");
        if (status == null) {
            status = form.get("SmsStatus");
        }
        if (status == null) {
            return null;
        }
        String sid = form.getOrDefault("MessageSid", form.get("SmsSid"));
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "delivered", "read" -> new Receipt(Receipt.State.DELIVERED, null, sid, receivedAt);
            case "undelivered", "failed", "canceled" -> new Receipt(Receipt.State.FAILED,
                    "twilio:" + form.getOrDefault("ErrorCode", status), sid, receivedAt);
            case "queued", "sending", "sent", "accepted", "scheduled", "partially_delivered" ->
                    new Receipt(Receipt.State.PENDING_AT_PROVIDER, status, sid, receivedAt);
            default -> null;
        };
    }

    // ------------------------------------------------------------------------------------------ SendGrid

    private void handleSendGrid(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = acceptPost(exchange, sendGrid != null, "sendgrid");
            if (body == null) {
                return;
            }
            String signature = exchange.getRequestHeaders().getFirst(SendGridSignature.SIGNATURE_HEADER);
            String timestamp = exchange.getRequestHeaders().getFirst(SendGridSignature.TIMESTAMP_HEADER);
            if (!sendGrid.verify(timestamp, body, signature)) {
                count("sendgrid", "rejected");
                LOG.debug("[receipts] SendGrid events with a bad signature refused");
                reply(exchange, 403);
                return;
            }
            JsonNode events;
            try {
                events = JSON.readTree(body);
            } catch (IOException e) {
                events = null;
            }
            if (events == null || !events.isArray()) {
                count("sendgrid", "malformed");
                reply(exchange, 400);
                return;
            }
            Instant receivedAt = clock.instant();
            for (JsonNode event : events) {
                String notificationId = text(event, sendGridIdField);
                Receipt receipt = sendGridReceipt(event, receivedAt);
                if (notificationId == null || notificationId.isEmpty() || receipt == null) {
                    count("sendgrid", "skipped");
                } else {
                    log.record(notificationId, receipt);
                    count("sendgrid", "recorded");
                }
            }
            reply(exchange, 204);
        } catch (RuntimeException e) {
            LOG.warn("[receipts] SendGrid events failed: {}", e.toString());
            count("sendgrid", "malformed");
            reply(exchange, 500);
        }
    }

    /** The receipt one SendGrid event says, or {@code null} if it says nothing about delivery. */
    static Receipt sendGridReceipt(JsonNode event, Instant receivedAt) {
        String kind = text(event, "event");
        if (kind == null) {
            return null;
        }
        JsonNode timestamp = event.get("timestamp");
        Instant at = timestamp != null && timestamp.canConvertToLong() ? Instant.ofEpochSecond(timestamp.asLong())
                : receivedAt;
        String messageId = text(event, "sg_message_id");
        if (messageId != null && messageId.indexOf('.') > 0) {
            // sg_message_id is the X-Message-Id of the send followed by ".filter..." parts
            messageId = messageId.substring(0, messageId.indexOf('.'));
        }
        return switch (kind) {
            case "delivered" -> new Receipt(Receipt.State.DELIVERED, null, messageId, at);
            case "bounce", "dropped" -> {
                String type = text(event, "type");
                yield new Receipt(Receipt.State.FAILED, "sendgrid:" + kind + (type == null ? "" : ":" + type),
                        messageId, at);
            }
            case "processed", "deferred" -> new Receipt(Receipt.State.PENDING_AT_PROVIDER, kind, messageId, at);
            default -> null;
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    // ------------------------------------------------------------------------------------------- plumbing

    /** The body, or {@code null} if longer than the bound. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            return body.length > maxBodyBytes ? null : body;
        }
    }

    static Map<String, String> parseForm(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static void reply(HttpExchange exchange, int status) {
        try {
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void count(String provider, String outcome) {
        registry.counter("notify.reconcile.webhooks", "provider", provider, "outcome", outcome).increment();
    }

    /** Configures a {@link ReceiptEndpoint}; {@link #start()} binds it. */
    public static final class Builder {
        private final ReceiptLog log;
        private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private TwilioSignature twilio;
        private URI twilioPublicBaseUrl;
        private SendGridSignature sendGrid;
        private String twilioIdParameter = DEFAULT_TWILIO_ID_PARAMETER;
        private String sendGridIdField = DEFAULT_SENDGRID_ID_FIELD;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int threads = 2;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry registry;

        private Builder(ReceiptLog log) {
            this.log = Objects.requireNonNull(log, "log");
        }

        /** Where to listen. Default: loopback, any free port (set an address for production). */
        public Builder bind(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Accepts Twilio status callbacks signed with {@code authToken}.
         *
         * @param publicBaseUrl the scheme, host and port Twilio calls (behind a proxy it differs from this server's
         *     own); {@code null} to use {@code http://} and the request's Host header
         */
        public Builder twilio(String authToken, URI publicBaseUrl) {
            this.twilio = new TwilioSignature(authToken);
            this.twilioPublicBaseUrl = publicBaseUrl;
            return this;
        }

        /** Accepts SendGrid event webhooks signed for {@code signature}'s key. */
        public Builder sendGrid(SendGridSignature signature) {
            this.sendGrid = Objects.requireNonNull(signature, "signature");
            return this;
        }

        /** The callback URL's query parameter carrying the notification id. Default {@link #DEFAULT_TWILIO_ID_PARAMETER}. */
        public Builder twilioIdParameter(String name) {
            this.twilioIdParameter = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The SendGrid custom argument carrying the notification id. Default {@link #DEFAULT_SENDGRID_ID_FIELD}. */
        public Builder sendGridIdField(String name) {
            this.sendGridIdField = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Largest request body accepted (413 beyond). Default {@link #DEFAULT_MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1, was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Threads serving requests. Default 2. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The clock stamping Twilio callbacks. Default: the system clock, UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where the webhook meter goes. Default: a new {@link SimpleMeterRegistry}. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Binds and starts the server. */
        public ReceiptEndpoint start() {
            if (twilio == null && sendGrid == null) {
                throw new IllegalStateException("configure twilio(...) or sendGrid(...)");
            }
            if (registry == null) {
                registry = new SimpleMeterRegistry();
            }
            try {
                return new ReceiptEndpoint(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind " + address, e);
            }
        }
    }
}
