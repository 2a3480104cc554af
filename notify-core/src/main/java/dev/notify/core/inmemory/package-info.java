/**
 * In-memory implementations of every port, for embedding teams' tests and for benchmarks, each with switches for
 * the faults the batch path must survive: a store that fails or hangs, a provider that rejects, fails transiently or
 * never answers, a preference store that is down.
 */
package dev.notify.core.inmemory;
