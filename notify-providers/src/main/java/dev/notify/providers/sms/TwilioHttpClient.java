package dev.notify.providers.sms;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * Twilio's HTTP client with our timeouts, without hidden retries, and, when a base URL is configured, with each
 * request's scheme and host rewritten to it (the SDK has no base-URL option).
 */
final class TwilioHttpClient extends NetworkHttpClient {

    private final URI baseUrl;

    TwilioHttpClient(TwilioConfig config) {
        super(builder(config));
        this.baseUrl = config.baseUrl();
    }

    private static HttpClientBuilder builder(TwilioConfig config) {
        Timeout connect = Timeout.ofMilliseconds(config.connectTimeout().toMillis());
        Timeout socket = Timeout.ofMilliseconds(config.requestTimeout().toMillis());
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(socket).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect).setSocketTimeout(socket).build())
                        .setMaxConnTotal(config.maxConcurrentRequests())
                        .setMaxConnPerRoute(config.maxConcurrentRequests())
                        .build())
                // Apache HttpClient would retry 429 and 503 on its own: one budget, in RetryingDelivery.
                .disableAutomaticRetries();
    }

    /** No retries of 5xx inside the SDK either. */
    @Override
    protected boolean shouldRetry(Response response, int[] retryCodes) {
        return false;
    }

    @Override
    public Response makeRequest(Request request) {
        if (baseUrl == null) {
            return super.makeRequest(request);
        }
        URL original = request.constructURL();
        String target = baseUrl.toString().replaceAll("/+$", "") + original.getFile();
        Request rewritten = new Request(request.getMethod(), target);
        if (request.getAuthStrategy() != null) {
            rewritten.setAuth(request.getAuthStrategy());
        } else if (request.getUsername() != null) {
            rewritten.setAuth(request.getUsername(), request.getPassword());
        }
        copy(request.getPostParams(), rewritten::addPostParam);
        copy(request.getHeaderParams(), rewritten::addHeaderParam);
        if (request.getContentType() != null) {
            rewritten.setContentType(request.getContentType());
        }
        if (request.getBody() != null) {
            rewritten.setBody(request.getBody());
        }
        if (request.getUserAgentExtensions() != null) {
            rewritten.setUserAgentExtensions(request.getUserAgentExtensions());
        }
        return super.makeRequest(rewritten);
    }

    private static void copy(Map<String, List<String>> params, java.util.function.BiConsumer<String, String> add) {
        if (params == null) {
            return;
        }
        params.forEach((name, values) -> values.forEach(value -> add.accept(name, value)));
    }
}
