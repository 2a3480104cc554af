package dev.notify.providers.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a sandbox HTTP peer answers: a status, headers (sent with exactly the case given) and a body; or
 * {@link #noAnswer()}, which keeps the connection open and never answers.
 */
public final class HttpReply {

    private final int status;
    private final Map<String, String> headers;
    private final String body;

    private HttpReply(int status, Map<String, String> headers, String body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** A JSON answer. */
    public static HttpReply json(int status, String body) {
        return new HttpReply(status, new LinkedHashMap<>(Map.of("Content-Type", "application/json")), body);
    }

    /** An answer with an empty body. */
    public static HttpReply empty(int status) {
        return new HttpReply(status, new LinkedHashMap<>(), "");
    }

    /** Never answers: the client waits until its own timeout. */
    public static HttpReply noAnswer() {
        return new HttpReply(-1, Map.of(), "");
    }

    /** A copy with one more header, its name sent in exactly this case. */
    public HttpReply withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpReply(status, copy, body);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String body() {
        return body;
    }

    boolean isNoAnswer() {
        return status < 0;
    }

    @Override
    public String toString() {
        return isNoAnswer() ? "HttpReply[no answer]" : "HttpReply[" + status + "]";
    }
}
