package dev.hull.engine.cli;

/** {@code hull}: Docker's command line, daemonless, on Hull's runtime. */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        System.err.println("hull: not implemented yet");
        System.exit(125);
    }
}
