package dev.notify.reconcile;

import dev.notify.core.Receipt;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ReceiptLog} in memory, capped at {@code maxEntries} ids: past the cap the id recorded first is dropped
 * (counted in {@link #evicted()}). Nothing survives a restart; a receipt lost that way leaves the reconciler to ask
 * the provider instead. Thread-safe.
 */
public final class InMemoryReceiptLog implements ReceiptLog {

    /** Default cap: 250,000 ids. */
    public static final int DEFAULT_MAX_ENTRIES = 250_000;

    private final int maxEntries;
    private final LinkedHashMap<String, Receipt> receipts = new LinkedHashMap<>();
    private long evicted;
    private long recorded;

    public InMemoryReceiptLog() {
        this(DEFAULT_MAX_ENTRIES);
    }

    public InMemoryReceiptLog(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    @Override
    public synchronized void record(String notificationId, Receipt receipt) {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(receipt, "receipt");
        Objects.requireNonNull(receipt.eventTime(), "receipt.eventTime");
        recorded++;
        Receipt held = receipts.get(notificationId);
        if (held == null || ReceiptLog.saysMore(receipt, held)) {
            receipts.put(notificationId, receipt);
        }
        while (receipts.size() > maxEntries) {
            var eldest = receipts.entrySet().iterator();
            eldest.next();
            eldest.remove();
            evicted++;
        }
    }

    @Override
    public synchronized Optional<Receipt> find(String notificationId) {
        return Optional.ofNullable(receipts.get(notificationId));
    }

    /** Ids held. */
    public synchronized int size() {
        return receipts.size();
    }

    /** Receipts recorded, including those that said nothing new. */
    public synchronized long recorded() {
        return recorded;
    }

    /** Ids dropped because the cap was reached. */
    public synchronized long evicted() {
        return evicted;
    }

    /** A copy of every receipt held, by id. */
    public synchronized Map<String, Receipt> snapshot() {
        return Map.copyOf(receipts);
    }
}
