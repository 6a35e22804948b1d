package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * config-linux.md (runtime-spec 1.2): namespaces, devices, cgroups path, unified, Intel RDT,
 * seccomp, masked/readonly paths. One test per clause not already covered by another IT (see
 * conformance/clauses.tsv).
 */
class LinuxConfigSpecIT extends SpecClauseTest {

    // "[namespaces[].path] This value MUST be an absolute path in the runtime mount namespace."
    @Test
    void aRelativeNamespacePathIsAnError() {
        TestBundle b = bundle();
        b.namespace("network", "proc/self/ns/net");
        refused(b, ".path: must be an absolute path, got \"proc/self/ns/net\"");
    }

    // "The runtime MUST generate an error if path is not associated with a namespace of type type."
    @Test
    void aNamespacePathOfAnotherTypeIsAnError() {
        TestBundle b = bundle();
        b.config.remove("hostname");
        b.namespace("uts", "/proc/" + ProcessHandle.current().pid() + "/ns/net");
        refused(b, "EINVAL");
    }

    // "If a namespaces field contains duplicated namespaces with same type, the runtime MUST
    // generate an error."
    @Test
    void aDuplicateNamespaceTypeIsAnError() {
        TestBundle b = bundle();
        b.namespaces().add(TestBundle.obj("type", "pid"));
        b.write();
        refused(b, "linux.namespaces: duplicate namespace type \"pid\"");
    }

    // "If a file already exists at path that does not match the requested device, the runtime
    // MUST generate an error." (runc 1.1 keeps the file silently)
    @Test
    void aDeviceOverADifferentFileIsAnError() throws Exception {
        TestBundle b = bundle();
        Files.writeString(b.rootfs.resolve("etc/notadevice"), "data");
        b.set("linux.devices", List.of(TestBundle.obj("path", "/etc/notadevice", "type", "c", "major", 1,
                "minor", 3, "fileMode", 438, "uid", 0, "gid", 0)));
        refused(b, "device /etc/notadevice: a different file is already there: EEXIST");
        assertEquals("data", Files.readString(b.rootfs.resolve("etc/notadevice")), "the file is untouched");
    }

    // the same device already there (an image that ships its nodes) is not a mismatch
    @Test
    void aDeviceOverTheSameNodeIsFine() throws Exception {
        TestBundle b = bundle();
        b.set("linux.devices", List.of(TestBundle.obj("path", "/dev/fuse2", "type", "c", "major", 1,
                "minor", 3, "fileMode", 438, "uid", 0, "gid", 0),
                TestBundle.obj("path", "/dev/fuse2", "type", "c", "major", 1, "minor", 3, "fileMode", 438,
                "uid", 0, "gid", 0)));
        b.sh("stat -c '%t:%T' /dev/fuse2");
        assertEquals("1:3\n", runOut(b));
    }

    // "In the case of an absolute path (starting with /), the runtime MUST take the path to be
    // relative to the cgroups mount point." and "If the value is specified, the runtime MUST
    // consistently attach to the same place in the cgroups hierarchy given the same value."
    @Test
    void anAbsoluteCgroupsPathIsUnderTheMountPointAndTheSameEachTime() {
        String name = newId();
        for (int i = 0; i < 2; i++) {
            TestBundle b = bundle();
            b.set("linux.cgroupsPath", "/" + name);
            b.namespaces().removeIf(o -> "cgroup".equals(((java.util.Map<?, ?>) o).get("type")));
            b.write();
            b.sh("cat /proc/self/cgroup");
            String cg = runOut(b);
            assertTrue(cg.contains(":pids:/" + name + "\n") || cg.contains("0::/" + name + "\n"), cg);
        }
    }

    // "The runtime MUST generate an error when the configuration refers to a cgroup controller
    // that is not present or that cannot be enabled." (unified)
    @Test
    void aUnifiedKeyOfAMissingControllerIsAnError() {
        TestBundle b = bundle();
        b.set("linux.resources.unified", TestBundle.obj("nosuch.max", "1"));
        refused(b, "linux.resources.unified[\"nosuch.max\"]");
    }

    // "If no mounted resctrl pseudo-filesystem is available in the runtime mount namespace, the
    // runtime MUST generate an error." Hull has no resctrl support: any intelRdt is refused.
    @Test
    void intelRdtIsAnErrorWithoutResctrlSupport() {
        TestBundle b = bundle();
        b.set("linux.intelRdt", TestBundle.obj("closID", "guaranteed_group"));
        refused(b, "linux.intelRdt: Intel RDT (resctrl) is not supported");
    }

    // "[errnoRet] When the action doesn't support an errno, the runtime MUST print and error and fail."
    @Test
    void errnoRetWithAnActionWithoutErrnoIsAnError() {
        TestBundle b = bundle();
        b.set("linux.seccomp", TestBundle.obj("defaultAction", "SCMP_ACT_ALLOW", "syscalls",
                List.of(TestBundle.obj("names", List.of("getcwd"), "action", "SCMP_ACT_LOG", "errnoRet", 5))));
        refused(b, "linux.seccomp.syscalls[0].errnoRet: action \"SCMP_ACT_LOG\" returns no errno");
        b.set("linux.seccomp", TestBundle.obj("defaultAction", "SCMP_ACT_ALLOW", "defaultErrnoRet", 3));
        refused(b, "linux.seccomp.defaultErrnoRet: defaultAction \"SCMP_ACT_ALLOW\" returns no errno");
    }

    // "names MUST contain at least one entry."
    @Test
    void aSeccompRuleWithoutNamesIsAnError() {
        TestBundle b = bundle();
        b.set("linux.seccomp", TestBundle.obj("defaultAction", "SCMP_ACT_ALLOW", "syscalls",
                List.of(TestBundle.obj("names", List.of(), "action", "SCMP_ACT_ERRNO"))));
        refused(b, "linux.seccomp.syscalls[0].names: must contain at least one name");
    }

    // "[listenerMetadata] This field MUST NOT be set if listenerPath is not set."
    @Test
    void listenerMetadataWithoutListenerPathIsAnError() {
        TestBundle b = bundle();
        b.set("linux.seccomp", TestBundle.obj("defaultAction", "SCMP_ACT_ALLOW", "listenerMetadata", "x"));
        refused(b, "linux.seccomp.listenerMetadata: set without listenerPath");
    }

    // maskedPaths / readonlyPaths: "The values MUST be absolute paths in the container namespace."
    // (runc 1.1 accepts relative ones)
    @ParameterizedTest
    @ValueSource(strings = {"maskedPaths", "readonlyPaths"})
    void maskedAndReadonlyPathsMustBeAbsolute(String member) {
        TestBundle b = bundle();
        b.set("linux." + member, List.of("proc/kcore"));
        refused(b, "linux." + member + "[0]: must be an absolute path, got \"proc/kcore\"");
    }

}
