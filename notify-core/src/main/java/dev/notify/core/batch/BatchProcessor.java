package dev.notify.core.batch;

import dev.notify.core.BatchOutcome;
import dev.notify.core.Channel;
import dev.notify.core.DedupGuard;
import dev.notify.core.DeferredDelivery;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryJournal;
import dev.notify.core.DeliveryResult;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Disposition;
import dev.notify.core.NotificationRequest;
import dev.notify.core.PreferenceStore;
import dev.notify.core.Preferences;
import dev.notify.core.Priority;
import dev.notify.core.QuietHours;
import dev.notify.core.QuietHoursAction;
import dev.notify.core.StatusStore;
import dev.notify.core.StatusUpdate;
import dev.notify.core.TokenInvalidationListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one batch of notification requests: expiry, the users' preferences (one lookup per batch), the dedup
 * claim (one call per batch), sends through each channel's {@link Delivery} with at most
 * {@link Builder#maxConcurrentSends} in flight, and for every outcome a journal entry and a status write.
 *
 * <p>Status writes go through a {@link GuardedStatusStore}: a failing store costs at most one write timeout before
 * the breaker opens, and never changes what is sent. The returned {@link BatchOutcome} says what was done with each
 * request and how many status writes failed; an {@link dev.notify.core.OffsetPolicy} turns it into a commit or a
 * replay.
 *
 * <p>Safe for concurrent batches; the bound on sends is shared by all of them.
 */
public final class BatchProcessor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

    /** Default bound on sends in flight: 512. */
    public static final int DEFAULT_MAX_CONCURRENT_SENDS = 512;
    /** Default deadline of one send, retries included: 30 s. */
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);
    /** Default deadline of the preference lookup and the dedup claim: 2 s. */
    public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    /** Default delay before a notification handed to the deferred lane after transient failures is tried again. */
    public static final Duration DEFAULT_RETRY_DEFERRAL = Duration.ofMinutes(1);

    private final Map<Channel, Delivery> deliveries;
    private final GuardedStatusStore statusStore;
    private final PreferenceStore preferences;
    private final DedupGuard dedup;
    private final DeliveryJournal journal;
    private final DeferredDelivery deferred;
    private final TokenInvalidationListener tokenListener;
    private final Set<Channel> sendWithoutPreferences;
    private final Map<Priority, QuietHoursAction> quietHoursActions;
    private final Duration sendTimeout;
    private final boolean awaitStatusWrites;
    private final Duration lookupTimeout;
    private final Duration retryDeferral;
    private final Clock clock;
    private final BoundedDispatcher sends;
    private final BatchMetrics metrics;
    private volatile boolean preferencesFailing;

    private BatchProcessor(Builder builder) {
        this.deliveries = new EnumMap<>(builder.deliveries);
        this.statusStore = builder.statusStore instanceof GuardedStatusStore guarded
                ? guarded
                : new GuardedStatusStore(builder.statusStore, builder.statusGuard, builder.registry);
        this.preferences = builder.preferences;
        this.dedup = builder.dedup;
        this.journal = builder.journal;
        this.deferred = builder.deferred;
        this.tokenListener = builder.tokenListener;
        this.sendWithoutPreferences = builder.sendWithoutPreferences.isEmpty()
                ? Set.of() : EnumSet.copyOf(builder.sendWithoutPreferences);
        this.quietHoursActions = new EnumMap<>(builder.quietHoursActions);
        this.sendTimeout = builder.sendTimeout;
        this.awaitStatusWrites = builder.awaitStatusWrites;
        this.lookupTimeout = builder.lookupTimeout;
        this.retryDeferral = builder.retryDeferral;
        this.clock = builder.clock;
        this.sends = new BoundedDispatcher(builder.maxConcurrentSends);
        this.metrics = new BatchMetrics(builder.registry, sends);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Processes {@code batch}. The future completes when every request has an outcome and every status write has
     * succeeded, failed or been refused; it does not fail.
     */
    public CompletableFuture<BatchOutcome> process(List<NotificationRequest> batch) {
        Run run = new Run(batch);
        run.start();
        return run.done;
    }

    /**
     * Records a request that could not be processed (unreadable, invalid) as FAILED with {@code reason}, through the
     * same guard as every status write, and in the journal.
     *
     * @param channel the channel if the record named a valid one, else {@code null}
     * @param createdAt when it was created if readable, else {@code null} (now is used)
     */
    public CompletionStage<Void> recordInvalid(String notificationId, String userId, Channel channel,
                                               Instant createdAt, String reason) {
        Instant now = clock.instant();
        StatusUpdate update = new StatusUpdate(notificationId, userId, channel, DeliveryStatus.FAILED, reason, null,
                createdAt == null ? now : createdAt, now, 0);
        journal.append(update);
        return statusStore.record(update);
    }

    /** The guarded status store every write of this processor goes through. */
    public GuardedStatusStore statusStore() {
        return statusStore;
    }

    /** Sends in flight now, across batches. */
    public int sendsInFlight() {
        return sends.inFlight();
    }

    @Override
    public void close() {
        for (Delivery delivery : deliveries.values()) {
            delivery.close();
        }
        statusStore.close();
        preferences.close();
        dedup.close();
        journal.close();
    }

    /** The state of one batch while it is processed. */
    private final class Run {
        private final List<NotificationRequest> batch;
        private final Disposition[] dispositions;
        // One count per request plus one held by start(), so the batch cannot complete while it is being set up.
        private final AtomicInteger remaining;
        private final AtomicInteger statusFailures = new AtomicInteger();
        private final CompletableFuture<BatchOutcome> done = new CompletableFuture<>();
        private final long startNanos = System.nanoTime();
        private final Instant now = clock.instant();

        Run(List<NotificationRequest> batch) {
            this.batch = batch;
            this.dispositions = new Disposition[batch.size()];
            this.remaining = new AtomicInteger(batch.size() + 1);
        }

        void start() {
            int size = batch.size();
            int[] candidates = new int[size];
            int candidateCount = 0;
            Set<String> seen = new HashSet<>(Math.max(16, (int) (size / 0.75f) + 1));
            for (int i = 0; i < size; i++) {
                NotificationRequest request = batch.get(i);
                if (!seen.add(request.id())) {
                    finish(i, Disposition.DUPLICATE);
                } else if (request.isExpiredAt(now)) {
                    finishWithStatus(i, Disposition.EXPIRED,
                            StatusUpdate.of(request, DeliveryStatus.EXPIRED, "expired", null, now, 0));
                } else {
                    candidates[candidateCount++] = i;
                }
            }
            if (candidateCount > 0 && preferences == PreferenceStore.NONE) {
                // NONE answers every lookup with no restriction at once: nothing to ask.
                applyPreferences(candidates, candidateCount, Map.of(), null);
            } else if (candidateCount > 0) {
                Set<String> userIds = new LinkedHashSet<>();
                for (int c = 0; c < candidateCount; c++) {
                    userIds.add(batch.get(candidates[c]).userId());
                }
                int count = candidateCount;
                bounded(() -> preferences.lookup(userIds), lookupTimeout)
                        .whenComplete((found, error) -> applyPreferences(candidates, count, found, error));
            }
            release();
        }

        private void applyPreferences(int[] candidates, int candidateCount, Map<String, Preferences> found,
                                      Throwable error) {
            if (error != null) {
                preferencesUnavailable(error);
            } else if (preferencesFailing) {
                preferencesFailing = false;
                log.warn("[preferences] lookups succeed again");
            }
            int[] toSend = new int[candidateCount];
            int sendCount = 0;
            for (int c = 0; c < candidateCount; c++) {
                int i = candidates[c];
                NotificationRequest request = batch.get(i);
                if (error != null) {
                    if (sendWithoutPreferences.contains(request.channel())) {
                        toSend[sendCount++] = i;
                    } else {
                        finish(i, Disposition.NOT_ATTEMPTED);
                    }
                    continue;
                }
                Preferences userPreferences = found.getOrDefault(request.userId(), Preferences.NONE);
                String optOut = userPreferences.optOutReason(request);
                if (optOut != null) {
                    finishWithStatus(i, Disposition.SUPPRESSED,
                            StatusUpdate.of(request, DeliveryStatus.SUPPRESSED, optOut, null, now, 0));
                    continue;
                }
                QuietHours quiet = userPreferences.quietHours();
                if (quiet != null && quiet.contains(now)) {
                    QuietHoursAction action = quietHoursActions.get(request.priority());
                    if (action == QuietHoursAction.HOLD && deferred != null) {
                        defer(i, quiet.endAfter(now), "quiet-hours", Disposition.NOT_ATTEMPTED);
                        continue;
                    }
                    if (action != QuietHoursAction.SEND) {
                        finishWithStatus(i, Disposition.SUPPRESSED,
                                StatusUpdate.of(request, DeliveryStatus.SUPPRESSED, "quiet-hours", null, now, 0));
                        continue;
                    }
                }
                toSend[sendCount++] = i;
            }
            if (sendCount > 0) {
                claimAndSend(toSend, sendCount);
            }
        }

        private void preferencesUnavailable(Throwable error) {
            metrics.preferenceFailure();
            if (!preferencesFailing) {
                preferencesFailing = true;
                log.warn("[preferences] lookup failed, holding notifications whose preferences cannot be read: {}",
                        unwrap(error).toString());
            }
        }

        private void claimAndSend(int[] toSend, int sendCount) {
            if (dedup == DedupGuard.NONE) {
                // NONE claims every id at once: nothing to ask.
                for (int c = 0; c < sendCount; c++) {
                    send(toSend[c]);
                }
                return;
            }
            List<String> ids = new ArrayList<>(sendCount);
            for (int c = 0; c < sendCount; c++) {
                ids.add(batch.get(toSend[c]).id());
            }
            bounded(() -> dedup.claim(ids), lookupTimeout).whenComplete((claimed, error) -> {
                if (error != null) {
                    metrics.dedupFailure();
                    log.debug("[dedup] claim failed, the batch is held: {}", unwrap(error).toString());
                    for (int c = 0; c < sendCount; c++) {
                        finish(toSend[c], Disposition.NOT_ATTEMPTED);
                    }
                    return;
                }
                for (int c = 0; c < sendCount; c++) {
                    int i = toSend[c];
                    if (claimed.contains(batch.get(i).id())) {
                        send(i);
                    } else {
                        finish(i, Disposition.DUPLICATE);
                    }
                }
            });
        }

        private void send(int index) {
            NotificationRequest request = batch.get(index);
            Delivery delivery = deliveries.get(request.channel());
            if (delivery == null) {
                finishWithStatus(index, Disposition.REJECTED, StatusUpdate.of(request, DeliveryStatus.FAILED,
                        "no-delivery-for-channel:" + request.channel(), null, now, 0));
                return;
            }
            CompletableFuture<DeliveryResult> answer = sends.submit(() -> withSendTimeout(delivery.send(request)));
            if (answer.isDone() && !answer.isCompletedExceptionally()) {
                // Answered already (and not in error): no callback, no dependent future.
                sent(index, request, answer.join(), null);
            } else {
                answer.whenComplete((result, error) -> sent(index, request, result, error));
            }
        }

        private CompletableFuture<DeliveryResult> withSendTimeout(CompletableFuture<DeliveryResult> answer) {
            // An answer that is there needs no deadline; otherwise a copy gets one, leaving the delivery's own alone.
            return answer.isDone() ? answer : answer.copy().orTimeout(sendTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        private void sent(int index, NotificationRequest request, DeliveryResult result, Throwable error) {
            if (result instanceof DeliveryResult.Accepted accepted) {
                metrics.sent(request.channel(), BatchMetrics.ACCEPTED);
                finishWithStatus(index, Disposition.DELIVERED,
                        StatusUpdate.delivered(request, accepted.providerMessageId(), accepted.at(), 1));
            } else if (result instanceof DeliveryResult.Rejected rejected) {
                metrics.sent(request.channel(), BatchMetrics.REJECTED);
                if (rejected.tokenInvalid()) {
                    Instant invalidatedAt = rejected.tokenInvalidatedAt() != null
                            ? rejected.tokenInvalidatedAt() : rejected.at();
                    tokenListener.tokenInvalidated(request.userId(), request.channel(), request.recipient(),
                            invalidatedAt);
                }
                finishWithStatus(index, Disposition.REJECTED, StatusUpdate.of(request, DeliveryStatus.FAILED,
                        rejected.reason(), null, rejected.at(), 1));
            } else {
                metrics.sent(request.channel(), BatchMetrics.TRANSIENT);
                Throwable cause = unwrap(error);
                String reason = "transient:" + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ":" + cause.getMessage());
                log.debug("[send] {} failed transiently: {}", request, reason);
                // The claim is given back so that the notification can be sent by whoever tries next.
                dedup.release(request.id());
                if (deferred != null) {
                    defer(index, clock.instant().plus(retryDeferral), reason, null);
                } else {
                    failTransient(index, reason);
                }
            }
        }

        private void failTransient(int index, String reason) {
            NotificationRequest request = batch.get(index);
            finishWithStatus(index, Disposition.FAILED_TRANSIENT,
                    StatusUpdate.of(request, DeliveryStatus.FAILED, reason, null, clock.instant(), 1));
        }

        /** Hands a request to the deferred lane; if that fails, {@code ifRefused} (or FAILED when null). */
        private void defer(int index, Instant notBefore, String reason, Disposition ifRefused) {
            NotificationRequest request = batch.get(index);
            bounded(() -> deferred.defer(request, notBefore, reason), lookupTimeout).whenComplete((ok, error) -> {
                if (error == null) {
                    finish(index, Disposition.DEFERRED);
                } else if (ifRefused != null) {
                    finish(index, ifRefused);
                } else {
                    failTransient(index, reason);
                }
            });
        }

        private void finishWithStatus(int index, Disposition disposition, StatusUpdate update) {
            journal.append(update);
            CompletionStage<Void> write = statusStore.record(update);
            if (!awaitStatusWrites) {
                // Bookkeeping does not hold the batch: a write still in flight is counted by the guard when it ends.
                if (write instanceof CompletableFuture<Void> written && written.isCompletedExceptionally()) {
                    statusFailures.incrementAndGet();
                }
                finish(index, disposition);
                return;
            }
            if (write instanceof CompletableFuture<Void> written && written.isDone()) {
                // Written or refused already: no dependent future, which for a refusal would also wrap the refusal
                // in a new CompletionException with its stack trace.
                if (written.isCompletedExceptionally()) {
                    statusFailures.incrementAndGet();
                }
                finish(index, disposition);
                return;
            }
            write.whenComplete((ok, error) -> {
                if (error != null) {
                    statusFailures.incrementAndGet();
                }
                finish(index, disposition);
            });
        }

        private void finish(int index, Disposition disposition) {
            dispositions[index] = disposition;
            release();
        }

        private void release() {
            if (remaining.decrementAndGet() == 0) {
                Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
                BatchOutcome outcome = new BatchOutcome(Arrays.asList(dispositions), statusFailures.get(), elapsed);
                metrics.batchDone(outcome);
                done.complete(outcome);
            }
        }
    }

    private static <T> CompletableFuture<T> bounded(Supplier<? extends CompletionStage<T>> call, Duration timeout) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            CompletionStage<T> stage = call.get();
            if (stage instanceof CompletableFuture<T> answered && answered.isDone()
                    && !answered.isCompletedExceptionally()) {
                // Answered already: no deadline to set, no relay. (The callers here only read it.)
                return answered;
            }
            stage.whenComplete((value, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        } catch (RuntimeException thrown) {
            result.completeExceptionally(thrown);
        }
        return result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** A mutable builder of a {@link BatchProcessor}; only deliveries and a status store are required. */
    public static final class Builder {
        private final Map<Channel, Delivery> deliveries = new EnumMap<>(Channel.class);
        private StatusStore statusStore;
        private StatusGuardConfig statusGuard = StatusGuardConfig.ofDefaults();
        private PreferenceStore preferences = PreferenceStore.NONE;
        private DedupGuard dedup = DedupGuard.NONE;
        private DeliveryJournal journal = DeliveryJournal.NONE;
        private DeferredDelivery deferred;
        private TokenInvalidationListener tokenListener = TokenInvalidationListener.NONE;
        private final Set<Channel> sendWithoutPreferences = EnumSet.noneOf(Channel.class);
        private final Map<Priority, QuietHoursAction> quietHoursActions = new EnumMap<>(Map.of(
                Priority.HIGH, QuietHoursAction.HOLD, Priority.NORMAL, QuietHoursAction.SUPPRESS));
        private int maxConcurrentSends = DEFAULT_MAX_CONCURRENT_SENDS;
        private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
        private boolean awaitStatusWrites = true;
        private Duration lookupTimeout = DEFAULT_LOOKUP_TIMEOUT;
        private Duration retryDeferral = DEFAULT_RETRY_DEFERRAL;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry registry;

        private Builder() {
        }

        /** Adds the delivery of its channel, replacing any earlier one of that channel. */
        public Builder delivery(Delivery delivery) {
            deliveries.put(delivery.channel(), delivery);
            return this;
        }

        /** Adds each delivery. */
        public Builder deliveries(Collection<? extends Delivery> all) {
            all.forEach(this::delivery);
            return this;
        }

        /** The status store; wrapped in a {@link GuardedStatusStore} unless it is one. Required. */
        public Builder statusStore(StatusStore statusStore) {
            this.statusStore = Objects.requireNonNull(statusStore, "statusStore");
            return this;
        }

        /** How status writes are guarded. Default {@link StatusGuardConfig#ofDefaults()}. */
        public Builder statusGuard(StatusGuardConfig statusGuard) {
            this.statusGuard = Objects.requireNonNull(statusGuard, "statusGuard");
            return this;
        }

        /** Where preferences are read. Default {@link PreferenceStore#NONE}: no restriction. */
        public Builder preferences(PreferenceStore preferences) {
            this.preferences = Objects.requireNonNull(preferences, "preferences");
            return this;
        }

        /** The dedup guard. Default {@link DedupGuard#NONE}: no protection against replays. */
        public Builder dedup(DedupGuard dedup) {
            this.dedup = Objects.requireNonNull(dedup, "dedup");
            return this;
        }

        /** The delivery journal. Default {@link DeliveryJournal#NONE}. */
        public Builder journal(DeliveryJournal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /**
         * The lane for notifications held for quiet hours or out of retries. Default none: held ones are suppressed
         * and ones out of retries are FAILED.
         */
        public Builder deferred(DeferredDelivery deferred) {
            this.deferred = deferred;
            return this;
        }

        /** Told of dead device tokens. Default does nothing. */
        public Builder tokenInvalidationListener(TokenInvalidationListener tokenListener) {
            this.tokenListener = Objects.requireNonNull(tokenListener, "tokenListener");
            return this;
        }

        /**
         * Channels that are sent even when preferences cannot be read. Default none: nothing is sent whose
         * preferences are unknown.
         */
        public Builder sendWithoutPreferences(Collection<Channel> channels) {
            sendWithoutPreferences.clear();
            sendWithoutPreferences.addAll(channels);
            return this;
        }

        /** What to do in quiet hours for {@code priority}. Defaults: HIGH is held, NORMAL is suppressed. */
        public Builder quietHours(Priority priority, QuietHoursAction action) {
            quietHoursActions.put(Objects.requireNonNull(priority, "priority"), Objects.requireNonNull(action, "action"));
            return this;
        }

        /** Sends in flight at most, across batches. Default {@link #DEFAULT_MAX_CONCURRENT_SENDS}. */
        public Builder maxConcurrentSends(int maxConcurrentSends) {
            if (maxConcurrentSends < 1) {
                throw new IllegalArgumentException("maxConcurrentSends must be at least 1, was " + maxConcurrentSends);
            }
            this.maxConcurrentSends = maxConcurrentSends;
            return this;
        }

        /** Deadline of one send, retries included. Default {@link #DEFAULT_SEND_TIMEOUT}. */
        public Builder sendTimeout(Duration sendTimeout) {
            this.sendTimeout = positive(sendTimeout, "sendTimeout");
            return this;
        }

        /**
         * Whether a batch waits for its status writes to end before it completes. Default true: the outcome then
         * counts every failed write, which {@link dev.notify.core.OffsetPolicy#replayOnStatusFailure()} needs, and
         * a failing store costs a batch at most one write timeout (the breaker then refuses at once). With false, a
         * batch completes as soon as every notification has its outcome and its write is handed to the guard, so a
         * store that is slow but not failing does not slow delivery either; use it with
         * {@link dev.notify.core.OffsetPolicy#commitAfterDelivery()}, which ignores status writes anyway.
         */
        public Builder awaitStatusWrites(boolean awaitStatusWrites) {
            this.awaitStatusWrites = awaitStatusWrites;
            return this;
        }

        /** Deadline of the preference lookup and the dedup claim. Default {@link #DEFAULT_LOOKUP_TIMEOUT}. */
        public Builder lookupTimeout(Duration lookupTimeout) {
            this.lookupTimeout = positive(lookupTimeout, "lookupTimeout");
            return this;
        }

        /** Delay of the deferred lane after transient failures. Default {@link #DEFAULT_RETRY_DEFERRAL}. */
        public Builder retryDeferral(Duration retryDeferral) {
            this.retryDeferral = positive(retryDeferral, "retryDeferral");
            return this;
        }

        /** The clock for expiry, quiet hours and event times. Default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where metrics go. Default a private {@link SimpleMeterRegistry}. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public BatchProcessor build() {
            if (statusStore == null) {
                throw new IllegalStateException("statusStore is required");
            }
            if (deliveries.isEmpty()) {
                throw new IllegalStateException("at least one delivery is required");
            }
            if (registry == null) {
                registry = new SimpleMeterRegistry();
            }
            return new BatchProcessor(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
