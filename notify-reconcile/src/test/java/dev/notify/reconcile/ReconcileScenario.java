package dev.notify.reconcile;

import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Receipt;
import dev.notify.core.StatusUpdate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stale PENDING notifications across every channel, with what each source knows of them and the status each must end
 * with. Times are whole milliseconds (Cassandra keeps timestamps in milliseconds).
 *
 * <ul>
 *   <li>APNS, FCM: all in the journal (APNS: DELIVERED and FAILED alternately);</li>
 *   <li>EMAIL: half in the journal, half by SendGrid events (some "processed" first, a third bounced);</li>
 *   <li>SMS: a fifth in the journal, a fifth by Twilio callbacks (half of them "delivered" then a late "sent", some
 *       undelivered), the rest only by a query of the SID (a quarter undelivered);</li>
 *   <li>{@code lost} more ids the journal holds and the store lacks altogether;</li>
 *   <li>ten APNS ids nothing knows, recent enough to stay PENDING, and ten older than the maximum age.</li>
 * </ul>
 */
final class ReconcileScenario {

    /** The status and time a notification must end with. */
    record Expected(DeliveryStatus status, String reason, Instant at) {
    }

    /** A webhook receipt as it arrives, for a notification. */
    record Pushed(String notificationId, Channel channel, Receipt receipt) {
    }

    final Instant now;
    final List<StatusUpdate> pending = new ArrayList<>();
    final List<StatusUpdate> journal = new ArrayList<>();
    final List<Pushed> pushed = new ArrayList<>();
    final Map<String, Receipt> queryAnswers = new LinkedHashMap<>();
    final Map<String, Expected> expected = new LinkedHashMap<>();
    final List<String> stillPending = new ArrayList<>();
    final List<String> markedUnresolved = new ArrayList<>();

    private ReconcileScenario(Instant now) {
        this.now = now;
    }

    /** {@code perChannel} stale notifications of each of the four channels, plus {@code lost} journal-only ones. */
    static ReconcileScenario of(Instant now, int perChannel, int lost) {
        ReconcileScenario scenario = new ReconcileScenario(now);
        Instant base = now.minus(Duration.ofHours(5));
        int serial = 0;
        for (Channel channel : Channel.values()) {
            for (int k = 0; k < perChannel; k++) {
                String id = channel.name().toLowerCase() + "-" + k;
                Instant created = base.plusMillis(serial++ * 3L);
                String sid = channel == Channel.SMS ? sid(id) : null;
                scenario.pending.add(new StatusUpdate(id, "user-" + id, channel, DeliveryStatus.PENDING, null, sid,
                        created, created, 0));
                scenario.plan(channel, id, k, perChannel, created, sid);
            }
        }
        for (int k = 0; k < lost; k++) {
            String id = "lost-" + k;
            Channel channel = k % 2 == 0 ? Channel.APNS : Channel.FCM;
            Instant created = now.minus(Duration.ofMinutes(30)).plusMillis(k);
            StatusUpdate entry = new StatusUpdate(id, "user-lost-" + k, channel, DeliveryStatus.DELIVERED, null,
                    "apns-" + k, created, created.plusMillis(1500), 1);
            scenario.journal.add(entry);
            scenario.expected.put(id, new Expected(DeliveryStatus.DELIVERED, null, entry.eventTime()));
        }
        for (int k = 0; k < 10; k++) {
            String young = "unknown-" + k;
            Instant created = now.minus(Duration.ofHours(6)).plusMillis(k);
            scenario.pending.add(new StatusUpdate(young, "u", Channel.APNS, DeliveryStatus.PENDING, null, null,
                    created, created, 0));
            scenario.stillPending.add(young);
            String old = "ancient-" + k;
            Instant oldCreated = now.minus(Duration.ofDays(4)).plusMillis(k);
            scenario.pending.add(new StatusUpdate(old, "u", Channel.APNS, DeliveryStatus.PENDING, null, null,
                    oldCreated, oldCreated, 0));
            scenario.markedUnresolved.add(old);
        }
        return scenario;
    }

    static String sid(String notificationId) {
        return "SM" + String.format("%032x", (long) notificationId.hashCode() & 0xffffffffL);
    }

    private void plan(Channel channel, String id, int k, int n, Instant created, String sid) {
        Instant journalTime = created.plusMillis(2_000);
        // SendGrid events carry whole seconds
        Instant pushTime = channel == Channel.EMAIL ? created.plusSeconds(30).truncatedTo(ChronoUnit.SECONDS)
                : created.plusMillis(30_000);
        Instant queryTime = created.plusMillis(60_000);
        switch (channel) {
            case APNS -> {
                boolean ok = k % 2 == 0;
                journal(id, channel, ok ? DeliveryStatus.DELIVERED : DeliveryStatus.FAILED,
                        ok ? null : "BadDeviceToken", "apns-" + id, created, journalTime);
            }
            case FCM -> journal(id, channel, DeliveryStatus.DELIVERED, null, "projects/p/messages/" + id, created,
                    journalTime);
            case EMAIL -> {
                if (k < n / 2) {
                    journal(id, channel, DeliveryStatus.DELIVERED, null, "sg-" + id, created, journalTime);
                } else {
                    if (k % 5 == 0) {
                        push(id, channel, new Receipt(Receipt.State.PENDING_AT_PROVIDER, "processed", "sg-" + id,
                                pushTime.minusSeconds(20)));
                    }
                    boolean bounced = k % 3 == 0;
                    Receipt receipt = bounced
                            ? new Receipt(Receipt.State.FAILED, "sendgrid:bounce", "sg-" + id, pushTime)
                            : new Receipt(Receipt.State.DELIVERED, null, "sg-" + id, pushTime);
                    push(id, channel, receipt);
                    expected.put(id, new Expected(receipt.settledStatus(), receipt.reason(), pushTime));
                }
            }
            case SMS -> {
                if (k < n / 5) {
                    journal(id, channel, DeliveryStatus.DELIVERED, null, sid, created, journalTime);
                } else if (k < 2 * n / 5) {
                    boolean undelivered = k % 7 == 0;
                    Receipt receipt = undelivered
                            ? new Receipt(Receipt.State.FAILED, "twilio:30003", sid, pushTime)
                            : new Receipt(Receipt.State.DELIVERED, null, sid, pushTime);
                    push(id, channel, receipt);
                    if (k % 2 == 0) {
                        // out of order: "sent" arrives after the final receipt, with a later time
                        push(id, channel, new Receipt(Receipt.State.PENDING_AT_PROVIDER, "sent", sid,
                                pushTime.plusMillis(5_000)));
                    }
                    expected.put(id, new Expected(receipt.settledStatus(), receipt.reason(), pushTime));
                } else {
                    boolean undelivered = k % 4 == 0;
                    Receipt receipt = undelivered
                            ? new Receipt(Receipt.State.FAILED, "twilio:30003", sid, queryTime)
                            : new Receipt(Receipt.State.DELIVERED, null, sid, queryTime);
                    queryAnswers.put(id, receipt);
                    expected.put(id, new Expected(receipt.settledStatus(), receipt.reason(), queryTime));
                }
            }
            default -> throw new IllegalStateException("unexpected channel " + channel);
        }
    }

    private void journal(String id, Channel channel, DeliveryStatus status, String reason, String messageId,
                         Instant created, Instant at) {
        journal.add(new StatusUpdate(id, "user-" + id, channel, status, reason, messageId, created, at, 1));
        expected.put(id, new Expected(status, reason, at));
    }

    private void push(String id, Channel channel, Receipt receipt) {
        pushed.add(new Pushed(id, channel, receipt));
    }

    /** How many stale PENDING notifications (all channels, known to some source). */
    int staleKnown() {
        return pending.size() - stillPending.size() - markedUnresolved.size();
    }
}
