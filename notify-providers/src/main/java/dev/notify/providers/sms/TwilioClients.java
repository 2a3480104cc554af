package dev.notify.providers.sms;

import com.twilio.http.TwilioRestClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds the SDK client and the threads its blocking calls run on. */
final class TwilioClients {

    private TwilioClients() {
    }

    static TwilioRestClient restClient(TwilioConfig config) {
        TwilioRestClient.Builder builder = new TwilioRestClient.Builder(config.accountSid(), config.authToken())
                .accountSid(config.accountSid())
                .httpClient(new TwilioHttpClient(config));
        if (config.region() != null) {
            builder.region(config.region());
        }
        if (config.edge() != null) {
            builder.edge(config.edge());
        }
        return builder.build();
    }

    static ExecutorService executor(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
