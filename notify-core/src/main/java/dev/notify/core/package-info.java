/**
 * The domain of notify and its ports.
 *
 * <p>A {@link dev.notify.core.NotificationRequest} is sent through the {@link dev.notify.core.Delivery} of its
 * {@link dev.notify.core.Channel}; its state is kept by a {@link dev.notify.core.StatusStore}. Everything that talks to
 * infrastructure (Kafka, Cassandra, Redis, the providers) lives in adapter modules that implement these ports; this
 * package depends on none of them.
 */
package dev.notify.core;
