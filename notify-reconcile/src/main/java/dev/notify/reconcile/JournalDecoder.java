package dev.notify.reconcile;

import dev.notify.core.StatusUpdate;

/**
 * Turns one journal record's value into the {@link StatusUpdate} it carries. The journal's format belongs to the
 * module that writes it (notify-kafka's journal codec); the application passes its decoding function here, so this
 * module does not depend on the writer.
 */
@FunctionalInterface
public interface JournalDecoder {

    /**
     * Decodes {@code value}.
     *
     * @throws RuntimeException if the bytes are not a journal entry (the reader counts and skips it)
     */
    StatusUpdate decode(byte[] value);
}
