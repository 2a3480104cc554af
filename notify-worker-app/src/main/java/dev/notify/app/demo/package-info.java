/**
 * The demo: real engines and sandbox providers on loopback, notifications published, workers and the reconciler
 * running, Cassandra taken down and brought back, and a report of what happened.
 */
package dev.notify.app.demo;
