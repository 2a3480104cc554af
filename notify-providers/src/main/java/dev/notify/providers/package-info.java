/**
 * Provider adapters for {@link dev.notify.core.Delivery} and {@link dev.notify.core.ReceiptQuery}: APNs
 * ({@code .apns}, Pushy), FCM HTTP v1 ({@code .fcm}), Twilio SMS ({@code .sms}) and SendGrid email ({@code .email});
 * a retry decorator ({@code .retry}); and sandbox peers that stand in for each provider on loopback
 * ({@code .sandbox}) for tests and demos.
 *
 * <p>Each adapter maps its provider's answers the same way: an accepted send is {@link
 * dev.notify.core.DeliveryResult.Accepted}, a permanent rejection a {@link dev.notify.core.DeliveryResult.Rejected}
 * value, and everything worth trying again (throttling, 5xx, connection loss, a timeout) a future completed
 * exceptionally with a {@link dev.notify.core.RetriableDeliveryException}. Each send has a deadline.
 *
 * <p>"Accepted" by APNs and FCM means accepted by the provider, not shown on the device: neither tells more.
 */
package dev.notify.providers;
