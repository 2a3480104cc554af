package dev.notify.core;

import java.time.Instant;

/** Told when a provider says a device token is dead, so that it can be removed from the user's devices. */
@FunctionalInterface
public interface TokenInvalidationListener {

    /**
     * @param invalidatedAt when the provider says the token died; the time of the answer if it did not say
     */
    void tokenInvalidated(String userId, Channel channel, String token, Instant invalidatedAt);

    /** A listener that does nothing. */
    TokenInvalidationListener NONE = (userId, channel, token, invalidatedAt) -> { };
}
