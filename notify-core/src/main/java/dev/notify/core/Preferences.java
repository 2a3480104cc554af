package dev.notify.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * One user's preferences.
 *
 * @param optedOutChannels channels the user opted out of
 * @param blockedRecipients recipients that must not be contacted even though the channel is allowed, such as a phone
 *     number whose carrier reported an opt-out (STOP)
 * @param quietHours when the user does not want to be disturbed; {@code null} for never
 */
public record Preferences(Set<Channel> optedOutChannels, Set<String> blockedRecipients, QuietHours quietHours) {

    /** No restriction. */
    public static final Preferences NONE = new Preferences(Set.of(), Set.of(), null);

    public Preferences {
        optedOutChannels = optedOutChannels == null || optedOutChannels.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(optedOutChannels));
        blockedRecipients = blockedRecipients == null ? Set.of() : Set.copyOf(blockedRecipients);
    }

    /** Whether {@code request} must not be sent because of an opt-out; the reason, or {@code null} if it may. */
    public String optOutReason(NotificationRequest request) {
        if (optedOutChannels.contains(request.channel())) {
            return "opted-out:" + request.channel();
        }
        if (!blockedRecipients.isEmpty() && blockedRecipients.contains(request.recipient())) {
            return "opted-out:recipient";
        }
        return null;
    }
}
