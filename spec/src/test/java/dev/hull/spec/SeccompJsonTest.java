package dev.hull.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hull.spec.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompJsonTest {
    @Test
    void writesWhatTheParserReads() throws Exception {
        Seccomp s = new Seccomp("SCMP_ACT_ERRNO", 1L, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"),
                List.of("SECCOMP_FILTER_FLAG_LOG"), null, null, List.of(
                        new Seccomp.Syscall(List.of("read", "write"), "SCMP_ACT_ALLOW", null, null),
                        new Seccomp.Syscall(List.of("clone3"), "SCMP_ACT_ERRNO", 38L, null),
                        new Seccomp.Syscall(List.of("clone"), "SCMP_ACT_ALLOW", null,
                                List.of(new Seccomp.Arg(0, 0x7e020000L, 0, "SCMP_CMP_MASKED_EQ"))),
                        new Seccomp.Syscall(List.of("personality"), "SCMP_ACT_ALLOW", null,
                                List.of(new Seccomp.Arg(0, -1L, -2L, "SCMP_CMP_EQ")))));
        String json = Json.write(SeccompJson.toJson(s));
        assertEquals("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
                + "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
                + "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                + "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
                + "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,"
                + "\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
                + "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
                + "\"value\":18446744073709551615,\"valueTwo\":18446744073709551614,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                json);
        String config = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":" + json + "}}";
        assertEquals(s, SpecParser.parse(config.getBytes(StandardCharsets.UTF_8)).linux().seccomp());
    }

    @Test
    void minimal() {
        assertEquals("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
                Json.write(SeccompJson.toJson(new Seccomp("SCMP_ACT_ALLOW", null, null, null, null, null, null))));
    }
}
