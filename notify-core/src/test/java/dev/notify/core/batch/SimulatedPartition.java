package dev.notify.core.batch;

import dev.notify.core.BatchOutcome;
import dev.notify.core.NotificationRequest;
import dev.notify.core.OffsetDecision;
import dev.notify.core.OffsetPolicy;
import java.util.List;

/**
 * One partition's log and committed offset, driven the way the Kafka worker drives a real one: poll from the
 * committed offset, process, and commit or replay as the policy decides. Lets core tests assert committed offsets
 * without a broker.
 */
final class SimulatedPartition {

    private final List<NotificationRequest> log;
    private long committed;

    SimulatedPartition(List<NotificationRequest> log) {
        this.log = List.copyOf(log);
    }

    long committed() {
        return committed;
    }

    long endOffset() {
        return log.size();
    }

    /** Polls everything after the committed offset, processes it and applies the decision; returns the outcome. */
    BatchOutcome pollProcessCommit(BatchProcessor processor, OffsetPolicy policy) {
        List<NotificationRequest> batch = log.subList((int) committed, log.size());
        BatchOutcome outcome = processor.process(batch).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        if (policy.decide(outcome) == OffsetDecision.COMMIT_HANDLED) {
            int handled = 0;
            while (handled < outcome.size() && outcome.handled(handled)) {
                handled++;
            }
            committed += handled;
        }
        return outcome;
    }
}
