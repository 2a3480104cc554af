package dev.notify.providers.sms;

/**
 * Told when Twilio refuses a send because the recipient opted out (error 21610, the recipient replied STOP), so
 * that the opt-out can be recorded in the user's preferences.
 */
@FunctionalInterface
public interface SmsOptOutListener {

    /**
     * @param userId the user of the notification
     * @param phoneNumber the recipient in E.164
     * @param notificationId the notification that was refused
     */
    void optedOut(String userId, String phoneNumber, String notificationId);

    /** A listener that does nothing. */
    SmsOptOutListener NONE = (userId, phoneNumber, notificationId) -> { };
}
