package dev.notify.core.inmemory;

/** How an in-memory adapter answers. */
public enum FaultMode {
    /** Answers normally. */
    HEALTHY,
    /** Every call fails at once. */
    FAILING,
    /** Every call hangs until the mode changes (or forever). */
    HANGING
}
