package dev.hull.runtime;

/**
 * Start-up tracing for performance work: with HULL_TRACE=1 in the environment, {@link #mark}
 * prints the milliseconds since the JVM started and since main() began, on stderr.
 */
public final class Trace {
    private static final boolean ON = "1".equals(System.getenv("HULL_TRACE"));
    private static final long T0 = System.nanoTime();

    private Trace() {}

    public static void mark(String what) {
        if (ON) {
            long jvm = System.currentTimeMillis() - ProcessHandle.current().info().startInstant()
                    .map(java.time.Instant::toEpochMilli).orElse(0L);
            System.err.println("hull-trace: +" + (System.nanoTime() - T0) / 100_000 / 10.0 + " ms in main, "
                    + jvm + " ms since the JVM started: " + what);
        }
    }
}
