/**
 * The runnable app: {@code java -jar notify-worker-app.jar <command>}. Only this module knows every adapter; it wires
 * them from the configuration.
 */
package dev.notify.app;
