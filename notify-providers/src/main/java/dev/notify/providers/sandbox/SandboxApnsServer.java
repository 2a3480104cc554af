package dev.notify.providers.sandbox;

import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;
import dev.notify.providers.apns.ApnsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * Pushy's {@link MockApnsServer} on loopback, with credentials generated at run time (once per JVM): a self-signed EC certificate for
 * {@code localhost} and a token-auth signing key. It checks the topic, answers as scripted ({@link
 * #rejectNext}, {@link #rejectToken}, {@link #unregister}), accepts the rest, and counts what it received and
 * accepted per apns-id. {@link #configBuilder()} gives an {@link ApnsConfig.Builder} aimed at it and sharing its
 * event loop group (close the deliveries before the server).
 *
 * <p>It does not verify the provider token's signature.
 */
public final class SandboxApnsServer implements AutoCloseable {

    /** The topic it serves. */
    public static final String TOPIC = "dev.notify.sandbox";
    /** The team id of the generated key. */
    public static final String TEAM_ID = "SANDBOXTM1";
    /** The key id of the generated key. */
    public static final String KEY_ID = "SANDBOXKY1";

    private final EventLoopGroup eventLoopGroup;
    private final MockApnsServer server;
    private final X509Certificate certificate;
    private final ECPrivateKey signingKey;
    private final int port;
    private final Map<String, AtomicInteger> receivedByApnsId = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> acceptedByApnsId = new ConcurrentHashMap<>();
    private final Map<String, RejectedNotificationException> byToken = new ConcurrentHashMap<>();
    private final Deque<RejectionReason> next = new ConcurrentLinkedDeque<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private SandboxApnsServer(int port) throws SSLException, InterruptedException {
        KeyPair serverKey = Credentials.SERVER_KEY;
        this.certificate = Credentials.CERTIFICATE;
        this.signingKey = Credentials.SIGNING_KEY;
        this.eventLoopGroup = new NioEventLoopGroup(2);
        this.server = new MockApnsServerBuilder()
                .setServerCredentials(new X509Certificate[] {certificate}, serverKey.getPrivate(), null)
                .setEventLoopGroup(eventLoopGroup)
                .setHandlerFactory(session -> this::handle)
                .setListener(new Listener())
                .build();
        try {
            this.port = (Integer) server.start(port).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            eventLoopGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot start the APNs sandbox on port " + port, e);
        }
    }

    /** Credentials generated once per JVM, at first use. */
    private static final class Credentials {
        static final KeyPair SERVER_KEY = SandboxCertificates.ecKeyPair();
        static final X509Certificate CERTIFICATE = SandboxCertificates.selfSignedLocalhost(SERVER_KEY);
        static final ECPrivateKey SIGNING_KEY = (ECPrivateKey) SandboxCertificates.ecKeyPair().getPrivate();
    }

    /** Starts on {@code port}, 0 for any free port. */
    public static SandboxApnsServer start(int port) {
        try {
            return new SandboxApnsServer(port);
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for the APNs sandbox", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the APNs sandbox", e);
        }
    }

    private void handle(Http2Headers headers, ByteBuf payload) throws RejectedNotificationException {
        String apnsId = String.valueOf(headers.get("apns-id"));
        receivedByApnsId.computeIfAbsent(apnsId, id -> new AtomicInteger()).incrementAndGet();
        RejectionReason scripted = next.pollFirst();
        if (scripted != null) {
            throw new RejectedNotificationException(scripted);
        }
        if (!TOPIC.equals(String.valueOf(headers.get("apns-topic")))) {
            throw new RejectedNotificationException(RejectionReason.DEVICE_TOKEN_NOT_FOR_TOPIC);
        }
        String path = String.valueOf(headers.path());
        String token = path.substring(path.lastIndexOf('/') + 1);
        RejectedNotificationException forToken = byToken.get(token);
        if (forToken != null) {
            throw forToken;
        }
        if (payload.readableBytes() > 4096) {
            throw new RejectedNotificationException(RejectionReason.PAYLOAD_TOO_LARGE);
        }
    }

    private final class Listener implements MockApnsServerListener {
        @Override
        public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
            accepted.incrementAndGet();
            acceptedByApnsId.computeIfAbsent(String.valueOf(headers.get("apns-id")), id -> new AtomicInteger())
                    .incrementAndGet();
            lastPayload = payload.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void handlePushNotificationRejected(Http2Headers headers, ByteBuf payload, RejectionReason reason,
                Instant deviceTokenExpiration) {
            // counted as received by the handler
        }
    }

    private volatile String lastPayload;

    /** Rejects the next notifications with {@code reasons}, one each, in order, whatever their token. */
    public void rejectNext(RejectionReason... reasons) {
        next.addAll(java.util.List.of(reasons));
    }

    /** Rejects every notification to {@code token} with {@code reason}. */
    public void rejectToken(String token, RejectionReason reason) {
        byToken.put(token.toLowerCase(java.util.Locale.ROOT), new RejectedNotificationException(reason));
    }

    /** Answers 410 Unregistered, with {@code since} as the invalidation time, to every notification to {@code token}. */
    public void unregister(String token, Instant since) {
        byToken.put(token.toLowerCase(java.util.Locale.ROOT), new UnregisteredDeviceTokenException(since));
    }

    /** How many notifications with this apns-id arrived. */
    public int receivedCount(String apnsId) {
        AtomicInteger count = receivedByApnsId.get(apnsId);
        return count == null ? 0 : count.get();
    }

    /** How many notifications with this apns-id were accepted. */
    public int acceptedCount(String apnsId) {
        AtomicInteger count = acceptedByApnsId.get(apnsId);
        return count == null ? 0 : count.get();
    }

    /** Accepted notifications, all apns-ids together. */
    public int acceptedTotal() {
        return accepted.get();
    }

    /** Accepted counts per apns-id. */
    public Map<String, Integer> acceptedByApnsId() {
        Map<String, Integer> copy = new java.util.HashMap<>();
        acceptedByApnsId.forEach((id, count) -> copy.put(id, count.get()));
        return copy;
    }

    /** The payload of the last accepted notification. */
    public String lastAcceptedPayload() {
        return lastPayload;
    }

    public int port() {
        return port;
    }

    /** The server's certificate, for clients to trust. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The token-auth signing key clients use (its public half is not checked). */
    public ECPrivateKey signingKey() {
        return signingKey;
    }

    /** The shared event loop group. */
    public EventLoopGroup eventLoopGroup() {
        return eventLoopGroup;
    }

    /** A configuration builder aimed at this server: localhost, its port, trust, key, topic, shared event loop. */
    public ApnsConfig.Builder configBuilder() {
        return configBuilder(port);
    }

    /** As {@link #configBuilder()}, but connecting to {@code port} on localhost (e.g. a proxy in front of it). */
    public ApnsConfig.Builder configBuilder(int port) {
        return ApnsConfig.builder()
                .server("localhost", port)
                .teamId(TEAM_ID)
                .keyId(KEY_ID)
                .signingKey(signingKey)
                .topic(TOPIC)
                .trustedServerCertificates(certificate)
                .eventLoopGroup(eventLoopGroup);
    }

    /** Forgets the scripts and the counts. */
    public void reset() {
        next.clear();
        byToken.clear();
        receivedByApnsId.clear();
        acceptedByApnsId.clear();
        accepted.set(0);
    }

    /** Stops the server and its event loop group; close the deliveries that share it first. */
    @Override
    public void close() {
        server.shutdown().join();
        eventLoopGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
