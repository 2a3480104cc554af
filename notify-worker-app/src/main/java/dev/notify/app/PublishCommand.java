package dev.notify.app;

import dev.notify.app.config.Config;
import dev.notify.app.config.Keys;
import dev.notify.cassandra.CassandraStatusStore;
import dev.notify.core.StatusStore;
import dev.notify.kafka.DecodeResult;
import dev.notify.kafka.NotificationPublisher;
import dev.notify.kafka.NotificationRecordCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Publishes notification requests from NDJSON, as a calling service would. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Reads notification records (NDJSON, one per line; see RECORD-FORMAT.md) from a file or "
                + "standard input, records each as PENDING (best effort, when cassandra.contact.points is set) and "
                + "publishes it keyed by user id.",
                "An invalid line is not published: its line number and reason are printed, and the exit code is 1."})
final class PublishCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configuration;

    @Option(names = "--input", paramLabel = "FILE", description = "NDJSON file; standard input when absent.")
    Path input;

    @Option(names = "--topic", description = "Topic to publish to; default the first of kafka.topics.")
    String topic;

    @Override
    public Integer call() throws Exception {
        Config config = configuration.load();
        NotificationRecordCodec codec = new NotificationRecordCodec();
        StatusStore store = null;
        if (config.isSet(Keys.CASSANDRA_CONTACT_POINTS)) {
            try {
                store = CassandraStatusStore.connect(Wiring.cassandra(config));
            } catch (RuntimeException e) {
                // PENDING is best effort: publishing goes on without it, and the workers write the outcome.
                System.err.println("warning: not recording PENDING statuses: " + e.getMessage());
            }
        }
        int invalid = 0;
        List<CompletableFuture<?>> sent = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        NotificationPublisher.Builder builder = NotificationPublisher.builder()
                .bootstrapServers(config.get(Keys.KAFKA_BOOTSTRAP_SERVERS))
                .topic(topic != null ? topic : config.get(Keys.KAFKA_TOPICS).get(0));
        if (store != null) {
            builder.statusStore(store);
        }
        Wiring.producerProperties(config).forEach(builder::producerProperty);
        try (NotificationPublisher publisher = builder.build();
             BufferedReader reader = input != null ? Files.newBufferedReader(input, StandardCharsets.UTF_8)
                     : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                DecodeResult decoded = codec.decode(line.getBytes(StandardCharsets.UTF_8));
                if (decoded instanceof DecodeResult.Valid valid) {
                    sent.add(publisher.publish(valid.request()).whenComplete((ok, error) -> {
                        if (error != null) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, error);
                        }
                    }));
                } else {
                    invalid++;
                    System.err.println("line " + number + ": not published: " + ((DecodeResult.Invalid) decoded).reason());
                }
            }
            try {
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                // Counted per record below.
            }
        } finally {
            if (store != null) {
                store.close();
            }
        }
        System.out.println("published " + (sent.size() - failed.get()) + ", failed " + failed.get() + ", invalid "
                + invalid);
        Throwable failure = firstFailure.get();
        if (failure != null) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            System.err.println("publishing failed (is Kafka at " + config.get(Keys.KAFKA_BOOTSTRAP_SERVERS)
                    + " reachable?): " + cause);
        }
        return invalid == 0 && failed.get() == 0 ? 0 : 1;
    }
}
