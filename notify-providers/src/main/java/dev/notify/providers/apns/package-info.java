/**
 * iOS push through APNs on Pushy with token (p8) authentication ({@link dev.notify.providers.apns.ApnsDelivery}):
 * one long-lived {@code ApnsClient} per signing key, a bound on sends in flight, apns-id derived from the
 * notification id (so a retried send carries the same id), payloads fitted to APNs' 4 KB limit.
 */
package dev.notify.providers.apns;
