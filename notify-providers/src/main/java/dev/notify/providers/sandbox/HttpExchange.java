package dev.notify.providers.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as a sandbox HTTP peer received it: method, path, query, headers (names looked up
 * case-insensitively) and body.
 */
public final class HttpExchange {

    private final String method;
    private final String path;
    private final String query;
    private final Map<String, String> headers;
    private final String body;

    HttpExchange(String method, String target, Map<String, String> headers, String body) {
        this.method = method;
        int question = target.indexOf('?');
        this.path = question < 0 ? target : target.substring(0, question);
        this.query = question < 0 ? "" : target.substring(question + 1);
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        this.headers = Collections.unmodifiableMap(lower);
        this.body = body;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String query() {
        return query;
    }

    /** The header's value, looked up case-insensitively, or {@code null}. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String body() {
        return body;
    }

    /** The body read as an {@code application/x-www-form-urlencoded} form; the first value of each name. */
    public Map<String, String> form() {
        return parseForm(body);
    }

    /** Every value of {@code name} in the form body. */
    public List<String> formValues(String name) {
        List<String> values = new ArrayList<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && decode(pair.substring(0, equals)).equals(name)) {
                values.add(decode(pair.substring(equals + 1)));
            }
        }
        return values;
    }

    static Map<String, String> parseForm(String text) {
        Map<String, String> form = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return form;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.putIfAbsent(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
            }
        }
        return form;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
