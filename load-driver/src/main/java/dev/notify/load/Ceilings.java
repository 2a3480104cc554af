package dev.notify.load;

import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.NotificationRequest;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Each component alone, for a fixed time after a short warm-up: the broker's produce and consume rates, Cassandra
 * status writes and sandbox APNs sends at bounded concurrency. Only what completes inside the measured window counts.
 */
final class Ceilings {

    /** One component's ceiling: operations completed per second in the window, and failures in it. */
    record Ceiling(String component, double perSecond, long completed, long failed, double seconds, String how) {
    }

    private final Duration warmup;
    private final Duration window;

    Ceilings(Duration warmup, Duration window) {
        this.warmup = warmup;
        this.window = window;
    }

    /** Produces records of the workload's size as fast as the producer takes them; counts acknowledged records. */
    Ceiling produce(String bootstrap, String topic, Workload workload) throws InterruptedException {
        // A pool of distinct encoded records, so that the figure is the broker's and not the JSON encoder's.
        int pool = 10_000;
        List<byte[]> keys = new ArrayList<>(pool);
        List<byte[]> values = new ArrayList<>(pool);
        for (int i = 0; i < pool; i++) {
            keys.add(workload.key(i));
            values.add(workload.value(i));
        }
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Kafka.producerProperties(bootstrap))) {
            long start = System.nanoTime();
            long warm = start + warmup.toNanos();
            long end = warm + window.toNanos();
            long atWarm = -1;
            long sent = 0;
            while (true) {
                long now = System.nanoTime();
                if (atWarm < 0 && now >= warm) {
                    atWarm = acked.get();
                }
                if (now >= end) {
                    break;
                }
                int i = (int) (sent++ % pool);
                producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i)), (metadata, error) -> {
                    if (error == null) {
                        acked.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
            long done = acked.get() - atWarm;
            producer.flush();
            return new Ceiling("kafka-produce", done / seconds(window), done, failed.get(), seconds(window),
                    "one producer, acks=all, idempotent, linger.ms=5, batch.size=64 KiB; " + pool
                            + " distinct records of " + values.get(0).length + " bytes (APNs notification JSON)");
        }
    }

    /** Consumes {@code topic} from the start with one consumer (assigned every partition), no processing. */
    Ceiling consume(String bootstrap, String topic, int partitions) {
        Map<String, Object> properties = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long available = consumer.endOffsets(all).values().stream().mapToLong(Long::longValue).sum();
            long start = System.nanoTime();
            long warm = start + warmup.toNanos();
            long end = warm + window.toNanos();
            long count = 0;
            long atWarm = -1;
            long warmNanos = start;
            long now = start;
            while (now < end && count < available) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                count += records.count();
                now = System.nanoTime();
                if (atWarm < 0 && now >= warm) {
                    atWarm = count;
                    warmNanos = now;
                }
            }
            if (atWarm < 0) {
                // Drained during the warm-up: the whole run is the window.
                atWarm = 0;
                warmNanos = start;
            }
            double measured = (now - warmNanos) / 1e9;
            long done = count - atWarm;
            return new Ceiling("kafka-consume", done / measured, done, 0, measured,
                    "one consumer assigned all " + partitions + " partitions, max.poll.records=500, from the start of "
                            + "the produce ceiling's " + available + " records"
                            + (count >= available ? " (drained before the window ended)" : ""));
        }
    }

    /** Final status writes ({@code record} of a DELIVERED update, as the worker writes) at bounded concurrency. */
    Ceiling statusWrites(StatusStore store, Workload workload, int concurrency) throws InterruptedException {
        Instant now = Instant.now();
        return bounded("cassandra-status-writes", concurrency, index -> {
            NotificationRequest request = workload.request(1_000_000_000L + index);
            return store.record(StatusUpdate.of(request, DeliveryStatus.DELIVERED, null, "apns-" + index, now, 1))
                    .thenApply(ignored -> Boolean.TRUE);
        }, "CassandraStatusStore.record(DELIVERED) at " + concurrency + " in flight (status row + index delete), "
                + "consistency ONE, one forked node -Xmx256m");
    }

    /** Sends through the sandbox APNs delivery (Pushy client to Pushy's MockApnsServer, TLS, HTTP/2). */
    Ceiling apnsSends(Delivery apns, Workload workload, int concurrency) throws InterruptedException {
        return bounded("apns-sandbox-sends", concurrency,
                index -> apns.send(workload.request(2_000_000_000L + index))
                        .thenApply(result -> result instanceof DeliveryResult.Accepted),
                "ApnsDelivery.send to the sandbox APNs server at " + concurrency + " in flight, one connection");
    }

    private Ceiling bounded(String component, int concurrency, LongFunction<CompletionStage<Boolean>> operation,
                            String how) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long warm = start + warmup.toNanos();
        long end = warm + window.toNanos();
        long okAtWarm = -1;
        long failedAtWarm = 0;
        long index = 0;
        while (true) {
            long now = System.nanoTime();
            if (okAtWarm < 0 && now >= warm) {
                okAtWarm = ok.get();
                failedAtWarm = failed.get();
            }
            if (now >= end) {
                break;
            }
            if (!permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                continue;
            }
            CompletionStage<Boolean> stage;
            try {
                stage = operation.apply(index++);
            } catch (RuntimeException e) {
                permits.release();
                failed.incrementAndGet();
                continue;
            }
            stage.whenComplete((accepted, error) -> {
                if (error == null && Boolean.TRUE.equals(accepted)) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                permits.release();
            });
        }
        long done = ok.get() - okAtWarm;
        long failures = failed.get() - failedAtWarm;
        // Let the operations in flight finish before the next component starts.
        permits.tryAcquire(concurrency, 30, TimeUnit.SECONDS);
        return new Ceiling(component, done / seconds(window), done, failures, seconds(window), how);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
