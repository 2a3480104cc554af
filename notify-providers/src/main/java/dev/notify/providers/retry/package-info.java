/**
 * {@link dev.notify.providers.retry.RetryingDelivery}: retries transient failures of any
 * {@link dev.notify.core.Delivery} with exponential backoff and jitter, bounded in attempts and total time, on an
 * injected scheduler (never the caller's thread), honouring the provider's retry-after.
 */
package dev.notify.providers.retry;
