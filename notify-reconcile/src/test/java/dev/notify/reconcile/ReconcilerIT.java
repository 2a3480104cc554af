package dev.notify.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.cassandra.CassandraSessionFactory;
import dev.notify.cassandra.CassandraStatusStore;
import dev.notify.cassandra.CassandraStoreConfig;
import dev.notify.cassandra.SchemaMigration;
import dev.notify.core.Channel;
import dev.notify.core.DeliveryStatus;
import dev.notify.core.Receipt;
import dev.notify.core.ReceiptQuery;
import dev.notify.core.StatusRecord;
import dev.notify.core.StatusUpdate;
import dev.notify.core.inmemory.InMemoryDelivery;
import dev.notify.kafka.KafkaDeliveryJournal;
import dev.notify.kafka.StatusUpdateCodec;
import dev.notify.providers.sandbox.HttpExchange;
import dev.notify.providers.sandbox.SandboxTwilioServer;
import dev.notify.providers.sms.TwilioConfig;
import dev.notify.providers.sms.TwilioReceiptQuery;
import dev.notify.sandbox.CassandraEngine;
import dev.notify.sandbox.KafkaEngine;
import dev.notify.sandbox.WithEngines;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler end to end on real engines: 2,000 stale PENDING statuses in Cassandra, the journal in a Kafka topic
 * read by {@link KafkaJournalReader}, webhooks posted (signed) to the {@link ReceiptEndpoint}, and the SMS that only a
 * query can settle asked of the providers' Twilio sandbox through {@link TwilioReceiptQuery}.
 */
@WithEngines
class ReconcilerIT {

    private static final String KEYSPACE = "notify_it_reconcile";
    private static final String ACCOUNT = "AC00000000000000000000000000000001";
    private static final String TOKEN = "sandbox-auth-token-0000000000000";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void should_settle_2000_stale_statuses_from_kafka_journal_webhooks_and_twilio_queries_without_sending(
            KafkaEngine kafka, CassandraEngine cassandra, @TempDir Path folder) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ReconcileScenario scenario = ReconcileScenario.of(now, 500, 100);
        List<InMemoryDelivery> deliveries = List.of(new InMemoryDelivery(Channel.APNS),
                new InMemoryDelivery(Channel.FCM), new InMemoryDelivery(Channel.SMS), new InMemoryDelivery(Channel.EMAIL));

        try (SandboxTwilioServer twilio = new SandboxTwilioServer(0, ACCOUNT, TOKEN);
             CassandraStatusStore store = cassandraStore(cassandra);
             TwilioReceiptQuery query = new TwilioReceiptQuery(TwilioConfig.builder().accountSid(ACCOUNT)
                     .authToken(TOKEN).from("+15005550006").baseUrl(URI.create(twilio.baseUrl()))
                     .requestTimeout(Duration.ofSeconds(5)).build())) {

            // Given: the SMS only a query can settle exist at Twilio with their final status
            Instant statusSetFrom = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Map<String, String> sidById = createAtTwilio(twilio, scenario);
            Instant statusSetUntil = Instant.now();
            // the PENDING rows in Cassandra (the SMS ones with their SID)
            writePending(store, scenario, sidById);
            // the journal in Kafka, read back into the index
            String topic = "notify-journal-reconcile-it-" + Long.toHexString(System.nanoTime());
            kafka.createTopic(topic, 3);
            try (KafkaDeliveryJournal journal = KafkaDeliveryJournal.create(kafka.bootstrapServers(), topic, Map.of(),
                    null)) {
                scenario.journal.forEach(journal::append);
                journal.close(Duration.ofSeconds(30));
                assertThat(journal.appended()).isEqualTo(scenario.journal.size());
            }
            // and one record that is not a journal entry
            try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
                         new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of("bootstrap.servers",
                                 kafka.bootstrapServers()),
                                 new org.apache.kafka.common.serialization.ByteArraySerializer(),
                                 new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic,
                        "garbage".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
            InMemoryJournalIndex index = new InMemoryJournalIndex();
            StatusUpdateCodec codec = new StatusUpdateCodec();
            try (KafkaJournalReader reader = KafkaJournalReader.builder().bootstrapServers(kafka.bootstrapServers())
                    .topic(topic).index(index).decoder(codec::decode).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> reader.caughtUp()
                        && index.size() == scenario.journal.size());
                assertThat(reader.undecodable()).isEqualTo(1);
                assertThat(reader.recordsRead()).isEqualTo(scenario.journal.size() + 1);
                assertThat(reader.failure()).isNull();

                // and the webhooks, posted signed to the endpoint (one forged Twilio callback among them)
                InMemoryReceiptLog receipts = new InMemoryReceiptLog();
                postWebhooks(scenario, receipts);
                assertThat(receipts.size()).isEqualTo(scenario.pushed.stream()
                        .map(ReconcileScenario.Pushed::notificationId).distinct().count());
                int twilioRequestsBefore = twilio.requests().size();

                // When the reconciler runs one pass
                Reconciler.Builder builder = Reconciler.builder()
                        .statusStore(store)
                        .journalIndex(index)
                        .journalReady(reader::caughtUp)
                        .receiptLog(receipts)
                        .receiptQuery(query)
                        .receiptQuery(ReceiptQuery.notQueryable(Channel.APNS))
                        .receiptQuery(ReceiptQuery.notQueryable(Channel.FCM))
                        .receiptQuery(ReceiptQuery.notQueryable(Channel.EMAIL));
                RunSummary first;
                try (FileCheckpointStore checkpoint = FileCheckpointStore.open(folder.resolve("checkpoint.jsonl"));
                     Reconciler reconciler = builder.checkpointStore(checkpoint).build()) {
                    first = reconciler.runOnce();
                }

                // Then every status is the one its source gave, at the source's time
                assertThat(first.outcome()).isEqualTo(RunSummary.Outcome.COMPLETED);
                assertThat(first.staleFound()).isEqualTo(2_020);
                assertThat(first.journalMissing()).isEqualTo(100);
                assertThat(first.resolvedFromQuery()).isEqualTo(scenario.queryAnswers.size());
                for (Map.Entry<String, ReconcileScenario.Expected> entry : scenario.expected.entrySet()) {
                    String id = entry.getKey();
                    ReconcileScenario.Expected expected = entry.getValue();
                    StatusRecord record = find(store, id).orElseThrow(() -> new AssertionError("no row for " + id));
                    assertThat(record.status()).as(id).isEqualTo(expected.status());
                    if (scenario.queryAnswers.containsKey(id)) {
                        // the sandbox's date_updated (whole seconds) when the test set the status
                        assertThat(record.updatedAt()).as(id).isBetween(statusSetFrom, statusSetUntil);
                        assertThat(record.reason()).as(id).isEqualTo(expected.reason() == null ? null
                                : "twilio:30003: sandbox error 30003");
                        assertThat(record.providerMessageId()).as(id).isEqualTo(sidById.get(id));
                    } else {
                        assertThat(record.updatedAt()).as(id).isEqualTo(expected.at());
                        assertThat(record.reason()).as(id).isEqualTo(expected.reason());
                    }
                }
                for (String id : scenario.stillPending) {
                    assertThat(find(store, id).orElseThrow().status()).as(id).isEqualTo(DeliveryStatus.PENDING);
                }
                for (String id : scenario.markedUnresolved) {
                    assertThat(find(store, id).orElseThrow().reason()).as(id)
                            .isEqualTo(ReconcilerConfig.UNRESOLVED_REASON);
                }
                // each SID was fetched exactly once, and nothing was sent
                Map<String, Long> fetches = fetchesBySid(twilio, twilioRequestsBefore);
                assertThat(fetches).hasSize(sidById.size());
                assertThat(fetches.values()).containsOnly(1L);
                assertThat(deliveries).allSatisfy(delivery -> assertThat(delivery.sends()).isZero());

                // When a second pass runs
                int twilioRequestsAfter = twilio.requests().size();
                RunSummary second;
                try (FileCheckpointStore checkpoint = FileCheckpointStore.open(folder.resolve("checkpoint.jsonl"));
                     Reconciler reconciler = builder.checkpointStore(checkpoint).build()) {
                    second = reconciler.runOnce();
                }

                // Then it changes nothing and asks nothing
                assertThat(second.resolved()).isZero();
                assertThat(second.markedUnresolved()).isZero();
                assertThat(second.journalMissing()).isZero();
                assertThat(second.unresolved()).isEqualTo(scenario.stillPending.size());
                assertThat(twilio.requests().size()).isEqualTo(twilioRequestsAfter);
            }
        }
    }

    @Test
    void should_not_fetch_again_after_a_restart_what_a_job_cut_short_by_a_cassandra_pause_already_asked(
            CassandraEngine cassandra, @TempDir Path folder) throws Exception {
        // Given 300 stale SMS that only a Twilio fetch settles
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ReconcileScenario scenario = ReconcileScenario.of(now, 0, 0);
        for (int k = 0; k < 300; k++) {
            Instant created = now.minus(Duration.ofHours(5)).plusMillis(k);
            String id = "sms-restart-" + k;
            scenario.pending.add(new StatusUpdate(id, "u", Channel.SMS, DeliveryStatus.PENDING, null, null, created,
                    created, 0));
            scenario.queryAnswers.put(id, new Receipt(Receipt.State.DELIVERED, null, null, created));
        }
        scenario.pending.removeIf(update -> !update.notificationId().startsWith("sms-restart-"));
        try (SandboxTwilioServer twilio = new SandboxTwilioServer(0, ACCOUNT, TOKEN);
             CassandraStatusStore store = cassandraStore(cassandra);
             TwilioReceiptQuery twilioQuery = new TwilioReceiptQuery(TwilioConfig.builder().accountSid(ACCOUNT)
                     .authToken(TOKEN).from("+15005550006").baseUrl(URI.create(twilio.baseUrl()))
                     .requestTimeout(Duration.ofSeconds(5)).build())) {
            Map<String, String> sidById = createAtTwilio(twilio, scenario);
            writePending(store, scenario, sidById);
            int requestsBefore = twilio.requests().size();
            Path file = folder.resolve("checkpoint.jsonl");
            ReconcilerConfig config = ReconcilerConfig.custom().storeTimeout(Duration.ofSeconds(3)).build();

            // When the first job is cut short: Cassandra pauses at the 120th fetch and the job is stopped
            java.util.concurrent.atomic.AtomicReference<Reconciler> running = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
            ReceiptQuery cutting = new ReceiptQuery() {
                @Override
                public Channel channel() {
                    return Channel.SMS;
                }

                @Override
                public boolean canQuery() {
                    return true;
                }

                @Override
                public java.util.concurrent.CompletionStage<Receipt> query(StatusRecord record) {
                    if (fetches.incrementAndGet() == 120) {
                        cassandra.pause();
                        running.get().stop();
                    }
                    return twilioQuery.query(record);
                }
            };
            RunSummary first;
            try (FileCheckpointStore checkpoint = FileCheckpointStore.open(file);
                 Reconciler job = Reconciler.builder().statusStore(store).receiptQuery(cutting)
                         .checkpointStore(checkpoint).config(config).build()) {
                running.set(job);
                first = job.runOnce();
            } finally {
                cassandra.resume();
            }
            assertThat(first.outcome()).isEqualTo(RunSummary.Outcome.STOPPED);
            assertThat(first.storeErrors()).isPositive();

            // and a new job starts on the same checkpoint once Cassandra is back
            RunSummary second;
            try (FileCheckpointStore checkpoint = FileCheckpointStore.open(file);
                 Reconciler job = Reconciler.builder().statusStore(store).receiptQuery(twilioQuery)
                         .checkpointStore(checkpoint).config(config).build()) {
                assertThat(checkpoint.size()).isEqualTo(120);
                second = job.runOnce();
            }

            // Then all 300 are DELIVERED and no SID was fetched twice. A write that timed out during the pause may
            // still have landed when Cassandra resumed (then it is no longer stale); one that did not is written
            // from the checkpoint, without a fetch.
            assertThat(second.outcome()).isEqualTo(RunSummary.Outcome.COMPLETED);
            assertThat(second.queries()).isEqualTo(180);
            assertThat(first.resolvedFromQuery() + second.resolvedFromQuery())
                    .isBetween(300 - first.storeErrors(), 300L);
            for (String id : sidById.keySet()) {
                assertThat(find(store, id).orElseThrow().status()).as(id).isEqualTo(DeliveryStatus.DELIVERED);
            }
            Map<String, Long> fetched = fetchesBySid(twilio, requestsBefore);
            assertThat(fetched).hasSize(300);
            assertThat(fetched.values()).containsOnly(1L);
        }
    }

    private static CassandraStatusStore cassandraStore(CassandraEngine cassandra) {
        CassandraStoreConfig config = CassandraStoreConfig.builder()
                .addContactPoint(cassandra.contactPoint())
                .localDatacenter(cassandra.localDatacenter())
                .keyspace(KEYSPACE)
                .writeConsistency(DefaultConsistencyLevel.LOCAL_ONE)
                .readConsistency(DefaultConsistencyLevel.LOCAL_ONE)
                .requestTimeout(Duration.ofSeconds(2))
                .reconnectionBaseDelay(Duration.ofMillis(200))
                .reconnectionMaxDelay(Duration.ofSeconds(1))
                .sessionName("it-reconcile")
                .build();
        SchemaMigration.migrate(config);
        try (CqlSession session = CassandraSessionFactory.open(config)) {
            // a rerun without clean finds the previous run's rows
            for (String table : List.of(SchemaMigration.STATUS_TABLE, SchemaMigration.PENDING_TABLE)) {
                session.execute(SimpleStatement.newInstance("TRUNCATE " + KEYSPACE + "." + table)
                        .setTimeout(Duration.ofSeconds(30)));
            }
        }
        return CassandraStatusStore.connect(config);
    }

    /** Creates a message at the sandbox for each SMS only a query settles, and sets its final status. */
    private Map<String, String> createAtTwilio(SandboxTwilioServer twilio, ReconcileScenario scenario)
            throws Exception {
        String authorization = "Basic " + Base64.getEncoder()
                .encodeToString((ACCOUNT + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
        URI create = URI.create(twilio.baseUrl() + "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json");
        Map<String, String> sidById = new LinkedHashMap<>();
        for (Map.Entry<String, Receipt> answer : scenario.queryAnswers.entrySet()) {
            String form = "To=%2B15005550010&From=%2B15005550006&Body=hello&StatusCallback="
                    + URLEncoder.encode("https://hooks.example.com/receipts/twilio?notificationId=" + answer.getKey(),
                    StandardCharsets.UTF_8);
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(create)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            String sid = JSON.readTree(created.body()).get("sid").asText();
            boolean failed = answer.getValue().state() == Receipt.State.FAILED;
            twilio.setMessageStatus(sid, failed ? "undelivered" : "delivered", failed ? 30003 : null);
            sidById.put(answer.getKey(), sid);
        }
        return sidById;
    }

    private static void writePending(CassandraStatusStore store, ReconcileScenario scenario,
                                     Map<String, String> sidById) throws Exception {
        Semaphore window = new Semaphore(128);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (StatusUpdate pending : scenario.pending) {
            String sid = sidById.getOrDefault(pending.notificationId(), pending.providerMessageId());
            StatusUpdate row = new StatusUpdate(pending.notificationId(), pending.userId(), pending.channel(),
                    pending.status(), null, sid, pending.createdAt(), pending.eventTime(), 0);
            window.acquire();
            writes.add(store.record(row).toCompletableFuture().whenComplete((ignored, error) -> window.release()));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    /** Posts every webhook of the scenario, signed, in order; Twilio's arrival time is the receipt's time. */
    private void postWebhooks(ReconcileScenario scenario, InMemoryReceiptLog receipts) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair sendGridKeys = generator.generateKeyPair();
        MutableClock clock = new MutableClock(scenario.now);
        try (ReceiptEndpoint endpoint = ReceiptEndpoint.builder(receipts)
                .twilio(TOKEN, null)
                .sendGrid(new SendGridSignature(sendGridKeys.getPublic()))
                .clock(clock)
                .start()) {
            TwilioSignature signer = new TwilioSignature(TOKEN);
            URI base = endpoint.localUrl();
            // a forged callback first: refused, recorded nowhere
            String forgedUrl = base + ReceiptEndpoint.TWILIO_PATH + "?notificationId=sms-0";
            assertThat(postForm(forgedUrl, Map.of("MessageSid", "SMx", "MessageStatus", "undelivered"),
                    new TwilioSignature("not-the-token").sign(forgedUrl, Map.of("MessageSid", "SMx",
                            "MessageStatus", "undelivered"))).statusCode()).isEqualTo(403);
            assertThat(receipts.recorded()).isZero();

            ArrayNode events = JSON.createArrayNode();
            for (ReconcileScenario.Pushed pushed : scenario.pushed) {
                Receipt receipt = pushed.receipt();
                if (pushed.channel() == Channel.SMS) {
                    Map<String, String> form = new HashMap<>();
                    form.put("MessageSid", receipt.providerMessageId());
                    form.put("AccountSid", ACCOUNT);
                    form.put("MessageStatus", switch (receipt.state()) {
                        case DELIVERED -> "delivered";
                        case FAILED -> "undelivered";
                        default -> "sent";
                    });
                    if (receipt.state() == Receipt.State.FAILED) {
                        form.put("ErrorCode", "30003");
                    }
                    String url = base + ReceiptEndpoint.TWILIO_PATH + "?notificationId="
                            + URLEncoder.encode(pushed.notificationId(), StandardCharsets.UTF_8);
                    clock.set(receipt.eventTime());
                    assertThat(postForm(url, form, signer.sign(url, form)).statusCode()).isEqualTo(204);
                } else {
                    ObjectNode event = events.addObject();
                    event.put("email", "user@example.com");
                    event.put("timestamp", receipt.eventTime().getEpochSecond());
                    event.put("event", switch (receipt.state()) {
                        case DELIVERED -> "delivered";
                        case FAILED -> "bounce";
                        default -> "processed";
                    });
                    event.put("sg_message_id", receipt.providerMessageId() + ".filterdrecv-1.2");
                    event.put("notification_id", pushed.notificationId());
                }
            }
            String payload = events.toString();
            String timestamp = String.valueOf(scenario.now.getEpochSecond());
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(sendGridKeys.getPrivate());
            signature.update((timestamp + payload).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(base + ReceiptEndpoint.SENDGRID_PATH))
                    .header("Content-Type", "application/json")
                    .header(SendGridSignature.SIGNATURE_HEADER, Base64.getEncoder().encodeToString(signature.sign()))
                    .header(SendGridSignature.TIMESTAMP_HEADER, timestamp)
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(204);
        }
    }

    private HttpResponse<String> postForm(String url, Map<String, String> form, String signature) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Long> fetchesBySid(SandboxTwilioServer twilio, int skip) {
        List<HttpExchange> requests = twilio.requests();
        return requests.subList(skip, requests.size()).stream()
                .filter(request -> "GET".equals(request.method()))
                .map(request -> request.path().substring(request.path().lastIndexOf('/') + 1).replace(".json", ""))
                .collect(Collectors.groupingBy(sid -> sid, Collectors.counting()));
    }

    private static Optional<StatusRecord> find(CassandraStatusStore store, String id) throws Exception {
        return store.find(id).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
