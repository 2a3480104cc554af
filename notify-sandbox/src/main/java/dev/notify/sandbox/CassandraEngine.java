package dev.notify.sandbox;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single Cassandra 5.0 node ({@code org.apache.cassandra.service.CassandraDaemon}) in a forked Java 17 JVM,
 * listening on 127.0.0.1 with free native and storage ports, its data in a folder of its own.
 *
 * <p>Faults: {@link #pause()} freezes the process (SIGSTOP), as a long GC pause or a hung host would: its
 * sockets stay open and clients see timeouts. {@link #resume()} lets it go on (SIGCONT). {@link #kill()}
 * ends it at once (SIGKILL), as a crash would; {@link #start()} then brings it back on the same ports and
 * data, replaying its commit log.
 *
 * <p>Cassandra's jars never join this JVM's classpath. They come from, in order: the folder given to
 * {@link Builder#runtimeDirectory(Path)}; the folder named by the system property
 * {@code notify.cassandra.runtime.dir} (a runnable app unpacks the {@code cassandra-runtime} zip of
 * notify-sandbox-cassandra-runtime there); or the resource
 * {@code META-INF/notify-cassandra-runtime/classpath.txt} (tests: depend on notify-sandbox-cassandra-runtime
 * with scope test and an {@code *:*} exclusion). The fork runs on this JVM when it is a Java 17, otherwise on
 * the home named by {@code notify.cassandra.java.home} or the first Java 17 under /usr/lib/jvm.
 *
 * <pre>{@code
 * try (CassandraEngine cassandra = CassandraEngine.builder().build()) {
 *     cassandra.start();
 *     CqlSession session = CqlSession.builder()
 *             .addContactPoint(cassandra.contactPoint())
 *             .withLocalDatacenter(cassandra.localDatacenter())
 *             .build();
 * }
 * }</pre>
 */
public final class CassandraEngine implements Engine {

    /** Default maximum heap of the fork: 256 MiB (its resident size is then about 700 MB). */
    public static final String DEFAULT_MAX_HEAP = "256m";
    /** Default startup deadline: 120 s (about 11 s on an idle 2-core machine). */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(120);
    /** Default time {@link #stop()} waits after SIGTERM before SIGKILL: 30 s (it usually needs about 6 s). */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    /** The data center of a node with SimpleSnitch, for {@code CqlSessionBuilder.withLocalDatacenter}. */
    public static final String LOCAL_DATACENTER = "datacenter1";

    static final String READY_LINE = "Startup complete";
    private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
    private static final Logger LOG = LoggerFactory.getLogger(CassandraEngine.class);
    private static final int LOG_TAIL_LINES = 40;

    private final Path runtimeDirectory;
    private final Path javaHome;
    private final Path configuredDataDirectory;
    private final String maxHeap;
    private final List<String> extraJvmOptions;
    private final Duration startupTimeout;
    private final Duration stopTimeout;

    private Path workDirectory;
    private boolean ownsWorkDirectory;
    private int nativePort;
    private int storagePort;
    private Process process;
    private boolean paused;
    private boolean closed;
    private final Deque<String> logTail = new ArrayDeque<>();

    private CassandraEngine(Builder builder) {
        this.runtimeDirectory = builder.runtimeDirectory;
        this.javaHome = builder.javaHome;
        this.configuredDataDirectory = builder.dataDirectory;
        this.maxHeap = builder.maxHeap;
        this.extraJvmOptions = List.copyOf(builder.jvmOptions);
        this.startupTimeout = builder.startupTimeout;
        this.stopTimeout = builder.stopTimeout;
    }

    /** A builder with the defaults: runtime found as described above, 256 MiB heap, a new temporary folder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Forks the node and returns once it logged {@value #READY_LINE} and accepts connections on the native
     * port. Does nothing when it is running already (even paused: see {@link #resume()}).
     *
     * @throws EngineException if the fork exits or is not ready within the startup timeout; it is killed then
     */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("closed: " + this);
        }
        if (process != null && process.isAlive()) {
            return;
        }
        long begin = System.nanoTime();
        if (workDirectory == null) {
            prepareFirstStart();
        }
        Reaper.register(this);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        try {
            process = new ProcessBuilder(command())
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new EngineException("cannot fork Cassandra", e);
        }
        paused = false;
        Process started = process;
        Thread reader = new Thread(() -> copyOutput(started, ready), "notify-cassandra-" + nativePort + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(startupTimeout.toNanos(), TimeUnit.NANOSECONDS);
            awaitNativePort(begin + startupTimeout.toNanos());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            killProcess();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new EngineException("Cassandra not ready on " + contactPoint() + " within " + startupTimeout
                    + "; last lines of " + logFile() + ":\n" + tail(), cause);
        } catch (InterruptedException e) {
            killProcess();
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while starting Cassandra", e);
        }
        LOG.info("[cassandra {}] ready in {} (pid {})", nativePort, Plumbing.seconds(System.nanoTime() - begin), process.pid());
    }

    /**
     * Stops the node gracefully: SIGTERM (its shutdown hook drains and flushes, about 6 s), then SIGKILL if it
     * is still alive after the stop timeout. A paused node is resumed first.
     */
    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        long begin = System.nanoTime();
        Process running = process;
        running.destroy();
        if (paused) {
            Plumbing.signal(running.pid(), "CONT");
            paused = false;
        }
        try {
            if (!running.waitFor(stopTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("[cassandra {}] still alive {} after SIGTERM, killing it", nativePort, stopTimeout);
                killProcess();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killProcess();
        }
        process = null;
        LOG.info("[cassandra {}] stopped in {}", nativePort, Plumbing.seconds(System.nanoTime() - begin));
    }

    /** Ends the node at once with SIGKILL, as a crash would; data not yet synced to the commit log may be lost. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        killProcess();
        LOG.info("[cassandra {}] killed", nativePort);
    }

    /**
     * Freezes the node with SIGSTOP: it keeps its sockets open but answers nothing, so requests time out and
     * the driver does not notice for a long time (its heartbeat is 30 s).
     */
    public synchronized void pause() {
        requireRunning();
        if (!paused) {
            Plumbing.signal(process.pid(), "STOP");
            paused = true;
            LOG.info("[cassandra {}] paused", nativePort);
        }
    }

    /** Lets a paused node go on (SIGCONT); requests in flight are answered, late. */
    public synchronized void resume() {
        requireRunning();
        if (paused) {
            Plumbing.signal(process.pid(), "CONT");
            paused = false;
            LOG.info("[cassandra {}] resumed", nativePort);
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Whether the node is frozen by {@link #pause()}. */
    public synchronized boolean isPaused() {
        return paused && isRunning();
    }

    /**
     * The native-protocol address, for {@code CqlSessionBuilder.addContactPoint}.
     *
     * @throws IllegalStateException before the first start
     */
    public synchronized InetSocketAddress contactPoint() {
        if (nativePort == 0) {
            throw new IllegalStateException("not started yet: " + this);
        }
        return new InetSocketAddress(Plumbing.LOOPBACK, nativePort);
    }

    /** {@value #LOCAL_DATACENTER}, the data center of a single node with SimpleSnitch. */
    public String localDatacenter() {
        return LOCAL_DATACENTER;
    }

    /** The folder holding the node's configuration, data, commit log and log file, or null before the first start. */
    public synchronized Path workDirectory() {
        return workDirectory;
    }

    /** The node's standard output and log, appended across restarts, or null before the first start. */
    public synchronized Path logFile() {
        return workDirectory == null ? null : workDirectory.resolve("cassandra.log");
    }

    /**
     * Ends the node and deletes its folder if this engine created it. The node is killed outright then (its
     * data is about to go); a node on a folder given by the caller is stopped gracefully instead.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (ownsWorkDirectory) {
                killProcess();
                Plumbing.deleteRecursively(workDirectory);
            } else {
                stop();
            }
        } finally {
            Reaper.unregister(this);
        }
    }

    @Override
    public synchronized String toString() {
        return "CassandraEngine[127.0.0.1:" + nativePort + (isRunning() ? ", running" : "") + (paused ? ", paused" : "") + "]";
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException("not running: " + this);
        }
    }

    private void killProcess() {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroyForcibly();
        try {
            if (!running.waitFor(30, TimeUnit.SECONDS)) {
                throw new EngineException("Cassandra pid " + running.pid() + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        paused = false;
    }

    private void prepareFirstStart() {
        nativePort = Plumbing.freePort();
        storagePort = Plumbing.freePort();
        if (configuredDataDirectory != null) {
            workDirectory = configuredDataDirectory;
        } else {
            workDirectory = Plumbing.createTemporaryFolder("notify-cassandra-");
            ownsWorkDirectory = true;
        }
        try {
            Files.createDirectories(workDirectory);
            Files.writeString(workDirectory.resolve("cassandra.yaml"), CassandraFiles.yaml(workDirectory, nativePort, storagePort));
            Files.writeString(workDirectory.resolve("logback.xml"), CassandraFiles.logback());
            CassandraFiles.copyWatchdog(workDirectory.resolve("launcher"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Cassandra's configuration in " + workDirectory, e);
        }
    }

    private List<String> command() {
        List<Path> classpath = new ArrayList<>(CassandraRuntime.classpath(runtimeDirectory, CassandraEngine.class.getClassLoader()));
        classpath.add(workDirectory.resolve("launcher"));
        List<String> command = new ArrayList<>();
        command.add(CassandraRuntime.javaExecutable(javaHome).toString());
        command.add("-Xms" + maxHeap);
        command.add("-Xmx" + maxHeap);
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Djava.net.preferIPv4Stack=true");
        command.addAll(CassandraRuntime.java17Options());
        command.add("-Dcassandra.config=" + workDirectory.resolve("cassandra.yaml").toUri());
        command.add("-Dcassandra-foreground=yes");
        command.add("-Dcassandra.storagedir=" + workDirectory.resolve("data"));
        command.add("-Dcassandra.logdir=" + workDirectory.resolve("logs"));
        command.add("-Dlogback.configurationFile=" + workDirectory.resolve("logback.xml"));
        command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
        command.add("-Dcassandra.superuser_setup_delay_ms=0");
        command.addAll(extraJvmOptions);
        command.add("-cp");
        command.add(classpath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
        command.add(ParentWatchdog.class.getName());
        command.add(MAIN_CLASS);
        return command;
    }

    private void copyOutput(Process source, CompletableFuture<Void> ready) {
        try (InputStream in = source.getInputStream();
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
             BufferedWriter log = Files.newBufferedWriter(workDirectory.resolve("cassandra.log"), StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.write(line);
                log.newLine();
                log.flush();
                remember(line);
                if (!ready.isDone() && line.contains(READY_LINE)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            LOG.debug("[cassandra {}] output closed: {}", nativePort, e.toString());
        } finally {
            if (!ready.isDone()) {
                ready.completeExceptionally(new EngineException("Cassandra exited before it was ready"));
            }
        }
    }

    private void remember(String line) {
        synchronized (logTail) {
            if (logTail.size() == LOG_TAIL_LINES) {
                logTail.removeFirst();
            }
            logTail.addLast(line);
        }
    }

    private String tail() {
        synchronized (logTail) {
            return String.join("\n", logTail);
        }
    }

    private void awaitNativePort(long deadlineNanos) {
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(Plumbing.LOOPBACK, nativePort), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new EngineException("native port " + nativePort + " not open", e);
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while waiting for port " + nativePort, e);
            }
        }
    }

    /** Options for a {@link CassandraEngine}; a builder may be reused. */
    public static final class Builder {

        private Path runtimeDirectory;
        private Path javaHome;
        private Path dataDirectory;
        private String maxHeap = DEFAULT_MAX_HEAP;
        private final List<String> jvmOptions = new ArrayList<>();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;

        private Builder() {
        }

        /** A folder of Cassandra's jars, e.g. the unpacked cassandra-runtime zip (default: see the class comment). */
        public Builder runtimeDirectory(Path runtimeDirectory) {
            this.runtimeDirectory = Objects.requireNonNull(runtimeDirectory, "runtimeDirectory");
            return this;
        }

        /** The Java 17 home to fork with (default: this JVM if it is a 17, else one found as described above). */
        public Builder javaHome(Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
            return this;
        }

        /**
         * The folder for configuration, data and log, kept on close (default: a new temporary folder, deleted
         * on close). Data already there is started as it is.
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** The fork's heap, as -Xmx takes it (default {@value CassandraEngine#DEFAULT_MAX_HEAP}). */
        public Builder maxHeap(String maxHeap) {
            if (!Objects.requireNonNull(maxHeap, "maxHeap").matches("\\d+[kKmMgG]?")) {
                throw new IllegalArgumentException("maxHeap must look like 256m, got " + maxHeap);
            }
            this.maxHeap = maxHeap;
            return this;
        }

        /** Adds one option to the fork's command line, after the engine's own (so a later -D wins). */
        public Builder jvmOption(String option) {
            jvmOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        /** How long {@link CassandraEngine#start()} waits for the node (default 120 s). */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = positive(startupTimeout, "startupTimeout");
            return this;
        }

        /** How long {@link CassandraEngine#stop()} waits after SIGTERM before SIGKILL (default 30 s). */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = positive(stopTimeout, "stopTimeout");
            return this;
        }

        public CassandraEngine build() {
            return new CassandraEngine(this);
        }

        private static Duration positive(Duration duration, String name) {
            if (Objects.requireNonNull(duration, name).isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + duration);
            }
            return duration;
        }
    }
}
