package dev.notify.load;

import dev.notify.core.Channel;
import dev.notify.core.Delivery;
import dev.notify.core.DeliveryResult;
import dev.notify.core.NotificationRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the sends the provider accepted; placed under the retry decorator, so each accepted attempt counts. */
final class CountingDelivery implements Delivery {

    private final Delivery delegate;
    private final AtomicLong accepted = new AtomicLong();

    CountingDelivery(Delivery delegate) {
        this.delegate = delegate;
    }

    long accepted() {
        return accepted.get();
    }

    @Override
    public Channel channel() {
        return delegate.channel();
    }

    @Override
    public CompletableFuture<DeliveryResult> send(NotificationRequest request) {
        return delegate.send(request).whenComplete((result, error) -> {
            if (result instanceof DeliveryResult.Accepted) {
                accepted.incrementAndGet();
            }
        });
    }

    @Override
    public void close() {
        // The sandbox owns and closes the delegate.
    }
}
