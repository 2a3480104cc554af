package dev.notify.core;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Reads users' preferences. Looked up once per batch for all its users.
 *
 * <p>A lookup that fails (the store is down or slow) completes exceptionally; the batch path then sends nothing whose
 * preferences it could not read.
 */
public interface PreferenceStore extends AutoCloseable {

    /**
     * The preferences of each of {@code userIds}. A user with none set maps to {@link Preferences#NONE} or is absent
     * from the map; both mean "no restriction".
     */
    CompletionStage<Map<String, Preferences>> lookup(Collection<String> userIds);

    @Override
    default void close() {
    }

    /** A store for which every user has no restriction. */
    PreferenceStore NONE = userIds -> java.util.concurrent.CompletableFuture.completedFuture(Map.of());
}
