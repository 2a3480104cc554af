package dev.notify.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.RedisCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a list of commands to a connection in one go (one flush, one round trip) and completes when every reply is
 * in, or fails with the first failure or at the deadline. Counts the commands whose replies are awaited.
 */
final class Pipeline {

    private final StatefulRedisConnection<String, String> connection;
    private final Duration timeout;
    private final AtomicInteger awaited = new AtomicInteger();
    private final AtomicInteger mostAwaited = new AtomicInteger();

    Pipeline(StatefulRedisConnection<String, String> connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    /** Sends {@code commands} together; the stage holds their replies, in order. */
    <T> CompletableFuture<List<T>> send(List<? extends RedisCommand<String, String, T>> commands) {
        List<AsyncCommand<String, String, T>> pending = new ArrayList<>(commands.size());
        for (RedisCommand<String, String, T> command : commands) {
            pending.add(new AsyncCommand<>(command));
        }
        int count = pending.size();
        mostAwaited.accumulateAndGet(awaited.addAndGet(count), Math::max);
        CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
        all.whenComplete((ok, error) -> awaited.addAndGet(-count));
        try {
            connection.dispatch(pending);
        } catch (RuntimeException e) {
            for (AsyncCommand<String, String, T> command : pending) {
                command.completeExceptionally(e);
            }
        }
        return all.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((ok, error) -> {
            if (error != null) {
                // Past our deadline nobody wants the replies; cancelled commands are not written if still queued.
                for (AsyncCommand<String, String, T> command : pending) {
                    command.cancel(false);
                }
            }
        }).thenApply(ok -> {
            List<T> replies = new ArrayList<>(count);
            for (AsyncCommand<String, String, T> command : pending) {
                replies.add(command.join());
            }
            return replies;
        });
    }

    /** Commands sent and not yet answered, failed or cancelled. */
    int awaited() {
        return awaited.get();
    }

    /** The most commands ever awaited at once. */
    int mostAwaited() {
        return mostAwaited.get();
    }
}
