package dev.notify.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The files a forked Cassandra node is started with. */
final class CassandraFiles {

    private CassandraFiles() {
    }

    /**
     * A minimal single-node cassandra.yaml: loopback only, SimpleSnitch, one token, every folder under {@code work},
     * and a commit log synced before each write is acknowledged, so acknowledged rows survive {@code kill()}.
     */
    static String yaml(Path work, int nativePort, int storagePort) {
        Path data = work.resolve("data");
        return String.join("\n",
                "cluster_name: notify-sandbox",
                "num_tokens: 1",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "endpoint_snitch: SimpleSnitch",
                // Acknowledge a write only once its commit log section is synced: replay stops at the last
                // sync marker, so with the periodic default a SIGKILL loses the last 10 s of acknowledged writes.
                "commitlog_sync: batch",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"127.0.0.1:" + storagePort + "\"",
                "listen_address: 127.0.0.1",
                "rpc_address: 127.0.0.1",
                "storage_port: " + storagePort,
                "start_native_transport: true",
                "native_transport_port: " + nativePort,
                "data_file_directories:",
                "  - " + quoted(data.resolve("data")),
                "commitlog_directory: " + quoted(data.resolve("commitlog")),
                "saved_caches_directory: " + quoted(data.resolve("saved_caches")),
                "hints_directory: " + quoted(data.resolve("hints")),
                "cdc_raw_directory: " + quoted(data.resolve("cdc_raw")),
                "auto_snapshot: false",
                "concurrent_compactors: 1",
                "");
    }

    /** An INFO-level console configuration for the fork's Logback (without one, Cassandra logs at DEBUG). */
    static String logback() {
        return String.join("\n",
                "<configuration>",
                "  <appender name=\"STDOUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                "    <encoder><pattern>%date{ISO8601} %-5level [%thread] %logger{0}: %msg%n</pattern></encoder>",
                "  </appender>",
                "  <root level=\"INFO\"><appender-ref ref=\"STDOUT\"/></root>",
                "</configuration>",
                "");
    }

    /** Copies {@link ParentWatchdog}'s class file alone into {@code folder}, to join the fork's classpath. */
    static void copyWatchdog(Path folder) throws IOException {
        String resource = ParentWatchdog.class.getName().replace('.', '/') + ".class";
        Path target = folder.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("class file " + resource + " not found");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }
}
