package dev.notify.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.NotificationRequest;
import dev.notify.core.StatusUpdate;
import dev.notify.core.batch.BatchProcessor;
import dev.notify.core.inmemory.InMemoryDedupGuard;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.core.inmemory.InMemoryStatusStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Publisher, journal and deferred lane together with a worker, on the real broker. */
class SideLanesIT {

    private final ItKit kit = new ItKit();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        kit.close();
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void should_publish_pending_journal_every_outcome_and_send_deferred_ones_when_due() throws Exception {
        // Given a live topic, a journal topic, a delay topic, and SMS sends that fail transiently once
        String live = kit.topic("lanes-live", 2);
        String journalTopic = kit.topic("lanes-journal", 2);
        String delay = kit.topic("lanes-delay", 1);
        String bootstrap = kit.kafka.bootstrapServers();
        kit.deliveries.get(Channel.SMS).behaviour(InMemoryDelivery.failTransiently(1));
        InMemoryStatusStore store = new InMemoryStatusStore();
        KafkaDeliveryJournal journal = KafkaDeliveryJournal.create(bootstrap, journalTopic, Map.of(), null);
        KafkaDeferredDelivery deferred = KafkaDeferredDelivery.create(bootstrap, delay, Map.of());
        closeables.add(journal);
        closeables.add(deferred);
        BatchProcessor processor = BatchProcessor.builder().deliveries(kit.deliveries.values()).statusStore(store)
                .journal(journal).deferred(deferred).dedup(new InMemoryDedupGuard())
                .retryDeferral(Duration.ofSeconds(1)).build();
        String group = ItKit.unique("lanes-group");
        kit.start(NotificationWorker.create(kit.config(live, group).build(), processor));
        DeferredLaneWorker lane = DeferredLaneWorker.create(bootstrap, delay, live, ItKit.unique("lanes-delay-group"),
                Map.of());
        closeables.add(lane);
        Thread laneThread = new Thread(lane, "deferred-lane");
        laneThread.setDaemon(true);
        laneThread.start();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NotificationPublisher publisher = NotificationPublisher.builder().bootstrapServers(bootstrap).topic(live)
                .statusStore(store).meterRegistry(registry).build();
        closeables.add(0, publisher);

        // When 40 notifications are published
        List<NotificationRequest> requests = ItKit.requests("lane", 40);
        List<CompletableFuture<RecordMetadata>> published = new ArrayList<>();
        requests.forEach(request -> published.add(publisher.publish(request)));
        for (CompletableFuture<RecordMetadata> future : published) {
            assertThat(future.get(30, TimeUnit.SECONDS).topic()).isEqualTo(live);
        }
        assertThat(registry.get("notify.publisher.pending").tag("result", "recorded").counter().count())
                .isEqualTo(40);

        // Then every one ends DELIVERED; the SMS ones after a trip through the delay topic
        await().atMost(Duration.ofSeconds(60)).until(() -> store.count(DeliveryStatus.DELIVERED) == 40);
        long sms = requests.stream().filter(request -> request.channel() == Channel.SMS).count();
        assertThat(sms).isEqualTo(10);
        for (NotificationRequest request : requests) {
            assertThat(kit.sendsOf(request.id())).isEqualTo(request.channel() == Channel.SMS ? 2 : 1);
        }
        assertThat(lane.forwarded()).isEqualTo(sms);
        // and the journal holds a DELIVERED entry for each, keyed by its id
        StatusUpdateCodec codec = new StatusUpdateCodec();
        Set<String> deliveredInJournal = new HashSet<>();
        List<ConsumerRecord<byte[], byte[]>> entries = kit.read(journalTopic, 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> journal.appended() >= 40);
        for (ConsumerRecord<byte[], byte[]> entry : kit.read(journalTopic, (int) journal.appended())) {
            StatusUpdate update = codec.decode(entry.value());
            assertThat(new String(entry.key(), StandardCharsets.UTF_8)).isEqualTo(update.notificationId());
            if (update.status() == DeliveryStatus.DELIVERED) {
                deliveredInJournal.add(update.notificationId());
            }
        }
        assertThat(entries).isNotEmpty();
        assertThat(deliveredInJournal).hasSize(40);
        assertThat(journal.failures()).isZero();
    }
}
