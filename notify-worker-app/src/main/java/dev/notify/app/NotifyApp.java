package dev.notify.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar notify-worker-app.jar <command>}. */
@Command(name = "notify", mixinStandardHelpOptions = true, version = "notify 0.1.0",
        description = "Delivers notifications (APNs, FCM, SMS, email) from Kafka; keeps delivering when the status "
                + "store is down.",
        subcommands = {DemoCommand.class, WorkerCommand.class, ReconcileCommand.class, SchemaCommand.class,
            PublishCommand.class, KeysCommand.class})
public final class NotifyApp implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        useCassandraRuntimeBesideJar();
        System.exit(run(args));
    }

    /** Points the sandbox at {@code cassandra-runtime/} beside the app jar, where the build unpacks it. */
    private static void useCassandraRuntimeBesideJar() {
        if (System.getProperty("notify.cassandra.runtime.dir") != null) {
            return;
        }
        try {
            java.nio.file.Path jar = java.nio.file.Path.of(
                    NotifyApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            java.nio.file.Path runtime = jar.getParent().resolve("cassandra-runtime");
            if (java.nio.file.Files.isDirectory(runtime)) {
                System.setProperty("notify.cassandra.runtime.dir", runtime.toString());
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // Not run from a jar: the sandbox falls back to the classpath file of a build.
        }
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new NotifyApp());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof dev.notify.app.config.ConfigException) {
                line.getErr().println("notify: " + exception.getMessage());
                return 2;
            }
            throw exception;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
