package dev.notify.app;

import dev.notify.app.config.Config;
import dev.notify.app.config.ConfigException;
import dev.notify.app.config.Keys;
import dev.notify.cassandra.CassandraStatusStore;
import dev.notify.kafka.StatusUpdateCodec;
import dev.notify.reconcile.FileCheckpointStore;
import dev.notify.reconcile.InMemoryJournalIndex;
import dev.notify.reconcile.InMemoryReceiptLog;
import dev.notify.reconcile.KafkaJournalReader;
import dev.notify.reconcile.OffPeakWindow;
import dev.notify.reconcile.ReceiptEndpoint;
import dev.notify.reconcile.Reconciler;
import dev.notify.reconcile.ReconcilerConfig;
import dev.notify.reconcile.SendGridSignature;
import dev.notify.core.Channel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Repairs statuses left PENDING or absent, without re-sending anything, until stopped. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Finds stale PENDING statuses and outcomes the store lacks, resolves them from the delivery "
                + "journal, then provider webhooks, then receipt queries (Twilio), and writes the status. Never "
                + "sends. Rate limited (reconcile.queries.per.second), keeps to reconcile.off.peak, checkpointed.",
                "Serves the receipt endpoint on receipts.port and /metrics on metrics.port."})
final class ReconcileCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ReconcileCommand.class);

    @Mixin
    ConfigOptions configuration;

    @Override
    public Integer call() throws Exception {
        Config config = configuration.load();
        log.info("[reconcile] configuration:\n{}", config.describe());
        try (Operations operations = new Operations().start(config);
             CassandraStatusStore store = CassandraStatusStore.connect(Wiring.cassandra(config))) {
            InMemoryJournalIndex journal = new InMemoryJournalIndex();
            KafkaJournalReader.Builder readerBuilder = KafkaJournalReader.builder()
                    .bootstrapServers(config.get(Keys.KAFKA_BOOTSTRAP_SERVERS))
                    .topic(config.get(Keys.KAFKA_JOURNAL_TOPIC))
                    .index(journal)
                    .decoder(new StatusUpdateCodec()::decode);
            Wiring.consumerProperties(config).forEach(readerBuilder::consumerProperty);
            InMemoryReceiptLog receipts = new InMemoryReceiptLog();
            ReceiptEndpoint endpoint = null;
            int receiptsPort = config.get(Keys.RECEIPTS_PORT);
            if (receiptsPort > 0) {
                ReceiptEndpoint.Builder endpointBuilder = ReceiptEndpoint.builder(receipts)
                        .bind(new InetSocketAddress(receiptsPort))
                        .meterRegistry(operations.registry);
                if (config.isSet(Keys.TWILIO_AUTH_TOKEN)) {
                    endpointBuilder.twilio(config.get(Keys.TWILIO_AUTH_TOKEN),
                            URI.create(config.get(Keys.RECEIPTS_PUBLIC_URL)));
                }
                if (config.isSet(Keys.SENDGRID_WEBHOOK_PUBLIC_KEY)) {
                    endpointBuilder.sendGrid(SendGridSignature.fromBase64(config.get(Keys.SENDGRID_WEBHOOK_PUBLIC_KEY)));
                }
                endpoint = endpointBuilder.start();
            }
            ReconcilerConfig.Builder reconcilerConfig = ReconcilerConfig.custom()
                    .staleAfter(config.get(Keys.RECONCILE_STALE_AFTER))
                    .staleAfter(Channel.SMS, config.get(Keys.RECONCILE_SMS_STALE_AFTER))
                    .queriesPerSecond(config.get(Keys.RECONCILE_QUERIES_PER_SECOND));
            String window = config.get(Keys.RECONCILE_OFF_PEAK);
            if (!window.isEmpty()) {
                reconcilerConfig.offPeakWindow(offPeak(window));
            }
            try (KafkaJournalReader reader = readerBuilder.start()) {
                Reconciler.Builder builder = Reconciler.builder()
                        .statusStore(store)
                        .journalIndex(journal)
                        .journalReady(reader::caughtUp)
                        .receiptLog(receipts)
                        .checkpointStore(FileCheckpointStore.open(Path.of(config.get(Keys.RECONCILE_CHECKPOINT_FILE))))
                        .meterRegistry(operations.registry)
                        .config(reconcilerConfig.build());
                Wiring.twilioReceipts(config).ifPresent(builder::receiptQuery);
                Reconciler reconciler = builder.build();
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    reconciler.stop();
                    stopped.countDown();
                }, "notify-reconcile-shutdown"));
                reconciler.start(config.get(Keys.RECONCILE_INTERVAL));
                operations.ready();
                stopped.await();
                reconciler.close();
            } finally {
                if (endpoint != null) {
                    endpoint.close();
                }
            }
        }
        return 0;
    }

    /** {@code 01:00-06:00@Europe/Paris}. */
    static OffPeakWindow offPeak(String text) {
        try {
            String[] zoneSplit = text.split("@", 2);
            String[] times = zoneSplit[0].split("-", 2);
            return new OffPeakWindow(LocalTime.parse(times[0].trim()), LocalTime.parse(times[1].trim()),
                    zoneSplit.length > 1 ? ZoneId.of(zoneSplit[1].trim()) : ZoneId.of("UTC"));
        } catch (RuntimeException e) {
            throw new ConfigException("configuration key '" + Keys.RECONCILE_OFF_PEAK.name() + "': '" + text
                    + "' is not a window like 01:00-06:00@Europe/Paris");
        }
    }
}
