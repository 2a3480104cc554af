package dev.notify.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Guards the classpath file built by notify-sandbox-cassandra-runtime: the parent pom manages SLF4J, Logback and
 * Jackson to the project's versions, and if that leaks into Cassandra's tree the fork logs nothing or fails.
 */
class CassandraRuntimeClasspathTest {

    private final List<Path> jars = CassandraRuntime.classpath(null, getClass().getClassLoader());

    @Test
    void should_hold_cassandra_all_and_only_existing_jars() {
        assertThat(jars).hasSizeGreaterThan(50);
        assertThat(version("cassandra-all")).contains("5.0.6");
    }

    @Test
    void should_keep_cassandras_own_logging_versions() {
        assertThat(version("logback-classic")).isPresent().isEqualTo(version("logback-core"));
        assertThat(version("slf4j-api")).hasValueSatisfying(slf4j -> assertThat(slf4j).startsWith("1.7."));
        assertThat(version("jackson-databind")).isPresent().isEqualTo(version("jackson-core"));
    }

    private Optional<String> version(String artifact) {
        return jars.stream()
                .map(jar -> jar.getFileName().toString())
                .filter(name -> name.matches(artifact + "-\\d.*\\.jar"))
                .map(name -> name.substring(artifact.length() + 1, name.length() - ".jar".length()))
                .findFirst();
    }
}
