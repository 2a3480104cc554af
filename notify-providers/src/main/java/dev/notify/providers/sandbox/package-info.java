/**
 * Sandbox peers that stand in for the providers on loopback, for tests and for demos at run time: a Pushy
 * {@code MockApnsServer} with generated credentials ({@link dev.notify.providers.sandbox.SandboxApnsServer}), and
 * small HTTP servers answering like Twilio, SendGrid and FCM. Each counts requests per notification id, records what
 * it was sent, and can be scripted to answer errors or never answer. {@link
 * dev.notify.providers.sandbox.SandboxProviders} starts all four and hands out configured deliveries.
 *
 * <p>The HTTP peers are a small HTTP/1.1 server of their own ({@code LoopbackHttpServer}) because the SDKs are
 * particular about header case (SendGrid's reads {@code X-Message-Id} case-sensitively) and the JDK's built-in
 * server rewrites it.
 */
package dev.notify.providers.sandbox;
