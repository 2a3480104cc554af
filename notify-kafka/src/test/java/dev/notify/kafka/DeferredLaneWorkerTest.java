package dev.notify.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.Channel;
import dev.notify.core.NotificationRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeferredLaneWorkerTest {

    private static final TopicPartition DELAY = new TopicPartition("delay", 0);

    /** A clock moved by hand. */
    private static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void should_hold_a_record_until_due_by_pausing_its_partition_then_move_it_to_the_live_topic() throws Exception {
        // Given a record deferred for 60 s, written by KafkaDeferredDelivery
        ManualClock clock = new ManualClock(Instant.parse("2026-12-03T22:00:00Z"));
        MockProducer<byte[], byte[]> delayProducer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        NotificationRequest request = ItKit.request("q-1", "u-1", Channel.APNS);
        try (KafkaDeferredDelivery deferred = new KafkaDeferredDelivery(delayProducer, "delay")) {
            deferred.defer(request, clock.instant().plusSeconds(60), "quiet-hours").toCompletableFuture().get();
        }
        ProducerRecord<byte[], byte[]> written = delayProducer.history().get(0);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(DELAY));
        consumer.updateBeginningOffsets(Map.of(DELAY, 0L));
        consumer.addRecord(new ConsumerRecord<>("delay", 0, 0, 0L, TimestampType.CREATE_TIME, 0, 0, written.key(),
                written.value(), written.headers(), java.util.Optional.empty()));
        MockProducer<byte[], byte[]> liveProducer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        DeferredLaneWorker lane = new DeferredLaneWorker(consumer, liveProducer, "delay", "live", clock);

        // When it is polled before it is due
        lane.runOnce();

        // Then nothing moves: the partition is paused at the record
        assertThat(liveProducer.history()).isEmpty();
        assertThat(consumer.paused()).containsExactly(DELAY);
        assertThat(consumer.position(DELAY)).isZero();
        assertThat(lane.waitingPartitions()).isEqualTo(1);

        // When it is due
        clock.advance(Duration.ofSeconds(61));
        consumer.addRecord(new ConsumerRecord<>("delay", 0, 0, 0L, TimestampType.CREATE_TIME, 0, 0, written.key(),
                written.value(), written.headers(), java.util.Optional.empty()));
        lane.runOnce();

        // Then it is copied to the live topic without its not-before header, and committed
        assertThat(liveProducer.history()).hasSize(1);
        ProducerRecord<byte[], byte[]> moved = liveProducer.history().get(0);
        assertThat(moved.topic()).isEqualTo("live");
        assertThat(moved.value()).isEqualTo(written.value());
        assertThat(moved.headers().lastHeader(KafkaDeferredDelivery.NOT_BEFORE)).isNull();
        assertThat(DeadLetters.header(moved.headers(), KafkaDeferredDelivery.REASON)).isEqualTo("quiet-hours");
        assertThat(consumer.committed(Set.of(DELAY)).get(DELAY).offset()).isEqualTo(1);
        assertThat(consumer.paused()).isEmpty();
        assertThat(lane.forwarded()).isEqualTo(1);
        assertThat(new NotificationRecordCodec().decode(moved.value())).isEqualTo(new DecodeResult.Valid(request));
    }
}
