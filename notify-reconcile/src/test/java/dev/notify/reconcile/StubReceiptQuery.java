package dev.notify.reconcile;

import dev.notify.core.Channel;
import dev.notify.core.Receipt;
import dev.notify.core.ReceiptQuery;
import dev.notify.core.RetriableDeliveryException;
import dev.notify.core.StatusRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A Twilio-like receipt query: answers from a script by notification id (unknown ids: UNKNOWN), counts queries per
 * id, and notes the time source's elapsed seconds at each query.
 */
final class StubReceiptQuery implements ReceiptQuery {

    private final Channel channel;
    private final ManualTimeSource time;
    private final Map<String, Receipt> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> queriesById = new ConcurrentHashMap<>();
    private final List<Double> queryTimes = new CopyOnWriteArrayList<>();
    private final AtomicInteger total = new AtomicInteger();
    private volatile Executor executor;
    private volatile Consumer<Integer> onQuery = count -> { };
    private volatile boolean failing;

    StubReceiptQuery(Channel channel, ManualTimeSource time) {
        this.channel = channel;
        this.time = time;
    }

    void answer(String notificationId, Receipt receipt) {
        answers.put(notificationId, receipt);
    }

    /** Answers on {@code executor} instead of the caller's thread. */
    void answerOn(Executor executor) {
        this.executor = executor;
    }

    /** Called with the running total after each query. */
    void onQuery(Consumer<Integer> onQuery) {
        this.onQuery = onQuery;
    }

    void failing(boolean failing) {
        this.failing = failing;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public boolean canQuery() {
        return true;
    }

    @Override
    public CompletionStage<Receipt> query(StatusRecord record) {
        queriesById.computeIfAbsent(record.notificationId(), id -> new AtomicInteger()).incrementAndGet();
        if (time != null) {
            queryTimes.add(time.elapsedSeconds());
        }
        int count = total.incrementAndGet();
        onQuery.accept(count);
        if (failing) {
            return CompletableFuture.failedFuture(new RetriableDeliveryException("stub: 503"));
        }
        Receipt receipt = answers.getOrDefault(record.notificationId(),
                new Receipt(Receipt.State.UNKNOWN, null, record.providerMessageId(), null));
        Executor on = executor;
        return on == null ? CompletableFuture.completedFuture(receipt) : CompletableFuture.supplyAsync(() -> receipt, on);
    }

    int queriesOf(String notificationId) {
        AtomicInteger count = queriesById.get(notificationId);
        return count == null ? 0 : count.get();
    }

    Map<String, AtomicInteger> queriesById() {
        return queriesById;
    }

    int total() {
        return total.get();
    }

    /** Elapsed seconds of the time source at each query, in order. */
    List<Double> queryTimes() {
        return List.copyOf(queryTimes);
    }

    /** Queries made at elapsed seconds in {@code [from, to)}. */
    long queriesBetween(double from, double to) {
        return queryTimes.stream().filter(t -> t >= from && t < to).count();
    }
}
