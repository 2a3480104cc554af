package dev.notify.reconcile;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Receipt;
import dev.notify.core.ReceiptQuery;
import dev.notify.core.StalePage;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciliation job: repairs statuses the worker could not write, without sending anything (it holds no
 * {@link dev.notify.core.Delivery}).
 *
 * <p>One pass ({@link #runOnce()}):
 * <ol>
 *   <li>stale PENDING statuses (older than the channel's {@link ReconcilerConfig#staleAfter(Channel)}), each settled
 *       from, in order: the journal; a settled webhook receipt in the {@link ReceiptLog}; a settled answer kept in the
 *       {@link CheckpointStore}; a {@link ReceiptQuery} (only where {@link ReceiptQuery#canQuery()}, rate limited, and
 *       not again before {@link ReconcilerConfig#requeryAfter()} if an earlier answer settled nothing);</li>
 *   <li>journal entries the store lacks: each final entry of the {@link JournalIndex} not yet confirmed (and older
 *       than {@link ReconcilerConfig#journalGrace()}) is looked up in the store (one point read per entry, once per
 *       entry and start, at most {@link ReconcilerConfig#maxRecordsPerPass()} per pass); if the store has nothing or
 *       PENDING, the journal's update is written.</li>
 * </ol>
 * Every status is written with the time the source gives (the journal's event time, the provider's time; the time it
 * was learnt where the provider gave none), so the store's ordering keeps a final status from moving back. What
 * nothing settles stays PENDING and is counted, or past {@link ReconcilerConfig#failUnresolvedAfter()} is marked
 * FAILED with reason {@value ReconcilerConfig#UNRESOLVED_REASON}. A second pass over the same data writes nothing.
 *
 * <p>The job yields to live traffic (see {@link LiveLoadSignal}), works only inside the
 * {@link ReconcilerConfig#offPeakWindow()} if one is set, and acts only on the ids of its {@link InstanceShard}.
 * Provider answers are checkpointed as they arrive, before the status write, so a job stopped (or killed) halfway
 * and started again does not ask again what it already asked.
 *
 * <p>One pass runs at a time; {@link #start(Duration)} runs passes on a thread of its own.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final int STORE_ERRORS_BEFORE_GIVING_UP = 3;

    // Whether the previous pass found the store unavailable: its WARN is logged once per outage.
    private volatile boolean storeWasUnavailable;

    private final ReconcilerConfig config;
    private final StatusStore store;
    private final JournalIndex journal;
    private final BooleanSupplier journalReady;
    private final ReceiptLog receipts;
    private final Map<Channel, ReceiptQuery> queries;
    private final CheckpointStore checkpoint;
    private final TimeSource time;
    private final Throttle throttle;
    private final ReconcileMetrics metrics;
    private final MeterRegistry registry;
    private final Semaphore queriesInFlight;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicBoolean passRunning = new AtomicBoolean();
    private final String logPrefix;
    private volatile Thread loop;

    private Reconciler(Builder builder) {
        this.config = builder.config;
        this.store = Objects.requireNonNull(builder.store, "statusStore");
        this.journal = builder.journal;
        this.journalReady = builder.journalReady;
        this.receipts = builder.receipts;
        this.queries = Map.copyOf(builder.queries);
        this.checkpoint = builder.checkpoint;
        this.time = builder.time;
        this.registry = builder.registry;
        this.metrics = new ReconcileMetrics(registry, time, config.queriesPerSecond());
        this.queriesInFlight = new Semaphore(config.maxQueriesInFlight());
        InstanceShard shard = config.shard();
        this.logPrefix = "[reconciler " + shard.index() + "/" + shard.count() + "]";
        this.throttle = new Throttle(config, builder.liveLoad, time, metrics, stopRequested, logPrefix);
    }

    /** A builder; only the status store is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration. */
    public ReconcilerConfig config() {
        return config;
    }

    /** The registry the meters are in. */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /**
     * Runs one pass and returns what it did. Blocks for the whole pass (including waits for the rate limit and for
     * live load to fall). Returns at once with outcome {@link RunSummary.Outcome#STOPPED} after {@link #stop()}.
     *
     * @throws IllegalStateException if a pass is already running
     */
    public RunSummary runOnce() {
        if (!passRunning.compareAndSet(false, true)) {
            throw new IllegalStateException("a pass is already running");
        }
        try {
            Pass pass = new Pass();
            run(pass);
            RunSummary summary = pass.summary();
            boolean storeUnavailable = summary.outcome() == RunSummary.Outcome.STORE_UNAVAILABLE;
            if (storeUnavailable != storeWasUnavailable) {
                storeWasUnavailable = storeUnavailable;
                if (storeUnavailable) {
                    LOG.warn("{} status store unavailable: nothing is repaired until it answers; each pass retries",
                            logPrefix);
                } else {
                    LOG.warn("{} status store reachable again", logPrefix);
                }
            }
            // Operators read passes that did something; idle passes and passes against a store known to be down
            // are detail.
            boolean eventful = summary.resolved() > 0 || summary.staleFound() > 0 || summary.journalMissing() > 0
                    || summary.markedUnresolved() > 0;
            if (summary.outcome() != RunSummary.Outcome.JOURNAL_NOT_READY && eventful && !storeUnavailable) {
                LOG.info("{} pass {}: stale {}, journal-missing {}, resolved {} (journal {}, webhook {}, query {}), "
                                + "marked unresolved {}, left pending {}, queries {} ({} failed), store errors {}",
                        logPrefix, summary.outcome(), summary.staleFound(), summary.journalMissing(),
                        summary.resolved(), summary.resolvedFromJournal(), summary.resolvedFromWebhook(),
                        summary.resolvedFromQuery(), summary.markedUnresolved(), summary.unresolved(),
                        summary.queries(), summary.queryErrors(), summary.storeErrors());
            }
            return summary;
        } finally {
            metrics.backlog(0);
            passRunning.set(false);
        }
    }

    /**
     * Runs passes one after another on a daemon thread, {@code interval} apart (measured on the time source), until
     * {@link #stop()}.
     */
    public synchronized void start(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        Thread thread = new Thread(() -> {
            while (!stopRequested.get()) {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    LOG.warn("{} pass failed: {}", logPrefix, e.toString(), e);
                }
                try {
                    time.sleep(interval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "notify-reconciler-" + config.shard().index());
        thread.setDaemon(true);
        loop = thread;
        thread.start();
    }

    /**
     * Stops the job: a running pass ends at its next item (queries in flight are awaited and their answers kept), and
     * later passes do nothing. Stopping is for good: start a new reconciler to resume.
     */
    public void stop() {
        stopRequested.set(true);
    }

    /** Whether {@link #stop()} was called. */
    public boolean isStopped() {
        return stopRequested.get();
    }

    /** Stops the job and waits up to {@code timeout} for the thread of {@link #start(Duration)} to end. */
    public boolean stopAndWait(Duration timeout) throws InterruptedException {
        stop();
        Thread thread = loop;
        if (thread == null) {
            return true;
        }
        thread.interrupt();
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** Stops the job, waits for its thread (if started) and removes its gauges from the registry. */
    @Override
    public void close() {
        try {
            stopAndWait(config.queryTimeout().plus(config.storeTimeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            metrics.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- the pass

    private void run(Pass pass) {
        if (stopRequested.get()) {
            pass.outcome = RunSummary.Outcome.STOPPED;
            return;
        }
        if (!journalReady.getAsBoolean()) {
            pass.outcome = RunSummary.Outcome.JOURNAL_NOT_READY;
            return;
        }
        if (!throttle.insideWindow()) {
            pass.outcome = RunSummary.Outcome.OUTSIDE_WINDOW;
            return;
        }
        try {
            settleStale(pass);
            if (pass.outcome == RunSummary.Outcome.COMPLETED) {
                repairFromJournal(pass);
            }
        } finally {
            awaitInFlight(pass);
        }
    }

    /** Store reads and writes of the journal repair in flight at once. */
    private static final int JOURNAL_REPAIR_CONCURRENCY = 64;

    private void repairFromJournal(Pass pass) {
        Instant before = time.now().minus(config.journalGrace());
        int checked = 0;
        // Each entry costs a point read and maybe a write: they are pipelined, a bounded number at a time, so that
        // after an outage tens of thousands of entries are repaired in seconds rather than minutes.
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(JOURNAL_REPAIR_CONCURRENCY);
        java.util.concurrent.atomic.AtomicInteger consecutiveErrors = new java.util.concurrent.atomic.AtomicInteger();
        try {
            for (StatusUpdate entry : journal.unconfirmed(before)) {
                if (!config.shard().owns(entry.notificationId())) {
                    continue;
                }
                if (++checked > config.maxRecordsPerPass()) {
                    return; // the rest in the next pass
                }
                if (!mayProceed(pass)) {
                    return;
                }
                if (consecutiveErrors.get() >= STORE_ERRORS_BEFORE_GIVING_UP) {
                    pass.outcome = RunSummary.Outcome.STORE_UNAVAILABLE;
                    LOG.debug("{} status store failing; ending the pass", logPrefix);
                    return;
                }
                inFlight.acquireUninterruptibly();
                CompletableFuture<Optional<StatusRecord>> read;
                try {
                    read = store.find(entry.notificationId()).toCompletableFuture()
                            .orTimeout(config.storeTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (RuntimeException thrown) {
                    read = CompletableFuture.failedFuture(thrown);
                }
                read.handle((held, failure) -> {
                    if (failure != null) {
                        pass.storeErrors.incrementAndGet();
                        metrics.storeError();
                        consecutiveErrors.incrementAndGet();
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    consecutiveErrors.set(0);
                    if (held.isPresent() && held.get().status().isFinal()) {
                        journal.confirm(entry.notificationId());
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    pass.journalMissing.incrementAndGet();
                    metrics.journalMissing();
                    return write(pass, entry, ResolutionSource.JOURNAL);
                }).thenCompose(next -> next).whenComplete((ignored, error) -> inFlight.release());
            }
        } finally {
            // The pass ends only when every read and write it started has ended.
            inFlight.acquireUninterruptibly(JOURNAL_REPAIR_CONCURRENCY);
            inFlight.release(JOURNAL_REPAIR_CONCURRENCY);
        }
    }

    private void settleStale(Pass pass) {
        List<StatusRecord> stale;
        try {
            stale = listStale(pass);
        } catch (StoreFailure failure) {
            if (stopRequested.get()) {
                pass.outcome = RunSummary.Outcome.STOPPED;
                return;
            }
            pass.storeErrors.incrementAndGet();
            metrics.storeError();
            pass.outcome = RunSummary.Outcome.STORE_UNAVAILABLE;
            LOG.debug("{} cannot list stale PENDING statuses: {}", logPrefix, failure.getCause().toString());
            return;
        }
        pass.staleFound = stale.size();
        metrics.staleFound(stale.size());
        metrics.backlog(stale.size());
        for (StatusRecord record : stale) {
            if (!mayProceed(pass)) {
                return;
            }
            settle(pass, record);
            metrics.backlogDone();
        }
    }

    private List<StatusRecord> listStale(Pass pass) throws StoreFailure {
        Instant now = time.now();
        Instant createdBefore = now.minus(config.shortestStaleAfter());
        Map<String, StatusRecord> stale = new LinkedHashMap<>();
        String cursor = null;
        do {
            StalePage page = await(store.findStalePending(createdBefore, config.pageSize(), cursor));
            for (StatusRecord record : page.records()) {
                if (record.status() == DeliveryStatus.PENDING
                        && config.shard().owns(record.notificationId())
                        && record.createdAt().isBefore(now.minus(config.staleAfter(record.channel())))) {
                    stale.putIfAbsent(record.notificationId(), record);
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null && stale.size() < config.maxRecordsPerPass() && !stopRequested.get());
        List<StatusRecord> list = new ArrayList<>(stale.values());
        return list.size() > config.maxRecordsPerPass() ? list.subList(0, config.maxRecordsPerPass()) : list;
    }

    private void settle(Pass pass, StatusRecord record) {
        String id = record.notificationId();
        Optional<StatusUpdate> journaled = journal.find(id);
        if (journaled.isPresent()) {
            write(pass, journaled.get(), ResolutionSource.JOURNAL).join();
            return;
        }
        Optional<Receipt> pushed = receipts.find(id);
        if (pushed.isPresent() && pushed.get().settledStatus() != null) {
            Receipt receipt = pushed.get();
            write(pass, update(record, receipt.settledStatus(), receipt.reason(), receipt.providerMessageId(),
                    receipt.eventTime()), ResolutionSource.WEBHOOK).join();
            return;
        }
        Optional<CheckpointEntry> asked = checkpoint.find(id);
        if (asked.isPresent() && asked.get().isSettled()) {
            CheckpointEntry entry = asked.get();
            write(pass, update(record, entry.settled(), entry.reason(), entry.providerMessageId(), entry.eventTime()),
                    ResolutionSource.QUERY).join();
            return;
        }
        ReceiptQuery query = record.channel() == null ? null : queries.get(record.channel());
        Instant now = time.now();
        boolean askedRecently = asked.isPresent() && asked.get().queriedAt().plus(config.requeryAfter()).isAfter(now);
        if (query == null || !query.canQuery() || askedRecently) {
            leaveUnresolved(pass, record, now).join();
            return;
        }
        if (!pace(pass) || !acquireQuerySlot(pass)) {
            return;
        }
        int earlierQueries = asked.map(CheckpointEntry::queries).orElse(0);
        metrics.queryStarted();
        CompletableFuture<Void> chain;
        try {
            chain = query.query(record).toCompletableFuture()
                    .orTimeout(config.queryTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .handle((receipt, failure) -> answered(pass, record, earlierQueries, receipt, failure))
                    .thenCompose(Function.identity());
        } catch (RuntimeException thrown) {
            chain = answered(pass, record, earlierQueries, null, thrown);
        }
        CompletableFuture<Void> tracked = chain.whenComplete((ignored, failure) -> queriesInFlight.release());
        pass.inFlight.add(tracked);
        tracked.whenComplete((ignored, failure) -> pass.inFlight.remove(tracked));
    }

    private CompletableFuture<Void> answered(Pass pass, StatusRecord record, int earlierQueries, Receipt receipt,
                                             Throwable failure) {
        if (failure != null || receipt == null) {
            pass.queryErrors.incrementAndGet();
            metrics.query(record.channel(), "error");
            LOG.debug("{} query of {} failed: {}", logPrefix, record.notificationId(), String.valueOf(failure));
            pass.unresolved.incrementAndGet();
            metrics.unresolved();
            return CompletableFuture.completedFuture(null);
        }
        pass.queries.incrementAndGet();
        Instant now = time.now();
        DeliveryStatus settled = receipt.settledStatus();
        String messageId = receipt.providerMessageId() != null ? receipt.providerMessageId()
                : record.providerMessageId();
        if (settled == null) {
            metrics.query(record.channel(), "unsettled");
            keep(new CheckpointEntry(record.notificationId(), null, null, messageId, null, now, earlierQueries + 1));
            return leaveUnresolved(pass, record, now);
        }
        metrics.query(record.channel(), "settled");
        Instant at = receipt.eventTime() != null ? receipt.eventTime() : now;
        keep(new CheckpointEntry(record.notificationId(), settled, receipt.reason(), messageId, at, now,
                earlierQueries + 1));
        return write(pass, update(record, settled, receipt.reason(), messageId, at), ResolutionSource.QUERY);
    }

    private void keep(CheckpointEntry entry) {
        try {
            checkpoint.save(entry);
        } catch (RuntimeException e) {
            LOG.warn("{} cannot checkpoint {}: {}", logPrefix, entry.notificationId(), e.toString());
        }
    }

    private CompletableFuture<Void> leaveUnresolved(Pass pass, StatusRecord record, Instant now) {
        Duration failAfter = config.failUnresolvedAfter();
        if (failAfter != null && record.createdAt().isBefore(now.minus(failAfter))) {
            return write(pass, update(record, DeliveryStatus.FAILED, ReconcilerConfig.UNRESOLVED_REASON,
                    record.providerMessageId(), now), null);
        }
        pass.unresolved.incrementAndGet();
        metrics.unresolved();
        return CompletableFuture.completedFuture(null);
    }

    /** Writes {@code update}; {@code source} null means a FAILED "unresolved" mark. Never completes exceptionally. */
    private CompletableFuture<Void> write(Pass pass, StatusUpdate update, ResolutionSource source) {
        CompletableFuture<Void> written;
        try {
            written = store.record(update).toCompletableFuture()
                    .orTimeout(config.storeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException thrown) {
            written = CompletableFuture.failedFuture(thrown);
        }
        return written.handle((ignored, failure) -> {
            if (failure != null) {
                pass.storeErrors.incrementAndGet();
                metrics.storeError();
                LOG.debug("{} write of {} failed: {}", logPrefix, update.notificationId(), failure.toString());
                return null;
            }
            if (source == null) {
                pass.markedUnresolved.incrementAndGet();
                metrics.markedUnresolved();
                return null;
            }
            if (source == ResolutionSource.JOURNAL) {
                journal.confirm(update.notificationId());
            }
            pass.resolved.get(source).incrementAndGet();
            metrics.resolved(source);
            return null;
        });
    }

    private static StatusUpdate update(StatusRecord record, DeliveryStatus status, String reason, String messageId,
                                       Instant at) {
        return new StatusUpdate(record.notificationId(), record.userId(), record.channel(), status, reason,
                messageId != null ? messageId : record.providerMessageId(), record.createdAt(), at,
                record.attempts());
    }

    // ------------------------------------------------------------------------------- yielding and pacing

    /** Waits while the job must yield; false (with the pass's outcome set) if the pass must end. */
    private boolean mayProceed(Pass pass) {
        RunSummary.Outcome end = throttle.awaitGo();
        if (end != null) {
            pass.outcome = end;
            return false;
        }
        return true;
    }

    /** Waits for the next query permit; false (with the pass's outcome set) if the pass must end. */
    private boolean pace(Pass pass) {
        RunSummary.Outcome end = throttle.awaitQueryPermit();
        if (end != null) {
            pass.outcome = end;
            return false;
        }
        return true;
    }

    private boolean acquireQuerySlot(Pass pass) {
        try {
            while (!queriesInFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (stopRequested.get()) {
                    pass.outcome = RunSummary.Outcome.STOPPED;
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested.set(true);
            pass.outcome = RunSummary.Outcome.STOPPED;
            return false;
        }
    }

    private void awaitInFlight(Pass pass) {
        List<CompletableFuture<Void>> open = new ArrayList<>(pass.inFlight);
        if (open.isEmpty()) {
            return;
        }
        Duration bound = config.queryTimeout().plus(config.storeTimeout()).plusSeconds(1);
        try {
            CompletableFuture.allOf(open.toArray(CompletableFuture[]::new)).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} {} queries still open at the end of the pass", logPrefix, pass.inFlight.size());
        }
    }

    // --------------------------------------------------------------------------------------- store calls

    private <T> T await(CompletionStage<T> stage) throws StoreFailure {
        try {
            return stage.toCompletableFuture().get(config.storeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Interrupted by stop(): the pass ends as stopped, not as a store failure.
            Thread.currentThread().interrupt();
            stopRequested.set(true);
            throw new StoreFailure(e);
        } catch (ExecutionException e) {
            throw new StoreFailure(e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            throw new StoreFailure(e);
        }
    }

    /** Counts a failed store read; true if the pass should give up on the store. */
    private boolean storeFailed(Pass pass, StoreFailure failure) {
        pass.storeErrors.incrementAndGet();
        metrics.storeError();
        if (++pass.consecutiveStoreErrors >= STORE_ERRORS_BEFORE_GIVING_UP) {
            pass.outcome = RunSummary.Outcome.STORE_UNAVAILABLE;
            LOG.debug("{} status store failing ({}); ending the pass", logPrefix, failure.getCause().toString());
            return true;
        }
        return false;
    }

    private static final class StoreFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StoreFailure(Throwable cause) {
            super(cause);
        }
    }

    /** The counters of one pass; the query callbacks update them from other threads. */
    private static final class Pass {
        volatile RunSummary.Outcome outcome = RunSummary.Outcome.COMPLETED;
        long staleFound;
        int consecutiveStoreErrors;
        final AtomicLong journalMissing = new AtomicLong();
        final Map<ResolutionSource, AtomicLong> resolved = new EnumMap<>(ResolutionSource.class);
        final AtomicLong markedUnresolved = new AtomicLong();
        final AtomicLong unresolved = new AtomicLong();
        final AtomicLong queries = new AtomicLong();
        final AtomicLong queryErrors = new AtomicLong();
        final AtomicLong storeErrors = new AtomicLong();
        final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();

        Pass() {
            for (ResolutionSource source : ResolutionSource.values()) {
                resolved.put(source, new AtomicLong());
            }
        }

        RunSummary summary() {
            return new RunSummary(outcome, staleFound, journalMissing.get(),
                    resolved.get(ResolutionSource.JOURNAL).get(), resolved.get(ResolutionSource.WEBHOOK).get(),
                    resolved.get(ResolutionSource.QUERY).get(), markedUnresolved.get(), unresolved.get(),
                    queries.get(), queryErrors.get(), storeErrors.get());
        }
    }

    // ------------------------------------------------------------------------------------------- builder

    /** Assembles a reconciler from its parts. */
    public static final class Builder {
        private StatusStore store;
        private JournalIndex journal;
        private BooleanSupplier journalReady = () -> true;
        private ReceiptLog receipts;
        private final Map<Channel, ReceiptQuery> queries = new EnumMap<>(Channel.class);
        private CheckpointStore checkpoint;
        private LiveLoadSignal liveLoad = LiveLoadSignal.NONE;
        private TimeSource time = TimeSource.system();
        private MeterRegistry registry;
        private ReconcilerConfig config = ReconcilerConfig.ofDefaults();

        private Builder() {
        }

        /** The status store to read and repair. Required. */
        public Builder statusStore(StatusStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The journal index. Default: an empty {@link InMemoryJournalIndex} (no journal). */
        public Builder journalIndex(JournalIndex journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /**
         * Whether the journal index has caught up with the topic (e.g. {@link KafkaJournalReader#caughtUp()}); a pass
         * does nothing until it has, so that nothing is queried that the journal knows. Default: always.
         */
        public Builder journalReady(BooleanSupplier journalReady) {
            this.journalReady = Objects.requireNonNull(journalReady, "journalReady");
            return this;
        }

        /** The webhook receipts. Default: an empty {@link InMemoryReceiptLog}. */
        public Builder receiptLog(ReceiptLog receipts) {
            this.receipts = Objects.requireNonNull(receipts, "receipts");
            return this;
        }

        /** A provider receipt query for its channel (replacing one given before for the same channel). */
        public Builder receiptQuery(ReceiptQuery query) {
            Objects.requireNonNull(query, "query");
            queries.put(Objects.requireNonNull(query.channel(), "query.channel()"), query);
            return this;
        }

        /** Where provider answers are kept. Default: a new {@link InMemoryCheckpointStore}. */
        public Builder checkpointStore(CheckpointStore checkpoint) {
            this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
            return this;
        }

        /** The live load signal. Default {@link LiveLoadSignal#NONE}. */
        public Builder liveLoadSignal(LiveLoadSignal liveLoad) {
            this.liveLoad = Objects.requireNonNull(liveLoad, "liveLoad");
            return this;
        }

        /** The time source. Default {@link TimeSource#system()}. */
        public Builder timeSource(TimeSource time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /** Where the meters go. Default: a new {@link SimpleMeterRegistry}. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The configuration. Default {@link ReconcilerConfig#ofDefaults()}. */
        public Builder config(ReconcilerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** @throws IllegalStateException if no status store was given */
        public Reconciler build() {
            if (store == null) {
                throw new IllegalStateException("statusStore is required");
            }
            if (journal == null) {
                journal = new InMemoryJournalIndex(1, Duration.ofDays(1), time);
            }
            if (receipts == null) {
                receipts = new InMemoryReceiptLog();
            }
            if (checkpoint == null) {
                checkpoint = new InMemoryCheckpointStore();
            }
            if (registry == null) {
                registry = new SimpleMeterRegistry();
            }
            return new Reconciler(this);
        }
    }
}
