/**
 * SMS through Twilio's Java SDK: {@link dev.notify.providers.sms.TwilioSmsDelivery} (numbers normalised to E.164
 * with libphonenumber before sending, StatusCallback URL carrying the notification id, the message SID kept as
 * provider message id) and {@link dev.notify.providers.sms.TwilioReceiptQuery} (fetch by SID).
 *
 * <p>The SDK has no base-URL option; a package-private {@code NetworkHttpClient} subclass rewrites scheme and host
 * when {@link dev.notify.providers.sms.TwilioConfig#baseUrl()} is set, and switches off the SDK's own hidden retries
 * (5xx by the SDK, 429/503 by Apache HttpClient) so that retries happen in one place with one budget.
 */
package dev.notify.providers.sms;
