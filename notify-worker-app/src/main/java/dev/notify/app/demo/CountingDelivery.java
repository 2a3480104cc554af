package dev.notify.app.demo;

import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.NotificationRequest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts every send request handed to a provider's client, per notification id: placed under the retry decorator,
 * it sees each attempt that goes over the wire, which is what a user could receive twice.
 */
final class CountingDelivery implements Delivery {

    private final Delivery delegate;
    private final Map<String, AtomicInteger> byId = new ConcurrentHashMap<>();
    private final AtomicLong total;

    CountingDelivery(Delivery delegate, AtomicLong total) {
        this.delegate = delegate;
        this.total = total;
    }

    @Override
    public Channel channel() {
        return delegate.channel();
    }

    @Override
    public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
        byId.computeIfAbsent(request.id(), id -> new AtomicInteger()).incrementAndGet();
        total.incrementAndGet();
        return delegate.send(request);
    }

    int sendsOf(String notificationId) {
        AtomicInteger count = byId.get(notificationId);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
