package dev.notify.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zip a runnable app unpacks holds the same jars as the classpath file the tests use, in the folder layout the
 * launcher accepts. Runs in the reactor after notify-sandbox-cassandra-runtime was packaged.
 */
class CassandraRuntimeZipIT {

    @TempDir
    Path unpacked;

    @Test
    void should_unpack_to_a_runtime_folder_with_the_same_jars_as_the_classpath_file() throws IOException {
        // Given
        Path zip = runtimeZip();

        // When (another build in the same working tree may be rewriting the zip: wait until it reads whole)
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> unzip(zip, unpacked));
        List<String> fromFolder = names(CassandraRuntime.jarsIn(unpacked.resolve("cassandra-runtime")));

        // Then
        List<String> fromClasspathFile = names(CassandraRuntime.classpath(null, getClass().getClassLoader()));
        assertThat(fromFolder).hasSizeGreaterThan(50).containsExactlyInAnyOrderElementsOf(fromClasspathFile);
        assertThat(fromFolder.get(0)).startsWith("cassandra-all-");
    }

    private static Path runtimeZip() throws IOException {
        Path target = Path.of("..", "notify-sandbox-cassandra-runtime", "target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(file -> file.getFileName().toString().endsWith("-cassandra-runtime.zip"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no *-cassandra-runtime.zip in " + target.toAbsolutePath()));
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(archive.entries())) {
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target).startsWithRaw(into);
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = archive.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private static List<String> names(List<Path> jars) {
        return jars.stream().map(jar -> jar.getFileName().toString()).toList();
    }
}
