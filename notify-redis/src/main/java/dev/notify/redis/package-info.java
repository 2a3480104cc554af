/**
 * The Redis adapters of notify, on Lettuce: {@link dev.notify.redis.RedisPreferenceStore} (preferences, blocked
 * recipients, quiet hours, device tokens; a {@link dev.notify.core.PreferenceStore} and a
 * {@link dev.notify.core.TokenInvalidationListener}) and {@link dev.notify.redis.RedisDedupGuard} (a
 * {@link dev.notify.core.DedupGuard} of {@code SET NX PX} claims), both configured by
 * {@link dev.notify.redis.RedisConfig}. The key layout is documented in the module's {@code KEYS.md}.
 */
package dev.notify.redis;
