package dev.notify.providers.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the sandbox HTTP peers share: a loopback server, a count of requests per notification id, the requests
 * received, and scripted answers. A scripted answer is used instead of the normal one: first those queued by
 * {@link #enqueue}, one per request, then a standing rule for the request's recipient ({@link #answerAlways}).
 */
public abstract class SandboxHttpPeer implements AutoCloseable {

    private final LoopbackHttpServer server;
    private final Map<String, AtomicInteger> countsById = new ConcurrentHashMap<>();
    // A queue, not a copy-on-write list: a demo or load run sends tens of thousands of requests.
    private final Queue<HttpExchange> received = new ConcurrentLinkedQueue<>();
    private final Deque<HttpReply> queued = new ConcurrentLinkedDeque<>();
    private final Map<String, HttpReply> byRecipient = new ConcurrentHashMap<>();

    SandboxHttpPeer(String name, int port) {
        try {
            this.server = new LoopbackHttpServer(name, port, this::dispatch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " sandbox on port " + port, e);
        }
    }

    private HttpReply dispatch(HttpExchange exchange) {
        received.add(exchange);
        return handle(exchange);
    }

    /** Answers one request. */
    abstract HttpReply handle(HttpExchange exchange);

    /** Counts a send request for {@code notificationId} and returns the scripted answer for it, if any. */
    final HttpReply countAndScript(String notificationId, String recipient) {
        if (notificationId != null) {
            countsById.computeIfAbsent(notificationId, id -> new AtomicInteger()).incrementAndGet();
        }
        HttpReply next = queued.pollFirst();
        if (next != null) {
            return next;
        }
        return recipient == null ? null : byRecipient.get(recipient);
    }

    /** The port it listens on, on 127.0.0.1. */
    public final int port() {
        return server.port();
    }

    /** {@code http://localhost:PORT}. */
    public final String baseUrl() {
        return "http://localhost:" + port();
    }

    /** How many send requests carried {@code notificationId}. */
    public final int requestCount(String notificationId) {
        AtomicInteger count = countsById.get(notificationId);
        return count == null ? 0 : count.get();
    }

    /** Every request received, in order. */
    public final List<HttpExchange> requests() {
        return new ArrayList<>(received);
    }

    /** Answers the next send requests with {@code replies}, one each, in order. */
    public final void enqueue(HttpReply... replies) {
        queued.addAll(List.of(replies));
    }

    /** Answers every send to {@code recipient} with {@code reply} (as the provider sees the recipient). */
    public final void answerAlways(String recipient, HttpReply reply) {
        byRecipient.put(recipient, reply);
    }

    /** Forgets the scripts, the counts and the requests received. */
    public void reset() {
        queued.clear();
        byRecipient.clear();
        countsById.clear();
        received.clear();
    }

    @Override
    public void close() {
        server.close();
    }
}
