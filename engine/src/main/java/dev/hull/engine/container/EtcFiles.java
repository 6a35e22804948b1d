package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files Docker bind-mounts over the image's: /etc/hostname, /etc/hosts (localhost, the
 * container's own name and --add-host's entries) and /etc/resolv.conf (the host's, without loopback servers, which mean
 * nothing in another network namespace).
 */
final class EtcFiles {
    private EtcFiles() {}

    static void write(Path dir, String hostname, boolean hostNetwork, List<String> extraHosts, List<String> dns,
                      List<String> dnsSearch, List<String> dnsOptions) throws EngineException {
        try {
            Files.writeString(dir.resolve("hostname"), hostname + "\n");
            String hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                    + "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
            if (hostNetwork && Files.isReadable(Path.of("/etc/hosts"))) {
                hosts = Files.readString(Path.of("/etc/hosts"));
            } else {
                hosts += "127.0.1.1\t" + hostname + "\n";
            }
            StringBuilder extra = new StringBuilder();
            for (String h : extraHosts) { // NAME:IP, checked by the flag's parser
                int colon = h.indexOf(':');
                extra.append(h.substring(colon + 1)).append('\t').append(h, 0, colon).append('\n');
            }
            Files.writeString(dir.resolve("hosts"), hosts + extra);
            StringBuilder resolv = new StringBuilder();
            Path host = Path.of("/etc/resolv.conf");
            if (Files.isReadable(host)) {
                for (String line : Files.readAllLines(host)) {
                    String t = line.trim();
                    if (!hostNetwork && t.startsWith("nameserver") && (t.contains(" 127.") || t.contains(" ::1"))) {
                        continue;
                    }
                    // --dns, --dns-search, --dns-option replace the host's lines of their kind
                    if ((!dns.isEmpty() && t.startsWith("nameserver")) || (!dnsSearch.isEmpty()
                            && (t.startsWith("search") || t.startsWith("domain")))
                            || (!dnsOptions.isEmpty() && t.startsWith("options"))) {
                        continue;
                    }
                    resolv.append(line).append('\n');
                }
            }
            for (String s : dns) {
                resolv.append("nameserver ").append(s).append('\n');
            }
            if (!dnsSearch.isEmpty() && !dnsSearch.equals(List.of("."))) { // ".": no search domain at all
                resolv.append("search ").append(String.join(" ", dnsSearch)).append('\n');
            }
            if (!dnsOptions.isEmpty()) {
                resolv.append("options ").append(String.join(" ", dnsOptions)).append('\n');
            }
            Files.writeString(dir.resolve("resolv.conf"), resolv.toString());
        } catch (IOException e) {
            throw new EngineException("cannot write the container's /etc files in " + dir + ": " + e.getMessage());
        }
    }
}
