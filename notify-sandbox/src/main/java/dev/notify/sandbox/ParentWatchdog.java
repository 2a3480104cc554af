package dev.notify.sandbox;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Main class of a forked server JVM: runs the real main class given as the first argument, and halts the
 * JVM when its standard input reaches end of file, which happens when the parent JVM dies without having
 * stopped it (killed by a build timeout, say). Copied alone into the fork's classpath, so it uses nothing but
 * the JDK and has no nested or anonymous classes.
 */
final class ParentWatchdog {

    private ParentWatchdog() {
    }

    public static void main(String[] args) throws Throwable {
        Thread watchdog = new Thread(ParentWatchdog::haltWhenParentDies, "notify-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            Class.forName(args[0])
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void haltWhenParentDies() {
        try {
            while (System.in.read() != -1) {
                // the parent never writes; a byte means nothing
            }
        } catch (IOException e) {
            // a broken pipe means the same as end of file
        }
        System.err.println("notify-parent-watchdog: parent JVM gone, halting");
        Runtime.getRuntime().halt(137);
    }
}
