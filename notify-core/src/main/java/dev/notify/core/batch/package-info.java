/**
 * The batch path: preferences, dedup claim, sends with bounded concurrency, and status writes isolated behind a
 * circuit breaker, so that a failing status store never slows delivery down nor causes a duplicate.
 */
package dev.notify.core.batch;
