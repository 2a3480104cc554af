package dev.notify.core;

/**
 * Turns the outcome of a batch into what the consumer does with its offsets.
 *
 * <p>The default, {@link #commitAfterDelivery()}, commits everything that was handled, whether or not its status was
 * written: delivery and bookkeeping are decoupled, so a status-store outage never causes a replay and never a
 * duplicate. {@link #replayOnStatusFailure()} replays the whole batch when any status write failed; it exists to
 * compare, and re-sends every notification of such a batch unless a {@link DedupGuard} stops it.
 */
@FunctionalInterface
public interface OffsetPolicy {

    /** The decision for {@code outcome}. */
    OffsetDecision decide(BatchOutcome outcome);

    /** Commit what was handled, whatever happened to status writes. The default. */
    static OffsetPolicy commitAfterDelivery() {
        return outcome -> OffsetDecision.COMMIT_HANDLED;
    }

    /** Replay the batch when any of its status writes failed; otherwise commit what was handled. */
    static OffsetPolicy replayOnStatusFailure() {
        return outcome -> outcome.statusWriteFailures() > 0 ? OffsetDecision.REPLAY_BATCH : OffsetDecision.COMMIT_HANDLED;
    }

    /** The policy named {@code name}: {@code commit} or {@code replay}. */
    static OffsetPolicy named(String name) {
        return switch (name) {
            case "commit" -> commitAfterDelivery();
            case "replay" -> replayOnStatusFailure();
            default -> throw new IllegalArgumentException("unknown offset policy '" + name + "' (commit or replay)");
        };
    }
}
