package dev.hull.runtime.program;

import java.io.IOException;
import dev.hull.sys.KernelFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the compiler needs to know about the host it runs on. */
public record HostFacts(int capLastCap, long boundingSet, boolean hasKcore) {

    public static HostFacts probe() {
        int last = 40;
        long bnd = -1L;
        try {
            last = Integer.parseInt(KernelFiles.readTrimmed(Path.of("/proc/sys/kernel/cap_last_cap")));
        } catch (IOException | NumberFormatException e) {
            // keep the table's last capability
        }
        try {
            for (String line : KernelFiles.read(Path.of("/proc/self/status")).split("\n")) {
                if (line.startsWith("CapBnd:")) {
                    bnd = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // assume everything
        }
        return new HostFacts(last, bnd, Files.exists(Path.of("/proc/kcore")));
    }
}
