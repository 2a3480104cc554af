package dev.notify.core.inmemory;

import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.NotificationRequest;
import dev.notify.core.RetriableDeliveryException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Delivery} that sends nowhere and counts sends per notification id. By default it accepts everything;
 * {@link #behaviour(Behaviour)} scripts rejections, transient failures or answers that never come.
 */
public final class InMemoryDelivery implements Delivery {

    /** Decides the answer to one send. */
    @FunctionalInterface
    public interface Behaviour {
        /**
         * @param attempt how many times this id was sent before (0 for the first send)
         */
        CompletableFuture<DeliveryResult> answer(NotificationRequest request, int attempt, Clock clock);
    }

    /** Accepts, with provider message id {@code mem-<id>}. */
    public static final Behaviour ACCEPT = (request, attempt, clock) ->
            CompletableFuture.completedFuture(new DeliveryResult.Accepted("mem-" + request.id(), clock.instant()));

    /** Never answers. */
    public static final Behaviour NEVER_ANSWER = (request, attempt, clock) -> new CompletableFuture<>();

    /** Rejects every send with {@code reason}. */
    public static Behaviour reject(String reason) {
        return (request, attempt, clock) ->
                CompletableFuture.completedFuture(DeliveryResult.Rejected.because(reason, clock.instant()));
    }

    /** Fails the first {@code failures} sends of each id transiently, then accepts. */
    public static Behaviour failTransiently(int failures) {
        return (request, attempt, clock) -> attempt < failures
                ? CompletableFuture.failedFuture(new RetriableDeliveryException("simulated transient failure"))
                : ACCEPT.answer(request, attempt, clock);
    }

    private final Channel channel;
    private final Clock clock;
    private final Map<String, AtomicInteger> sendsById = new ConcurrentHashMap<>();
    private final AtomicLong sends = new AtomicLong();
    private volatile Behaviour behaviour = ACCEPT;

    public InMemoryDelivery(Channel channel) {
        this(channel, Clock.systemUTC());
    }

    public InMemoryDelivery(Channel channel, Clock clock) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Sets how sends are answered from now on. */
    public InMemoryDelivery behaviour(Behaviour behaviour) {
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
        return this;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
        sends.incrementAndGet();
        int attempt = sendsById.computeIfAbsent(request.id(), id -> new AtomicInteger()).getAndIncrement();
        try {
            return behaviour.answer(request, attempt, clock);
        } catch (RuntimeException thrown) {
            return CompletableFuture.failedFuture(thrown);
        }
    }

    /** Sends of {@code notificationId} so far. */
    public int sendsOf(String notificationId) {
        AtomicInteger count = sendsById.get(notificationId);
        return count == null ? 0 : count.get();
    }

    /** Sends so far. */
    public long sends() {
        return sends.get();
    }

    /** Sends beyond the first of each id: the duplicates a user would have received. */
    public long duplicateSends() {
        long duplicates = 0;
        for (AtomicInteger count : sendsById.values()) {
            duplicates += Math.max(0, count.get() - 1);
        }
        return duplicates;
    }

    /** Distinct ids sent. */
    public int distinctIds() {
        return sendsById.size();
    }

    /** Forgets every send. */
    public void reset() {
        sendsById.clear();
        sends.set(0);
    }
}
