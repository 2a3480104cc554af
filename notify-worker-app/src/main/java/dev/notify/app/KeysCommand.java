package dev.notify.app;

import dev.notify.app.config.Key;
import dev.notify.app.config.Keys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints every configuration key with its default and environment variable, as the README's Markdown table. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Print every configuration key, its default and its environment variable (Markdown).")
final class KeysCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println(table());
        return 0;
    }

    static String table() {
        StringBuilder out = new StringBuilder();
        out.append("| key | default | environment variable | meaning |\n");
        out.append("| --- | --- | --- | --- |\n");
        for (Key<?> key : Keys.ALL) {
            String defaultValue = key.defaultValue() == null ? "(required)"
                    : key.secret() ? "(secret, none)" : key.defaultValue().isEmpty() ? "(empty)" : key.defaultValue();
            out.append("| `").append(key.name()).append("` | `").append(defaultValue.replace("|", "\\|"))
                    .append("` | `").append(key.environmentVariable()).append("` | ")
                    .append(key.doc().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }
}
