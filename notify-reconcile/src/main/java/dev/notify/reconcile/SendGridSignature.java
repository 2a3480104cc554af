package dev.notify.reconcile;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;

/**
 * SendGrid's signed Event Webhook: an ECDSA (P-256, SHA-256) signature, Base64 of its DER form in header
 * {@value #SIGNATURE_HEADER}, over the timestamp in header {@value #TIMESTAMP_HEADER} followed by the raw request
 * body. The verification key is the one SendGrid shows for the webhook: Base64 of an X.509 SubjectPublicKeyInfo.
 */
public final class SendGridSignature {

    /** The header carrying the signature. */
    public static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
    /** The header carrying the timestamp that was signed. */
    public static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";

    private final PublicKey publicKey;

    public SendGridSignature(PublicKey publicKey) {
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        if (!"EC".equals(publicKey.getAlgorithm())) {
            throw new IllegalArgumentException("an EC public key is required, was " + publicKey.getAlgorithm());
        }
    }

    /** From the Base64 key SendGrid shows (X.509 SubjectPublicKeyInfo). */
    public static SendGridSignature fromBase64(String base64PublicKey) {
        Objects.requireNonNull(base64PublicKey, "base64PublicKey");
        try {
            byte[] der = Base64.getDecoder().decode(base64PublicKey.strip());
            return new SendGridSignature(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Base64 X.509 EC public key", e);
        }
    }

    /** Whether {@code signatureBase64} signs {@code timestamp} followed by {@code body}. */
    public boolean verify(String timestamp, byte[] body, String signatureBase64) {
        if (timestamp == null || signatureBase64 == null || body == null) {
            return false;
        }
        try {
            byte[] signature = Base64.getDecoder().decode(signatureBase64.strip());
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
            verifier.update(body);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
