package dev.notify.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.NotificationRequest;
import dev.notify.core.Priority;
import dev.notify.core.inmemory.FaultMode;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class NotificationPublisherTest {

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final InMemoryStatusStore store = new InMemoryStatusStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private NotificationPublisher publisher() {
        return NotificationPublisher.builder().topic("notifications").statusStore(store)
                .pendingTimeout(Duration.ofMillis(100)).meterRegistry(registry).build(producer);
    }

    private double pending(String result) {
        return registry.get("notify.publisher.pending").tag("result", result).counter().count();
    }

    @Test
    void should_record_pending_and_publish_keyed_by_user_id() throws Exception {
        NotificationRequest request = ItKit.request("n-1", "u-42", Channel.FCM);

        RecordMetadata metadata = publisher().publish(request).get();

        assertThat(metadata.topic()).isEqualTo("notifications");
        assertThat(producer.history()).hasSize(1);
        assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("u-42");
        assertThat(new NotificationRecordCodec().decode(producer.history().get(0).value()))
                .isEqualTo(new DecodeResult.Valid(request));
        assertThat(store.get("n-1").orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(pending("recorded")).isEqualTo(1);
    }

    @Test
    void should_publish_at_once_while_the_status_store_hangs() throws Exception {
        // Given a store that never answers
        store.setMode(FaultMode.HANGING);
        NotificationPublisher publisher = publisher();

        // When a request is published
        long start = System.nanoTime();
        CompletableFuture<RecordMetadata> published = publisher.publish(ItKit.request("n-2", "u-1", Channel.SMS));

        // Then it is published without waiting for the store, and the PENDING write times out and is counted
        assertThat(published.get().offset()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
        await().atMost(Duration.ofSeconds(5)).until(() -> pending("failed") == 1);
        assertThat(store.get("n-2")).isEmpty();
    }

    @Test
    void should_publish_when_the_status_store_fails() throws Exception {
        store.setMode(FaultMode.FAILING);
        assertThat(publisher().publish(ItKit.request("n-3", "u-1", Channel.EMAIL)).get()).isNotNull();
        assertThat(producer.history()).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> pending("failed") == 1);
    }

    @Test
    void should_refuse_a_request_the_workers_would_dead_letter() {
        NotificationRequest tooLong = new NotificationRequest("x".repeat(65), "u-1", Channel.SMS, "+15005550006",
                "", "hi", Map.of(), Priority.HIGH, Instant.now(), null, null);

        CompletableFuture<RecordMetadata> published = publisher().publish(tooLong);

        assertThat(published).isCompletedExceptionally();
        assertThat(catchCause(published)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too-long:id");
        assertThat(producer.history()).isEmpty();
        assertThat(store.all()).isEmpty();
    }

    @Test
    void should_fail_the_future_when_kafka_does_not_acknowledge() {
        MockProducer<byte[], byte[]> manual = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        NotificationPublisher publisher = NotificationPublisher.builder().topic("t").build(manual);
        CompletableFuture<RecordMetadata> published = publisher.publish(ItKit.request("n-4", "u-1", Channel.APNS));
        assertThat(published).isNotDone();

        manual.errorNext(new org.apache.kafka.common.errors.TimeoutException("simulated"));

        assertThat(catchCause(published)).isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }

    private static Throwable catchCause(CompletableFuture<?> future) {
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
