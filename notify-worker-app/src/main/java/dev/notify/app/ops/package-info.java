/** Operations: the metrics, health and readiness endpoint, and the alert monitor that logs when a signal fires. */
package dev.notify.app.ops;
