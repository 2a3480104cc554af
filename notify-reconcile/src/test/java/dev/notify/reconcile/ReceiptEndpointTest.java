package dev.notify.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.security.RequestValidator;
import dev.notify.core.Receipt;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReceiptEndpointTest {

    private static final String AUTH_TOKEN = "12345678901234567890123456789012";
    private static final Instant ARRIVAL = Instant.parse("2026-12-03T12:00:00Z");

    private final InMemoryReceiptLog log = new InMemoryReceiptLog();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private KeyPair sendGridKeys;
    private ReceiptEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        sendGridKeys = generator.generateKeyPair();
        String publicKey = Base64.getEncoder().encodeToString(sendGridKeys.getPublic().getEncoded());
        endpoint = ReceiptEndpoint.builder(log)
                .twilio(AUTH_TOKEN, URI.create("https://hooks.example.com"))
                .sendGrid(SendGridSignature.fromBase64(publicKey))
                .clock(Clock.fixed(ARRIVAL, ZoneOffset.UTC))
                .start();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void should_compute_the_signature_twilio_own_validator_accepts() {
        Map<String, String> params = Map.of("MessageSid", "SM1", "MessageStatus", "delivered", "To", "+15550001");
        String url = "https://hooks.example.com/receipts/twilio?notificationId=n-1";

        String signature = new TwilioSignature(AUTH_TOKEN).sign(url, params);

        assertThat(new RequestValidator(AUTH_TOKEN).validate(url, params, signature)).isTrue();
        assertThat(new TwilioSignature(AUTH_TOKEN).verify(url, params, signature)).isTrue();
        assertThat(new TwilioSignature(AUTH_TOKEN).verify(
                "https://hooks.example.com:443/receipts/twilio?notificationId=n-1", params, signature)).isTrue();
        assertThat(new TwilioSignature("another-token").verify(url, params, signature)).isFalse();
    }

    @Test
    void should_record_a_signed_twilio_callback() throws Exception {
        HttpResponse<String> response = postTwilio("n-1", form("MessageSid", "SM1", "MessageStatus", "undelivered",
                "ErrorCode", "30003"), true);

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(log.find("n-1")).contains(new Receipt(Receipt.State.FAILED, "twilio:30003", "SM1", ARRIVAL));
    }

    @Test
    void should_refuse_a_twilio_callback_with_a_bad_signature_and_record_nothing() throws Exception {
        HttpResponse<String> forged = postTwilio("n-2", form("MessageSid", "SM2", "MessageStatus", "delivered"), false);
        HttpResponse<String> unsigned = send(HttpRequest.newBuilder(endpoint.localUrl()
                        .resolve(ReceiptEndpoint.TWILIO_PATH + "?notificationId=n-2"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("MessageSid=SM2&MessageStatus=delivered")).build());

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(log.size()).isZero();
        assertThat(log.recorded()).isZero();
    }

    @Test
    void should_refuse_a_twilio_callback_whose_notification_id_was_changed() throws Exception {
        Map<String, String> params = form("MessageSid", "SM3", "MessageStatus", "delivered");
        String signedFor = "https://hooks.example.com/receipts/twilio?notificationId=n-3";
        String signature = new TwilioSignature(AUTH_TOKEN).sign(signedFor, params);

        HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint.localUrl()
                        .resolve(ReceiptEndpoint.TWILIO_PATH + "?notificationId=n-999"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(encode(params))).build());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(log.size()).isZero();
    }

    @Test
    void should_keep_the_final_receipt_when_sent_arrives_after_delivered() throws Exception {
        postTwilio("n-4", form("MessageSid", "SM4", "MessageStatus", "delivered"), true);
        postTwilio("n-4", form("MessageSid", "SM4", "MessageStatus", "sent"), true);

        assertThat(log.find("n-4").orElseThrow().state()).isEqualTo(Receipt.State.DELIVERED);
        assertThat(log.recorded()).isEqualTo(2);
    }

    @Test
    void should_record_signed_sendgrid_events_by_custom_argument() throws Exception {
        String payload = "[{\"email\":\"a@example.com\",\"timestamp\":1764763200,\"event\":\"delivered\","
                + "\"sg_message_id\":\"msg-1.filter0001.1-2\",\"notification_id\":\"e-1\"},"
                + "{\"email\":\"b@example.com\",\"timestamp\":1764763260,\"event\":\"bounce\",\"type\":\"blocked\","
                + "\"sg_message_id\":\"msg-2.filter0001\",\"notification_id\":\"e-2\"},"
                + "{\"email\":\"c@example.com\",\"timestamp\":1764763270,\"event\":\"open\",\"notification_id\":\"e-3\"},"
                + "{\"email\":\"d@example.com\",\"timestamp\":1764763280,\"event\":\"delivered\"}]";

        HttpResponse<String> response = postSendGrid(payload, sign("1764763300", payload));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(log.find("e-1")).contains(new Receipt(Receipt.State.DELIVERED, null, "msg-1",
                Instant.ofEpochSecond(1764763200)));
        assertThat(log.find("e-2")).contains(new Receipt(Receipt.State.FAILED, "sendgrid:bounce:blocked", "msg-2",
                Instant.ofEpochSecond(1764763260)));
        assertThat(log.find("e-3")).isEmpty();
        assertThat(log.size()).isEqualTo(2);
    }

    @Test
    void should_refuse_sendgrid_events_with_a_bad_signature_and_record_nothing() throws Exception {
        String payload = "[{\"timestamp\":1764763200,\"event\":\"delivered\",\"notification_id\":\"e-9\"}]";
        String signedOther = sign("1764763300", payload.replace("delivered", "bounce"));

        HttpResponse<String> tampered = postSendGrid(payload, signedOther);
        HttpResponse<String> garbage = postSendGrid(payload, "bm90IGEgc2lnbmF0dXJl");

        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(garbage.statusCode()).isEqualTo(403);
        assertThat(log.recorded()).isZero();
    }

    @Test
    void should_answer_404_for_a_provider_not_configured() throws Exception {
        try (ReceiptEndpoint twilioOnly = ReceiptEndpoint.builder(log).twilio(AUTH_TOKEN, null).start()) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(twilioOnly.localUrl()
                    .resolve(ReceiptEndpoint.SENDGRID_PATH)).POST(HttpRequest.BodyPublishers.ofString("[]")).build());
            assertThat(response.statusCode()).isEqualTo(404);
        }
    }

    private HttpResponse<String> postTwilio(String notificationId, Map<String, String> params, boolean validSignature)
            throws Exception {
        String query = "notificationId=" + URLEncoder.encode(notificationId, StandardCharsets.UTF_8);
        String publicUrl = "https://hooks.example.com" + ReceiptEndpoint.TWILIO_PATH + "?" + query;
        String signature = new TwilioSignature(validSignature ? AUTH_TOKEN : "wrong-token").sign(publicUrl, params);
        return send(HttpRequest.newBuilder(endpoint.localUrl().resolve(ReceiptEndpoint.TWILIO_PATH + "?" + query))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(encode(params))).build());
    }

    private HttpResponse<String> postSendGrid(String payload, String signature) throws Exception {
        return send(HttpRequest.newBuilder(endpoint.localUrl().resolve(ReceiptEndpoint.SENDGRID_PATH))
                .header("Content-Type", "application/json")
                .header(SendGridSignature.SIGNATURE_HEADER, signature)
                .header(SendGridSignature.TIMESTAMP_HEADER, "1764763300")
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build());
    }

    private String sign(String timestamp, String payload) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(sendGridKeys.getPrivate());
        signer.update((timestamp + payload).getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> form(String... pairs) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put(pairs[i], pairs[i + 1]);
        }
        params.put("AccountSid", "AC00000000000000000000000000000000");
        return params;
    }

    private static String encode(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
