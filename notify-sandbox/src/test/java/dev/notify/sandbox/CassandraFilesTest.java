package dev.notify.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassandraFilesTest {

    @TempDir
    Path work;

    @Test
    void should_write_a_loopback_single_node_yaml_with_the_ports_and_folders() {
        String yaml = CassandraFiles.yaml(work, 19042, 17000);

        assertThat(yaml)
                .contains("native_transport_port: 19042", "storage_port: 17000", "- seeds: \"127.0.0.1:17000\"")
                .contains("listen_address: 127.0.0.1", "rpc_address: 127.0.0.1", "endpoint_snitch: SimpleSnitch")
                .contains("commitlog_directory: '" + work.resolve("data/commitlog") + "'")
                .contains("commitlog_sync: batch");
    }

    @Test
    void should_copy_the_watchdog_class_alone() throws IOException {
        CassandraFiles.copyWatchdog(work.resolve("launcher"));

        try (var files = Files.walk(work.resolve("launcher"))) {
            assertThat(files.filter(Files::isRegularFile).map(work::relativize).map(Path::toString))
                    .containsExactly("launcher/dev/notify/sandbox/ParentWatchdog.class");
        }
    }
}
