/**
 * Email through SendGrid's v3 Mail Send API ({@link dev.notify.providers.email.SendGridDelivery}): addresses trimmed
 * and checked before sending, the notification id passed as custom argument {@code notification_id}, the
 * {@code X-Message-Id} of the 202 answer kept as provider message id.
 */
package dev.notify.providers.email;
