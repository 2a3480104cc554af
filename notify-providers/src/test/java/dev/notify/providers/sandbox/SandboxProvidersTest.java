package dev.notify.providers.sandbox;

import static dev.notify.providers.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryResult;
import dev.notify.core.Receipt;
import dev.notify.core.StatusRecord;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SandboxProvidersTest {

    @Test
    void should_start_all_four_peers_and_deliver_on_each_channel() throws Exception {
        try (SandboxProviders sandbox = SandboxProviders.builder()
                .statusCallbackBaseUrl(java.net.URI.create("http://localhost:8080/webhooks/twilio")).start()) {
            Map<Channel, String> recipients = Map.of(
                    Channel.APNS, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                    Channel.FCM, "fcm-token",
                    Channel.SMS, "+1 415 555 2671",
                    Channel.EMAIL, "carol@example.org");
            for (Channel channel : Channel.values()) {
                String id = UUID.randomUUID().toString();
                DeliveryResult result = sandbox.delivery(channel)
                        .send(request(id, channel, recipients.get(channel), "hello " + channel))
                        .get(10, TimeUnit.SECONDS);
                assertThat(result).as(channel.name()).isInstanceOf(DeliveryResult.Accepted.class);
                if (channel == Channel.SMS) {
                    String sid = ((DeliveryResult.Accepted) result).providerMessageId();
                    sandbox.twilio().setMessageStatus(sid, "delivered", null);
                    Receipt receipt = sandbox.receiptQuery(Channel.SMS).query(new StatusRecord(id, "user-1",
                            Channel.SMS, null, null, sid, Instant.now(), Instant.now(), 1))
                            .toCompletableFuture().get(10, TimeUnit.SECONDS);
                    assertThat(receipt.state()).isEqualTo(Receipt.State.DELIVERED);
                    assertThat(sandbox.twilio().requests().get(0).form().get("StatusCallback"))
                            .isEqualTo("http://localhost:8080/webhooks/twilio?notificationId=" + id);
                }
                int count = switch (channel) {
                    case APNS -> sandbox.apns().acceptedCount(id);
                    case FCM -> sandbox.fcm().requestCount(id);
                    case SMS -> sandbox.twilio().requestCount(id);
                    case EMAIL -> sandbox.sendGrid().requestCount(id);
                };
                assertThat(count).as(channel.name()).isEqualTo(1);
            }
            assertThat(sandbox.receiptQuery(Channel.APNS).canQuery()).isFalse();
            assertThat(sandbox.receiptQuery(Channel.EMAIL).query(null).toCompletableFuture().join().state())
                    .isEqualTo(Receipt.State.NOT_QUERYABLE);
        }
    }
}
