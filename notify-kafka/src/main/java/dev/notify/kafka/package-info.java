/**
 * notify on Kafka: the record format ({@link dev.notify.kafka.NotificationRecordCodec}), the worker loop
 * ({@link dev.notify.kafka.NotificationWorker}) with dead letters ({@link dev.notify.kafka.DeadLetters}), the
 * delivery journal ({@link dev.notify.kafka.KafkaDeliveryJournal}), the deferred lane
 * ({@link dev.notify.kafka.KafkaDeferredDelivery}, {@link dev.notify.kafka.DeferredLaneWorker}) and the publisher for
 * calling services ({@link dev.notify.kafka.NotificationPublisher}). The formats on the wire are in RECORD-FORMAT.md.
 */
package dev.notify.kafka;
