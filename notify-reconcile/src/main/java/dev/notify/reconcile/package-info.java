/**
 * Reconciliation: repairs statuses that were never written (the status store was down while the worker kept
 * delivering) without sending anything again.
 *
 * <p>The parts:
 * <ul>
 *   <li>{@link dev.notify.reconcile.KafkaJournalReader} reads the delivery journal topic into a bounded
 *       {@link dev.notify.reconcile.JournalIndex} (notification id to its final {@link dev.notify.core.StatusUpdate});</li>
 *   <li>{@link dev.notify.reconcile.ReceiptEndpoint} takes Twilio status callbacks and SendGrid event webhooks, checks
 *       their signatures and records them in a {@link dev.notify.reconcile.ReceiptLog};</li>
 *   <li>{@link dev.notify.reconcile.Reconciler} finds stale PENDING statuses and journal entries the store lacks, and
 *       settles each from the journal, then the received webhooks, then a provider receipt query, rate limited,
 *       yielding to live load, resumable through a {@link dev.notify.reconcile.CheckpointStore}, and sharded across
 *       instances by {@link dev.notify.reconcile.InstanceShard}.</li>
 * </ul>
 * Nothing here has access to a {@link dev.notify.core.Delivery}: the job reads and writes statuses only.
 */
package dev.notify.reconcile;
