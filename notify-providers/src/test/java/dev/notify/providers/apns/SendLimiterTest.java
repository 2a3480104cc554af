package dev.notify.providers.apns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.RetriableDeliveryException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SendLimiterTest {

    @Test
    void should_hold_sends_beyond_the_bound_and_refuse_beyond_the_queue() {
        SendLimiter limiter = new SendLimiter(2, 1);
        List<CompletableFuture<String>> started = new ArrayList<>();

        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(limiter.submit(() -> {
                CompletableFuture<String> inFlight = new CompletableFuture<>();
                started.add(inFlight);
                return inFlight;
            }));
        }

        assertThat(started).hasSize(2);
        assertThat(results.get(3)).isCompletedExceptionally();
        assertThat(results.get(3).handle((value, failure) -> failure)).isCompletedWithValueMatching(
                failure -> failure instanceof RetriableDeliveryException
                        || failure instanceof CompletionException && failure.getCause() instanceof RetriableDeliveryException);

        started.get(0).complete("first");

        assertThat(results.get(0)).isCompletedWithValue("first");
        assertThat(started).as("the queued send starts when a stream frees up").hasSize(3);
        started.get(1).completeExceptionally(new IllegalStateException("lost"));
        started.get(2).complete("third");
        assertThat(results.get(1)).isCompletedExceptionally();
        assertThat(results.get(2)).isCompletedWithValue("third");
    }
}
