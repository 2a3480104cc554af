package dev.notify.sandbox;

/**
 * A server started on loopback for tests, benchmarks or the demo app.
 *
 * <p>An engine keeps its ports and its data folder for its whole life, so {@link #stop()} then
 * {@link #start()} brings the same server back where clients left it. {@link #close()} ends it for good
 * and deletes the data folder it created. None of these methods may be called concurrently with each other.
 */
public interface Engine extends AutoCloseable {

    /**
     * Starts the server and returns once it accepts clients; does nothing when it is already running.
     *
     * @throws EngineException if it did not become ready before its startup deadline
     */
    void start();

    /** Stops the server gracefully, keeping its data; does nothing when it is not running. */
    void stop();

    /** {@link #stop()} then {@link #start()} on the same ports and data. */
    default void restart() {
        stop();
        start();
    }

    /** Whether the server was started and not stopped, killed or closed since (a paused one is running). */
    boolean isRunning();

    /** Ends the server and everything it started, and deletes the data folder it created. Idempotent. */
    @Override
    void close();
}
