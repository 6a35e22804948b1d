package dev.hull.runtime.security;

import dev.hull.runtime.HullException;
import dev.hull.runtime.exec.Executor;
import dev.hull.runtime.exec.ExecutorFailure;
import dev.hull.runtime.exec.Message;
import dev.hull.runtime.program.Op;
import dev.hull.runtime.program.SetupProgram;
import dev.hull.sys.KernelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hull's default AppArmor profile, {@code hull-default}: its text (from the template beside this
 * class, in the manner of Docker's docker-default) and loading it into the kernel when a
 * container asks for it and it is not loaded yet.
 */
public final class AppArmorProfile {
    public static final String DEFAULT = "hull-default";
    private static final Path PROFILES = Path.of("/sys/kernel/security/apparmor/profiles");
    private static final List<String> PARSERS = List.of("/sbin/apparmor_parser", "/usr/sbin/apparmor_parser");

    private AppArmorProfile() {}

    /** The profile's text under {@code name}. */
    public static String text(String name) {
        try (InputStream in = AppArmorProfile.class.getResourceAsStream("apparmor-profile.txt")) {
            if (in == null) {
                throw new IllegalStateException("apparmor-profile.txt is missing from the runtime's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{{name}}", name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the kernel has a profile of this name (false when securityfs is not mounted). */
    public static boolean loaded(String name) {
        try {
            for (String line : KernelFiles.read(PROFILES).split("\n")) {
                // "hull-default (enforce)"
                if (line.startsWith(name + " (")) {
                    return true;
                }
            }
        } catch (IOException e) {
            // not readable: let apparmor_parser say what is wrong
        }
        return false;
    }

    /**
     * Checks, before anything is made, that the kernel has the profile a config asks for, and
     * loads hull-default if it is the one and missing; runc would only fail at exec. Names the
     * kernel cannot list plainly (stacks, namespaces) and an unreadable list are left to exec.
     */
    public static void check(String profile) throws HullException {
        if (profile == null || profile.isEmpty() || profile.equals("unconfined")) {
            return;
        }
        if (profile.equals(DEFAULT)) {
            ensureDefaultLoaded();
            return;
        }
        if (profile.indexOf('&') < 0 && profile.indexOf(':') < 0 && Files.isReadable(PROFILES)
                && !loaded(profile)) {
            throw new HullException("config.json: process.apparmorProfile: the kernel has no AppArmor profile \""
                    + profile + "\" (see " + PROFILES + ")");
        }
    }

    /** apparmor_parser's path, or null. */
    public static Path parser() {
        for (String p : PARSERS) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    /**
     * Loads hull-default with {@code apparmor_parser -Kr} (replace, no cache written) unless the
     * kernel has it. The parser runs through the executor (the runtime starts no process
     * itself) and reads the profile on its stdin.
     */
    public static void ensureDefaultLoaded() throws HullException {
        if (loaded(DEFAULT)) {
            return;
        }
        Path parser = parser();
        if (parser == null) {
            throw new HullException("config.json: process.apparmorProfile: " + DEFAULT
                    + " is not loaded and apparmor_parser is not installed to load it");
        }
        SetupProgram p = new SetupProgram();
        p.add(Op.SET_STATE, "the " + DEFAULT + " AppArmor profile").b(text(DEFAULT).getBytes(StandardCharsets.UTF_8)).done();
        p.add(Op.HOOK, "load the " + DEFAULT + " AppArmor profile").s(parser.toString())
                .v(List.of("apparmor_parser", "-Kr")).v(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"))
                .i(30).s("apparmor_parser").i(0).done();
        try (Executor ex = Executor.start(p)) {
            ex.expect(Message.DONE, "loading the " + DEFAULT + " AppArmor profile");
        } catch (ExecutorFailure f) {
            throw new HullException("config.json: process.apparmorProfile: loading " + DEFAULT + " failed: "
                    + (f.errno() == 0 && !f.detail().isEmpty() ? f.detail() : f.getMessage()));
        } catch (IOException e) {
            throw new HullException("config.json: process.apparmorProfile: loading " + DEFAULT + ": " + e.getMessage());
        }
    }
}
