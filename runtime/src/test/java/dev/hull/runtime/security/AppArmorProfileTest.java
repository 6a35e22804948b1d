package dev.hull.runtime.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hull-default's text, compiled by the real apparmor_parser (Debian package apparmor) without
 * loading it: {@code -Q} skips the kernel, so this runs on a host without AppArmor too.
 */
class AppArmorProfileTest {

    @Test
    void theProfileIsNamedAndComplete() {
        String t = AppArmorProfile.text("hull-default");
        assertFalse(t.contains("{{"), "every placeholder is filled");
        assertTrue(t.contains("\nprofile hull-default flags=(attach_disconnected,mediate_deleted) {\n"), t);
        assertTrue(t.contains("  signal (send,receive) peer=hull-default,\n"), t);
        assertTrue(t.contains("  ptrace (trace,read,tracedby,readby) peer=hull-default,\n"), t);
        for (String rule : List.of("deny mount,", "deny /sys/firmware/** rwklx,", "deny /proc/sysrq-trigger rwklx,",
                "deny /proc/sys/[^k]** w,", "deny /sys/kernel/security/** rwklx,")) {
            assertTrue(t.contains("  " + rule + "\n"), rule);
        }
        assertTrue(AppArmorProfile.text("other").contains("\nprofile other flags="));
    }

    @Test
    void apparmorParserCompilesIt(@TempDir Path dir) throws Exception {
        Path parser = AppArmorProfile.parser();
        assumeTrue(parser != null, "apparmor_parser is not installed (apt-get install apparmor)");
        Path out = dir.resolve("hull-default.bin");
        // -Q: no kernel load, -K: no cache, -o: the compiled policy, which shows it compiled
        Process p = new ProcessBuilder(parser.toString(), "-Q", "-K", "-o", out.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().write(AppArmorProfile.text("hull-default").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), msg);
        assertTrue(Files.size(out) > 0, "no compiled policy");
    }

    @Test
    void aBrokenProfileIsRefusedByTheParser(@TempDir Path dir) throws Exception {
        // the check above can fail: the parser rejects a rule it does not know
        Path parser = AppArmorProfile.parser();
        assumeTrue(parser != null, "apparmor_parser is not installed");
        Process p = new ProcessBuilder(parser.toString(), "-Q", "-K", "-o", dir.resolve("x").toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().write(AppArmorProfile.text("hull-default").replace("deny mount,", "deny /x rwz,")
                .getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor() != 0);
    }

    @Test
    void notLoadedWhereSecurityfsIsNotThere() throws IOException {
        assumeTrue(!Files.exists(Path.of("/sys/kernel/security/apparmor/profiles")), "AppArmor host");
        assertFalse(AppArmorProfile.loaded("hull-default"));
    }
}
