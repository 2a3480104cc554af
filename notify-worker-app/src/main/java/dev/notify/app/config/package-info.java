/**
 * The app's configuration: every key, its default and its check in one registry ({@link dev.notify.app.config.Keys}),
 * read from a properties file with environment overrides, refused at start with a message naming the key.
 */
package dev.notify.app.config;
