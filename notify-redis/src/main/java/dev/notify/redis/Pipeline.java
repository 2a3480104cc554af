package dev.notify.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.RedisCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a list of commands to a connection in one go (one flush, one round trip) and completes when every reply is
 * in, or fails as soon as one command fails, or at the deadline (then the rest are cancelled). Counts the commands
 * whose replies are awaited.
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
        // Fails as soon as one command fails (refused by a full queue, an error reply): no waiting for the others.
        CompletableFuture<Void> first = new CompletableFuture<>();
        all.whenComplete((ok, error) -> {
            if (error != null) {
                first.completeExceptionally(error);
            } else {
                first.complete(null);
            }
        });
        for (AsyncCommand<String, String, T> command : pending) {
            command.whenComplete((value, error) -> {
                if (error != null) {
                    first.completeExceptionally(error);
                }
            });
        }
        try {
            connection.dispatch(pending);
        } catch (RuntimeException e) {
            for (AsyncCommand<String, String, T> command : pending) {
                command.completeExceptionally(e);
            }
        }
        return first.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((ok, error) -> {
            if (error != null) {
                // The call failed or is past its deadline: nobody wants the other replies. Cancelled commands are
                // not written if still queued; a reply that comes later is discarded.
                for (AsyncCommand<String, String, T> command : pending) {
                    command.cancel(false);
                }
            }
        }).handle((ok, error) -> {
            if (error != null) {
                throw new CompletionException(refusal(pending, error));
            }
            List<T> replies = new ArrayList<>(count);
            for (AsyncCommand<String, String, T> command : pending) {
                replies.add(command.join());
            }
            return replies;
        });
    }

    /**
     * The failure to report: when Redis refused one of the commands (an error reply such as WRONGTYPE), which
     * command and key, so that an operator can find the bad key; otherwise the first failure.
     */
    private static Throwable refusal(List<? extends AsyncCommand<String, String, ?>> pending, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        for (AsyncCommand<String, String, ?> command : pending) {
            if (command.isCompletedExceptionally() && !command.isCancelled()) {
                Throwable failure = command.handle((value, thrown) -> thrown).join();
                if (failure instanceof RedisCommandExecutionException refused) {
                    String arguments = command.getArgs() == null ? "" : command.getArgs().toCommandString();
                    String first = arguments.isEmpty() ? "" : arguments.split(" ", 2)[0];
                    if (first.startsWith("key<") && first.endsWith(">")) {
                        first = first.substring(4, first.length() - 1);
                    }
                    String key = first.isEmpty() ? "" : " " + first;
                    return new RedisCommandExecutionException(
                            "Redis refused " + command.getType() + key + ": " + refused.getMessage(), refused);
                }
            }
        }
        return cause;
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
