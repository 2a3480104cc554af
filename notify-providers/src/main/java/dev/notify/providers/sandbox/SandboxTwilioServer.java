package dev.notify.providers.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers like Twilio's Messages API on loopback: {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json}
 * (Basic auth checked; To, From, Body, StatusCallback read from the form; answers 201 with a new SID, status
 * {@code queued}) and {@code GET .../Messages/{Sid}.json} (404 with code 20404 for an unknown SID). Requests are
 * counted by the {@code notificationId} in their StatusCallback URL. Error answers carry {@code code} and
 * {@code status} like Twilio's: see {@link #error(int, int, String)}.
 */
public final class SandboxTwilioServer extends SandboxHttpPeer {

    private static final Pattern CREATE = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
    private static final Pattern FETCH = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages/([^/]+)\\.json");
    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String accountSid;
    private final String expectedAuthorization;
    private final Map<String, ObjectNode> messages = new ConcurrentHashMap<>();
    private final Map<String, String> notificationIds = new ConcurrentHashMap<>();

    /** Starts on {@code port} (0 for any free port), accepting {@code accountSid}:{@code authToken}. */
    public SandboxTwilioServer(int port, String accountSid, String authToken) {
        super("twilio", port);
        this.accountSid = accountSid;
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
    }

    /** A Twilio-shaped error answer. */
    public static HttpReply error(int httpStatus, int code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("code", code);
        body.put("message", message);
        body.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        body.put("status", httpStatus);
        return HttpReply.json(httpStatus, body.toString());
    }

    /** Sets what a fetch of message {@code sid} reports: its status and error code ({@code null} for none). */
    public void setMessageStatus(String sid, String status, Integer errorCode) {
        ObjectNode message = messages.get(sid);
        if (message == null) {
            throw new IllegalArgumentException("no message " + sid);
        }
        message.put("status", status);
        if (errorCode == null) {
            message.putNull("error_code");
        } else {
            message.put("error_code", errorCode);
            message.put("error_message", "sandbox error " + errorCode);
        }
        message.put("date_updated", RFC_2822.format(ZonedDateTime.now()));
    }

    /** The SIDs of the messages created, with the notification id each was created for. */
    public Map<String, String> notificationIdsBySid() {
        return Map.copyOf(notificationIds);
    }

    @Override
    HttpReply handle(HttpExchange exchange) {
        if (!expectedAuthorization.equals(exchange.header("Authorization"))) {
            return error(401, 20003, "Authenticate");
        }
        Matcher create = CREATE.matcher(exchange.path());
        if ("POST".equals(exchange.method()) && create.matches()) {
            return create(exchange, create.group(1));
        }
        Matcher fetch = FETCH.matcher(exchange.path());
        if ("GET".equals(exchange.method()) && fetch.matches()) {
            ObjectNode message = messages.get(fetch.group(2));
            return message == null
                    ? error(404, 20404, "The requested resource " + exchange.path() + " was not found")
                    : HttpReply.json(200, message.toString());
        }
        return error(404, 20404, "The requested resource " + exchange.path() + " was not found");
    }

    private HttpReply create(HttpExchange exchange, String pathAccount) {
        Map<String, String> form = exchange.form();
        String notificationId = notificationId(form.get("StatusCallback"));
        HttpReply scripted = countAndScript(notificationId, form.get("To"));
        if (scripted != null) {
            return scripted;
        }
        if (!accountSid.equals(pathAccount)) {
            return error(404, 20404, "The requested resource " + exchange.path() + " was not found");
        }
        if (form.get("To") == null || form.get("From") == null || form.get("Body") == null) {
            return error(400, 21604, "A 'To', 'From' and 'Body' are required");
        }
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        String now = RFC_2822.format(ZonedDateTime.now());
        ObjectNode message = JSON.createObjectNode();
        message.put("sid", sid);
        message.put("account_sid", accountSid);
        message.put("to", form.get("To"));
        message.put("from", form.get("From"));
        message.put("body", form.get("Body"));
        message.put("status", "queued");
        message.put("direction", "outbound-api");
        message.put("num_segments", "1");
        message.putNull("error_code");
        message.putNull("error_message");
        message.put("date_created", now);
        message.put("date_updated", now);
        message.put("uri", "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + ".json");
        messages.put(sid, message);
        notificationIds.put(sid, notificationId == null ? "" : notificationId);
        return HttpReply.json(201, message.toString());
    }

    private static String notificationId(String statusCallback) {
        if (statusCallback == null) {
            return null;
        }
        int question = statusCallback.indexOf('?');
        if (question < 0) {
            return null;
        }
        return HttpExchange.parseForm(statusCallback.substring(question + 1)).get("notificationId");
    }

    @Override
    public void reset() {
        super.reset();
        messages.clear();
        notificationIds.clear();
    }
}
