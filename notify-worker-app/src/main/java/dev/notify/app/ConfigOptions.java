package dev.notify.app;

import dev.notify.app.config.Config;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration options every long-running command shares. */
final class ConfigOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file of configuration keys (see `notify keys`). Environment variables NOTIFY_<KEY> "
                    + "override it, --set overrides both.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Sets one configuration key (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    Config load() {
        return Config.load(file, System.getenv(), overrides);
    }
}
