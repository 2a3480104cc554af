package dev.notify.core;

/**
 * An append-only record of every outcome of the batch path, kept apart from the {@link StatusStore}: the record of
 * truth for providers that cannot be asked afterwards, and what lets the reconciliation job repair a status that was
 * never written.
 */
public interface DeliveryJournal extends AutoCloseable {

    /** Appends {@code update} asynchronously; never blocks for long and never throws. */
    void append(StatusUpdate update);

    @Override
    default void close() {
    }

    /** A journal that keeps nothing. */
    DeliveryJournal NONE = update -> { };
}
