package dev.notify.providers.sandbox;

import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.ReceiptQuery;
import dev.notify.providers.apns.ApnsDelivery;
import dev.notify.providers.email.SendGridConfig;
import dev.notify.providers.email.SendGridDelivery;
import dev.notify.providers.fcm.FcmDelivery;
import dev.notify.providers.sms.SmsOptOutListener;
import dev.notify.providers.sms.TwilioConfig;
import dev.notify.providers.sms.TwilioReceiptQuery;
import dev.notify.providers.sms.TwilioSmsDelivery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All four sandbox peers on loopback with a {@link Delivery} for each channel aimed at them, and receipt queries:
 * for demos, load drivers and tests. {@link #close()} closes the deliveries, then the servers.
 *
 * <pre>{@code
 * try (SandboxProviders sandbox = SandboxProviders.start()) {
 *     Delivery sms = sandbox.delivery(Channel.SMS);
 *     sandbox.twilio().enqueue(SandboxTwilioServer.error(429, 20429, "Too Many Requests"));
 * }
 * }</pre>
 */
public final class SandboxProviders implements AutoCloseable {

    /** The Twilio account SID the sandbox accepts. */
    public static final String TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000001";
    /** The Twilio auth token the sandbox accepts. */
    public static final String TWILIO_AUTH_TOKEN = "sandbox-auth-token";
    /** The SMS sender. */
    public static final String TWILIO_FROM = "+15005550006";
    /** The SendGrid API key the sandbox accepts. */
    public static final String SENDGRID_API_KEY = "SG.sandbox-api-key";
    /** The email sender. */
    public static final String EMAIL_FROM = "notify@example.com";

    private static final Logger LOG = LoggerFactory.getLogger(SandboxProviders.class);

    private final SandboxApnsServer apns;
    private final SandboxTwilioServer twilio;
    private final SandboxSendGridServer sendGrid;
    private final SandboxFcmServer fcm;
    private final TwilioConfig twilioConfig;
    private final SendGridConfig sendGridConfig;
    private final Map<Channel, Delivery> deliveries = new EnumMap<>(Channel.class);
    private final Map<Channel, ReceiptQuery> receiptQueries = new EnumMap<>(Channel.class);
    private final TwilioReceiptQuery twilioReceipts;

    private SandboxProviders(Builder builder) {
        MeterRegistry meterRegistry = builder.meterRegistry;
        this.apns = SandboxApnsServer.start(builder.apnsPort);
        this.twilio = new SandboxTwilioServer(builder.twilioPort, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN);
        this.sendGrid = new SandboxSendGridServer(builder.sendGridPort, SENDGRID_API_KEY);
        this.fcm = new SandboxFcmServer(builder.fcmPort);
        this.twilioConfig = TwilioConfig.builder()
                .accountSid(TWILIO_ACCOUNT_SID)
                .authToken(TWILIO_AUTH_TOKEN)
                .from(TWILIO_FROM)
                .baseUrl(URI.create(twilio.baseUrl()))
                .statusCallbackBaseUrl(builder.statusCallbackBaseUrl)
                .build();
        this.sendGridConfig = SendGridConfig.builder()
                .apiKey(SENDGRID_API_KEY)
                .fromAddress(EMAIL_FROM)
                .host("localhost:" + sendGrid.port())
                .plainHttp(true)
                .build();
        deliveries.put(Channel.APNS, new ApnsDelivery(apns.configBuilder().build(), meterRegistry));
        deliveries.put(Channel.FCM, new FcmDelivery(fcm.configBuilder().build()));
        deliveries.put(Channel.SMS, new TwilioSmsDelivery(twilioConfig, builder.optOutListener));
        deliveries.put(Channel.EMAIL, new SendGridDelivery(sendGridConfig));
        this.twilioReceipts = new TwilioReceiptQuery(twilioConfig);
        receiptQueries.put(Channel.SMS, twilioReceipts);
        receiptQueries.put(Channel.APNS, ReceiptQuery.notQueryable(Channel.APNS));
        receiptQueries.put(Channel.FCM, ReceiptQuery.notQueryable(Channel.FCM));
        receiptQueries.put(Channel.EMAIL, ReceiptQuery.notQueryable(Channel.EMAIL));
        LOG.info("[sandbox] providers on loopback: apns {}, fcm {}, twilio {}, sendgrid {}", apns.port(), fcm.port(),
                twilio.port(), sendGrid.port());
    }

    /** Starts the four peers on free ports, with a private meter registry, no opt-out listener, no StatusCallback. */
    public static SandboxProviders start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a sandbox; every one has a default. */
    public static final class Builder {
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();
        private SmsOptOutListener optOutListener = SmsOptOutListener.NONE;
        private URI statusCallbackBaseUrl;
        private int apnsPort;
        private int fcmPort;
        private int twilioPort;
        private int sendGridPort;

        private Builder() {
        }

        /** Where APNs configuration-error counters go; default a private registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = java.util.Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** Told of SMS opt-outs (Twilio 21610); default none. */
        public Builder optOutListener(SmsOptOutListener optOutListener) {
            this.optOutListener = optOutListener == null ? SmsOptOutListener.NONE : optOutListener;
            return this;
        }

        /** The StatusCallback base URL sent with each SMS; default none. */
        public Builder statusCallbackBaseUrl(URI statusCallbackBaseUrl) {
            this.statusCallbackBaseUrl = statusCallbackBaseUrl;
            return this;
        }

        /** Fixed ports for the four peers; default 0 each (any free port). */
        public Builder ports(int apnsPort, int fcmPort, int twilioPort, int sendGridPort) {
            this.apnsPort = apnsPort;
            this.fcmPort = fcmPort;
            this.twilioPort = twilioPort;
            this.sendGridPort = sendGridPort;
            return this;
        }

        public SandboxProviders start() {
            return new SandboxProviders(this);
        }
    }

    /** The delivery for {@code channel}, owned by the sandbox (closed by {@link #close()}). */
    public Delivery delivery(Channel channel) {
        return deliveries.get(channel);
    }

    /** All four deliveries. */
    public Map<Channel, Delivery> deliveries() {
        return Map.copyOf(deliveries);
    }

    /** The receipt query for {@code channel}: Twilio's for SMS, not-queryable for the others. */
    public ReceiptQuery receiptQuery(Channel channel) {
        return receiptQueries.get(channel);
    }

    public SandboxApnsServer apns() {
        return apns;
    }

    public SandboxTwilioServer twilio() {
        return twilio;
    }

    public SandboxSendGridServer sendGrid() {
        return sendGrid;
    }

    public SandboxFcmServer fcm() {
        return fcm;
    }

    public TwilioConfig twilioConfig() {
        return twilioConfig;
    }

    public SendGridConfig sendGridConfig() {
        return sendGridConfig;
    }

    @Override
    public void close() {
        deliveries.values().forEach(Delivery::close);
        twilioReceipts.close();
        twilio.close();
        sendGrid.close();
        fcm.close();
        apns.close();
    }
}
