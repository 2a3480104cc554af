package dev.notify.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds what a forked Cassandra runs on: its jars (kept apart from this JVM's classpath) and a Java 17.
 */
final class CassandraRuntime {

    /** System property naming a folder of Cassandra's jars (the unpacked cassandra-runtime zip). */
    static final String RUNTIME_DIRECTORY_PROPERTY = "notify.cassandra.runtime.dir";
    /** System property naming the Java 17 home to fork Cassandra with. */
    static final String JAVA_HOME_PROPERTY = "notify.cassandra.java.home";
    /** The classpath file written by notify-sandbox-cassandra-runtime at build time (for tests). */
    static final String CLASSPATH_RESOURCE = "META-INF/notify-cassandra-runtime/classpath.txt";

    static final int REQUIRED_JAVA_FEATURE = 17;

    private CassandraRuntime() {
    }

    /**
     * Cassandra's jars, from (in order) the given folder, the folder named by {@value #RUNTIME_DIRECTORY_PROPERTY},
     * or the classpath resource {@value #CLASSPATH_RESOURCE}.
     */
    static List<Path> classpath(Path explicitDirectory, ClassLoader loader) {
        if (explicitDirectory != null) {
            return jarsIn(explicitDirectory);
        }
        String property = System.getProperty(RUNTIME_DIRECTORY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return jarsIn(Path.of(property));
        }
        URL resource = loader.getResource(CLASSPATH_RESOURCE);
        if (resource == null) {
            throw new EngineException("no Cassandra runtime: give CassandraEngine.Builder.runtimeDirectory(dir), set -D"
                    + RUNTIME_DIRECTORY_PROPERTY + "=<folder of jars from the cassandra-runtime zip>, or (in tests) depend on"
                    + " dev.notify:notify-sandbox-cassandra-runtime with scope test and an *:* exclusion");
        }
        try (InputStream in = resource.openStream()) {
            return parseClasspathFile(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    static List<Path> parseClasspathFile(String content, String origin) {
        List<Path> jars = new ArrayList<>();
        for (String entry : content.trim().split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                jars.add(Path.of(entry.trim()));
            }
        }
        if (jars.isEmpty()) {
            throw new EngineException("empty Cassandra classpath in " + origin);
        }
        List<Path> missing = jars.stream().filter(jar -> !Files.isRegularFile(jar)).toList();
        if (!missing.isEmpty()) {
            throw new EngineException(missing.size() + " jars of the Cassandra classpath in " + origin
                    + " are missing (it was built on another machine or the local repository changed), first: " + missing.get(0));
        }
        return jars;
    }

    /** Every jar in the folder, cassandra-all first, the others by name. */
    static List<Path> jarsIn(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new EngineException("Cassandra runtime folder " + directory + " does not exist");
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> jars = files
                    .filter(file -> file.getFileName().toString().endsWith(".jar"))
                    .sorted(Comparator.comparing((Path file) -> !file.getFileName().toString().startsWith("cassandra-all"))
                            .thenComparing(file -> file.getFileName().toString()))
                    .toList();
            if (jars.stream().noneMatch(jar -> jar.getFileName().toString().startsWith("cassandra-all"))) {
                throw new EngineException("no cassandra-all jar in " + directory);
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    /**
     * The java launcher of a Java 17: the given home, the home named by {@value #JAVA_HOME_PROPERTY}, this JVM's
     * when it is a 17, or the first 17 found under /usr/lib/jvm, /usr/java or /opt/java.
     */
    static Path javaExecutable(Path explicitHome) {
        if (explicitHome != null) {
            return launcherOf(explicitHome);
        }
        String property = System.getProperty(JAVA_HOME_PROPERTY);
        if (property != null && !property.isBlank()) {
            return launcherOf(Path.of(property));
        }
        if (Runtime.version().feature() == REQUIRED_JAVA_FEATURE) {
            return launcherOf(Path.of(System.getProperty("java.home")));
        }
        for (String parent : List.of("/usr/lib/jvm", "/usr/java", "/opt/java", "/usr/local/java")) {
            Optional<Path> found = findJava17Under(Path.of(parent));
            if (found.isPresent()) {
                return launcherOf(found.get());
            }
        }
        throw new EngineException("Cassandra 5.0 needs Java 17 and this JVM is " + Runtime.version()
                + "; set -D" + JAVA_HOME_PROPERTY + "=<a Java 17 home>");
    }

    static Optional<Path> findJava17Under(Path parent) {
        if (!Files.isDirectory(parent)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(parent)) {
            return homes.sorted()
                    .filter(home -> javaFeatureVersion(home).orElse(0) == REQUIRED_JAVA_FEATURE)
                    .filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The feature version in a Java home's {@code release} file ({@code JAVA_VERSION="17.0.15"} gives 17). */
    static Optional<Integer> javaFeatureVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(release)) {
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("JAVA_VERSION", "").replace("\"", "");
            String feature = version.split("[.+-]", 2)[0];
            return feature.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(feature));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Path launcherOf(Path home) {
        Path java = home.resolve("bin").resolve("java");
        if (!Files.isExecutable(java)) {
            throw new EngineException("no java launcher at " + java);
        }
        Optional<Integer> feature = javaFeatureVersion(home);
        if (feature.isPresent() && feature.get() != REQUIRED_JAVA_FEATURE) {
            throw new EngineException("Cassandra 5.0 needs Java 17, " + home + " is Java " + feature.get());
        }
        return java;
    }

    /** The JVM options Cassandra 5.0 needs on Java 17 (the JPMS part of its conf/jvm17-server.options). */
    static List<String> java17Options() {
        List<String> options = new ArrayList<>();
        options.add("-Djdk.attach.allowAttachSelf=true");
        options.add("-Dio.netty.tryReflectionSetAccessible=true");
        for (String export : List.of(
                "java.base/jdk.internal.misc",
                "java.management.rmi/com.sun.jmx.remote.internal.rmi",
                "java.rmi/sun.rmi.registry",
                "java.rmi/sun.rmi.server",
                "java.sql/java.sql",
                "java.base/java.lang.ref",
                "jdk.unsupported/sun.misc",
                "jdk.compiler/com.sun.tools.javac.file",
                "jdk.attach/sun.tools.attach")) {
            options.add("--add-exports=" + export + "=ALL-UNNAMED");
        }
        for (String open : List.of(
                "java.base/java.lang.module",
                "java.base/jdk.internal.loader",
                "java.base/jdk.internal.ref",
                "java.base/jdk.internal.reflect",
                "java.base/jdk.internal.math",
                "java.base/jdk.internal.module",
                "java.base/jdk.internal.util.jar",
                "jdk.management/com.sun.management.internal",
                "java.base/sun.nio.ch",
                "java.base/java.io",
                "java.base/java.lang.reflect",
                "jdk.compiler/com.sun.tools.javac",
                "java.base/java.lang",
                "java.base/java.util")) {
            options.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        return options;
    }
}
