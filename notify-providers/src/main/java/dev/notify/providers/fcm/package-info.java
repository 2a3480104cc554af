/**
 * Android push through FCM's HTTP v1 API ({@link dev.notify.providers.fcm.FcmDelivery}): OAuth2 tokens from a
 * service account (google-auth-library, token server configurable), requests on {@code java.net.http}. The
 * notification id travels in the message's data as {@code notification_id}.
 */
package dev.notify.providers.fcm;
