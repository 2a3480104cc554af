package dev.notify.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassandraRuntimeTest {

    @TempDir
    Path folder;

    @Test
    void should_list_a_folder_of_jars_with_cassandra_all_first() throws IOException {
        for (String name : List.of("netty-all-4.1.jar", "cassandra-all-5.0.6.jar", "airline-0.9.jar", "README.txt")) {
            Files.createFile(folder.resolve(name));
        }

        List<Path> jars = CassandraRuntime.jarsIn(folder);

        assertThat(jars).extracting(jar -> jar.getFileName().toString())
                .containsExactly("cassandra-all-5.0.6.jar", "airline-0.9.jar", "netty-all-4.1.jar");
    }

    @Test
    void should_reject_a_folder_without_cassandra_all() throws IOException {
        Files.createFile(folder.resolve("guava.jar"));

        assertThatThrownBy(() -> CassandraRuntime.jarsIn(folder)).isInstanceOf(EngineException.class).hasMessageContaining("cassandra-all");
        assertThatThrownBy(() -> CassandraRuntime.jarsIn(folder.resolve("absent"))).isInstanceOf(EngineException.class);
    }

    @Test
    void should_prefer_the_explicit_folder_to_the_classpath_resource() throws IOException {
        Files.createFile(folder.resolve("cassandra-all-5.0.6.jar"));

        List<Path> jars = CassandraRuntime.classpath(folder, getClass().getClassLoader());

        assertThat(jars).containsExactly(folder.resolve("cassandra-all-5.0.6.jar"));
    }

    @Test
    void should_parse_a_classpath_file_and_name_a_missing_jar() throws IOException {
        Path present = Files.createFile(folder.resolve("a.jar"));
        Path absent = folder.resolve("b.jar");

        assertThat(CassandraRuntime.parseClasspathFile(present + "\n", "test")).containsExactly(present);
        assertThatThrownBy(() -> CassandraRuntime.parseClasspathFile(present + java.io.File.pathSeparator + absent, "test"))
                .isInstanceOf(EngineException.class).hasMessageContaining(absent.toString());
        assertThatThrownBy(() -> CassandraRuntime.parseClasspathFile("  ", "test")).isInstanceOf(EngineException.class);
    }

    @Test
    void should_read_the_feature_version_of_a_java_home() throws IOException {
        Path java17 = Files.createDirectories(folder.resolve("jdk17"));
        Files.writeString(java17.resolve("release"), "IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\"\n");
        Path java25 = Files.createDirectories(folder.resolve("jdk25"));
        Files.writeString(java25.resolve("release"), "JAVA_VERSION=\"25\"\n");

        assertThat(CassandraRuntime.javaFeatureVersion(java17)).contains(17);
        assertThat(CassandraRuntime.javaFeatureVersion(java25)).contains(25);
        assertThat(CassandraRuntime.javaFeatureVersion(folder)).isEmpty();
    }

    @Test
    void should_find_a_java_17_among_other_homes() throws IOException {
        Path java25 = Files.createDirectories(folder.resolve("a-jdk25/bin"));
        Files.writeString(java25.getParent().resolve("release"), "JAVA_VERSION=\"25\"\n");
        Files.createFile(java25.resolve("java")).toFile().setExecutable(true);
        Path java17 = Files.createDirectories(folder.resolve("b-jdk17/bin"));
        Files.writeString(java17.getParent().resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        Files.createFile(java17.resolve("java")).toFile().setExecutable(true);

        Optional<Path> found = CassandraRuntime.findJava17Under(folder);

        assertThat(found).contains(folder.resolve("b-jdk17"));
        assertThatThrownBy(() -> CassandraRuntime.javaExecutable(folder.resolve("a-jdk25")))
                .isInstanceOf(EngineException.class).hasMessageContaining("Java 25");
    }

    @Test
    void should_give_the_java_17_module_options() {
        assertThat(CassandraRuntime.java17Options())
                .contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
                        "-Djdk.attach.allowAttachSelf=true")
                .hasSize(2 + 9 + 14);
    }
}
