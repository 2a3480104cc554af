package dev.notify.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes every engine still open when the JVM exits, newest first, so that a failed or aborted test run
 * leaves no server behind. Engines register when they first start and leave when closed.
 */
final class Reaper {

    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);
    private static final Set<Engine> OPEN = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private Reaper() {
    }

    static synchronized void register(Engine engine) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(Reaper::closeAll, "notify-sandbox-reaper"));
            hookInstalled = true;
        }
        OPEN.add(engine);
    }

    static synchronized void unregister(Engine engine) {
        OPEN.remove(engine);
    }

    private static void closeAll() {
        List<Engine> engines;
        synchronized (Reaper.class) {
            engines = new ArrayList<>(OPEN);
            OPEN.clear();
        }
        for (int i = engines.size() - 1; i >= 0; i--) {
            try {
                engines.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("could not close {} at JVM exit", engines.get(i), e);
            }
        }
    }
}
