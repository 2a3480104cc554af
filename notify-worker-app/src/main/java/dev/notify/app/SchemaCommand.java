package dev.notify.app;

import dev.notify.app.config.Config;
import dev.notify.cassandra.SchemaMigration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Creates the keyspace and tables; safe to run again. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Creates the Cassandra keyspace and status tables if they do not exist (idempotent).")
final class SchemaCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configuration;

    @Option(names = "--print", description = "Print the CQL instead of running it.")
    boolean print;

    @Override
    public Integer call() {
        Config config = configuration.load();
        if (print) {
            SchemaMigration.statements(Wiring.cassandra(config)).forEach(statement -> System.out.println(statement + ";"));
            return 0;
        }
        SchemaMigration.migrate(Wiring.cassandra(config));
        System.out.println("schema is up to date");
        return 0;
    }
}
