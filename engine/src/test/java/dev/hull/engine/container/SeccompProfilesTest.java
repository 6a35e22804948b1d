package dev.hull.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker-format seccomp profiles (archMap, includes/excludes) → OCI linux.seccomp for this host. */
class SeccompProfilesTest {
    @TempDir
    Path tmp;

    private static final String DOCKER = """
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
             "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                         {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
             "syscalls": [
               {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
               {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]},
                "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}]},
               {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}}
             ]}""";

    @SuppressWarnings("unchecked")
    private static List<String> names(Map<String, Object> s) {
        List<String> out = new java.util.ArrayList<>();
        for (Object o : (List<Object>) s.get("syscalls")) {
            out.addAll((List<String>) ((Map<String, Object>) o).get("names"));
        }
        return out;
    }

    @Test
    void dockerFormatForTheContainersCapabilities() throws Exception {
        Path f = tmp.resolve("p.json");
        Files.writeString(f, DOCKER);
        Map<String, Object> plain = SeccompProfiles.load(f, List.of("CAP_CHOWN"));
        assertEquals("SCMP_ACT_ERRNO", plain.get("defaultAction"));
        assertEquals(1L, plain.get("defaultErrnoRet"));
        if (System.getProperty("os.arch").equals("amd64")) {
            assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), plain.get("architectures"));
        }
        boolean amd64 = System.getProperty("os.arch").equals("amd64");
        // mount needs CAP_SYS_ADMIN; clone only without it; arch_prctl on amd64 (Go's arch names)
        assertEquals(amd64 ? List.of("read", "write", "clone", "arch_prctl") : List.of("read", "write", "clone"),
                names(plain));
        Map<String, Object> admin = SeccompProfiles.load(f, List.of("CAP_SYS_ADMIN"));
        assertEquals(amd64 ? List.of("read", "write", "mount", "arch_prctl") : List.of("read", "write", "mount"),
                names(admin));
    }

    @Test
    void notAProfile() throws Exception {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{\"syscalls\": []}");
        EngineException e = assertThrows(EngineException.class, () -> SeccompProfiles.load(f, List.of()));
        assertTrue(e.getMessage().contains("defaultAction"), e.getMessage());
        Files.writeString(f, "{not json");
        e = assertThrows(EngineException.class, () -> SeccompProfiles.load(f, List.of()));
        assertTrue(e.getMessage().contains("decoding seccomp profile failed"), e.getMessage());
    }
}
