package dev.notify.reconcile;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's request signature ({@code X-Twilio-Signature}): Base64 of HMAC-SHA1, keyed with the account's auth token,
 * over the full URL Twilio requested (scheme, host, path and query string as sent) followed by every POST parameter
 * name and value, sorted by name. Like Twilio's own validator, the URL is also tried with its default port written out
 * and left out (Twilio may sign either form).
 */
public final class TwilioSignature {

    private final byte[] authToken;

    public TwilioSignature(String authToken) {
        Objects.requireNonNull(authToken, "authToken");
        if (authToken.isEmpty()) {
            throw new IllegalArgumentException("authToken must not be empty");
        }
        this.authToken = authToken.getBytes(StandardCharsets.UTF_8);
    }

    /** The signature of a request to {@code url} with form parameters {@code params}. */
    public String sign(String url, Map<String, String> params) {
        StringBuilder data = new StringBuilder(url);
        for (Map.Entry<String, String> param : new TreeMap<>(params).entrySet()) {
            data.append(param.getKey()).append(param.getValue());
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** Whether {@code signature} is a valid signature of a request to {@code url} with {@code params}. */
    public boolean verify(String url, Map<String, String> params, String signature) {
        if (signature == null || signature.isEmpty()) {
            return false;
        }
        byte[] given = signature.getBytes(StandardCharsets.UTF_8);
        for (String candidate : urlForms(url)) {
            if (MessageDigest.isEqual(sign(candidate, params).getBytes(StandardCharsets.UTF_8), given)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> urlForms(String url) {
        List<String> forms = new ArrayList<>(2);
        forms.add(url);
        try {
            URI uri = URI.create(url);
            int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443
                    : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
            if (defaultPort < 0 || uri.getRawAuthority() == null) {
                return forms;
            }
            String tail = url.substring(url.indexOf(uri.getRawAuthority()) + uri.getRawAuthority().length());
            String head = uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
                    + uri.getHost();
            if (uri.getPort() == -1) {
                forms.add(head + ":" + defaultPort + tail);
            } else if (uri.getPort() == defaultPort) {
                forms.add(head + tail);
            }
        } catch (IllegalArgumentException malformed) {
            // only the form given
        }
        return forms;
    }
}
