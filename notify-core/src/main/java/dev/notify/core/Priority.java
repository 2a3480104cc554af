package dev.notify.core;

/** How urgent a notification is. HIGH is for what the user waits for (a one-time code, a message). */
public enum Priority {
    HIGH(1),
    NORMAL(2);

    private final int code;

    Priority(int code) {
        this.code = code;
    }

    /** The stored code of this priority. */
    public int code() {
        return code;
    }
}
