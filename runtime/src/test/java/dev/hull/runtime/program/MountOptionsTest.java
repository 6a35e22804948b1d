package dev.hull.runtime.program;

import static dev.hull.runtime.program.LinuxConstants.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class MountOptionsTest {

    private static MountOptions parse(String... options) {
        return MountOptions.parse(List.of(options));
    }

    /** runc's mount flag table (libcontainer/specconv): option, sets (true) or clears, flag. */
    static List<Arguments> flagTable() {
        return List.of(
                Arguments.of("acl", true, MS_POSIXACL),
                Arguments.of("async", false, MS_SYNCHRONOUS),
                Arguments.of("atime", false, MS_NOATIME),
                Arguments.of("bind", true, MS_BIND),
                Arguments.of("dev", false, MS_NODEV),
                Arguments.of("diratime", false, MS_NODIRATIME),
                Arguments.of("dirsync", true, MS_DIRSYNC),
                Arguments.of("exec", false, MS_NOEXEC),
                Arguments.of("iversion", true, MS_I_VERSION),
                Arguments.of("lazytime", true, MS_LAZYTIME),
                Arguments.of("loud", false, MS_SILENT),
                Arguments.of("mand", true, MS_MANDLOCK),
                Arguments.of("noacl", false, MS_POSIXACL),
                Arguments.of("noatime", true, MS_NOATIME),
                Arguments.of("nodev", true, MS_NODEV),
                Arguments.of("nodiratime", true, MS_NODIRATIME),
                Arguments.of("noexec", true, MS_NOEXEC),
                Arguments.of("noiversion", false, MS_I_VERSION),
                Arguments.of("nolazytime", false, MS_LAZYTIME),
                Arguments.of("nomand", false, MS_MANDLOCK),
                Arguments.of("norelatime", false, MS_RELATIME),
                Arguments.of("nostrictatime", false, MS_STRICTATIME),
                Arguments.of("nosuid", true, MS_NOSUID),
                Arguments.of("nosymfollow", true, MS_NOSYMFOLLOW),
                Arguments.of("rbind", true, MS_BIND | MS_REC),
                Arguments.of("relatime", true, MS_RELATIME),
                Arguments.of("remount", true, MS_REMOUNT),
                Arguments.of("ro", true, MS_RDONLY),
                Arguments.of("rw", false, MS_RDONLY),
                Arguments.of("silent", true, MS_SILENT),
                Arguments.of("strictatime", true, MS_STRICTATIME),
                Arguments.of("suid", false, MS_NOSUID),
                Arguments.of("sync", true, MS_SYNCHRONOUS),
                Arguments.of("symfollow", false, MS_NOSYMFOLLOW));
    }

    @ParameterizedTest
    @MethodSource("flagTable")
    void flag(String option, boolean sets, long flag) {
        MountOptions o = parse(option);
        assertEquals(sets ? flag : 0, o.flags(), option);
        assertEquals(sets ? 0 : flag, o.clearFlags(), option);
        assertEquals("", o.data(), option + " is not data");
        assertEquals(0, o.propagation());
        assertEquals(0, o.attrSet());
        assertEquals(0, o.attrClr());
        assertFalse(o.tmpcopyup());
    }

    static List<Arguments> propagationTable() {
        return List.of(
                Arguments.of("private", MS_PRIVATE), Arguments.of("rprivate", MS_PRIVATE | MS_REC),
                Arguments.of("shared", MS_SHARED), Arguments.of("rshared", MS_SHARED | MS_REC),
                Arguments.of("slave", MS_SLAVE), Arguments.of("rslave", MS_SLAVE | MS_REC),
                Arguments.of("unbindable", MS_UNBINDABLE), Arguments.of("runbindable", MS_UNBINDABLE | MS_REC));
    }

    @ParameterizedTest
    @MethodSource("propagationTable")
    void propagation(String option, long flags) {
        MountOptions o = parse(option);
        assertEquals(flags, o.propagation(), option);
        assertEquals(0, o.flags());
        assertEquals("", o.data());
    }

    /** The "r*" options of mount_setattr(2): set, clear (atime is a field: set with __ATIME cleared). */
    static List<Arguments> recursiveTable() {
        return List.of(
                Arguments.of("rro", MOUNT_ATTR_RDONLY, 0L),
                Arguments.of("rrw", 0L, MOUNT_ATTR_RDONLY),
                Arguments.of("rnosuid", MOUNT_ATTR_NOSUID, 0L),
                Arguments.of("rsuid", 0L, MOUNT_ATTR_NOSUID),
                Arguments.of("rnodev", MOUNT_ATTR_NODEV, 0L),
                Arguments.of("rdev", 0L, MOUNT_ATTR_NODEV),
                Arguments.of("rnoexec", MOUNT_ATTR_NOEXEC, 0L),
                Arguments.of("rexec", 0L, MOUNT_ATTR_NOEXEC),
                Arguments.of("rnodiratime", MOUNT_ATTR_NODIRATIME, 0L),
                Arguments.of("rdiratime", 0L, MOUNT_ATTR_NODIRATIME),
                Arguments.of("rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
                Arguments.of("rnorelatime", 0L, MOUNT_ATTR__ATIME),
                Arguments.of("rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME),
                Arguments.of("ratime", 0L, MOUNT_ATTR__ATIME),
                Arguments.of("rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME),
                Arguments.of("rnostrictatime", 0L, MOUNT_ATTR__ATIME),
                Arguments.of("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0L),
                Arguments.of("rsymfollow", 0L, MOUNT_ATTR_NOSYMFOLLOW));
    }

    @ParameterizedTest
    @MethodSource("recursiveTable")
    void recursiveAttributes(String option, long set, long clr) {
        MountOptions o = parse(option);
        assertEquals(set, o.attrSet(), option + " set");
        assertEquals(clr, o.attrClr(), option + " clear");
        assertEquals(0, o.flags());
        assertEquals(0, o.clearFlags());
        assertEquals("", o.data());
    }

    @Test
    void constantsAreTheKernels() {
        assertEquals(0x1000, MS_BIND);
        assertEquals(0x4000, MS_REC);
        assertEquals(0x20, MS_REMOUNT);
        assertEquals(0x40000, MS_PRIVATE);
        assertEquals(0x80000, MS_SLAVE);
        assertEquals(0x100000, MS_SHARED);
        assertEquals(0x20000, MS_UNBINDABLE);
        assertEquals(0x200000, MS_RELATIME);
        assertEquals(0x1000000, MS_STRICTATIME);
        assertEquals(0x2000000, MS_LAZYTIME);
        assertEquals(0x800000, MS_I_VERSION);
        assertEquals(0x10000, MS_POSIXACL);
        assertEquals(0x100, MS_NOSYMFOLLOW);
        assertEquals(0x200000, MOUNT_ATTR_NOSYMFOLLOW);
    }

    @Test
    void dataStringPassthrough() {
        MountOptions o = parse("nosuid", "strictatime", "mode=755", "size=65536k", "newinstance", "ptmxmode=0666",
                "gid=5", "upperdir=/a,b", "x");
        assertEquals(MS_NOSUID | MS_STRICTATIME, o.flags());
        assertEquals("mode=755,size=65536k,newinstance,ptmxmode=0666,gid=5,upperdir=/a,b,x", o.data());
    }

    @Test
    void defaultsIsNothing() {
        MountOptions o = parse("defaults");
        assertEquals(new MountOptions(0, 0, 0, 0, 0, "", false), o);
    }

    @Test
    void noOptions() {
        assertEquals(new MountOptions(0, 0, 0, 0, 0, "", false), MountOptions.parse(List.of()));
    }

    @Test
    void unknownOptionsAreDataEvenWhenTheyLookLikeFlags() {
        assertEquals("RO,noro,", parse("RO", "noro", "").data());
    }

    @Test
    void combined() {
        MountOptions o = parse("rbind", "nosuid", "nodev", "ro", "rslave", "rro", "rnoexec", "tmpcopyup", "uid=0");
        assertEquals(MS_BIND | MS_REC | MS_NOSUID | MS_NODEV | MS_RDONLY, o.flags());
        assertTrue(o.bind());
        assertEquals(MS_SLAVE | MS_REC, o.propagation());
        assertEquals(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC, o.attrSet());
        assertTrue(o.tmpcopyup());
        assertEquals("uid=0", o.data());
    }

    @Test
    void lastPropagationWins() {
        assertEquals(MS_PRIVATE, parse("rshared", "private").propagation());
    }

    /** runc applies the options in order: a later one undoes an earlier opposite one. */
    @Test
    void laterOptionWins() {
        MountOptions rwRo = parse("rw", "ro");
        assertEquals(MS_RDONLY, rwRo.flags());
        assertEquals(0, rwRo.clearFlags());
        MountOptions roRw = parse("ro", "rw");
        assertEquals(0, roRw.flags());
        assertEquals(MS_RDONLY, roRw.clearFlags());
        assertEquals(MS_NOSUID, parse("suid", "nosuid").flags());
        assertEquals(0, parse("nosuid", "suid").flags());
        assertEquals(MS_NODEV | MS_NOEXEC, parse("nodev", "exec", "noexec").flags());

        MountOptions rroRrw = parse("rro", "rrw");
        assertEquals(0, rroRrw.attrSet());
        assertEquals(MOUNT_ATTR_RDONLY, rroRrw.attrClr());
        MountOptions rrwRro = parse("rrw", "rro");
        assertEquals(MOUNT_ATTR_RDONLY, rrwRro.attrSet());
        assertEquals(0, rrwRro.attrClr());
        assertEquals(MOUNT_ATTR_NOEXEC, parse("rexec", "rnoexec").attrSet());
        assertEquals(0, parse("rexec", "rnoexec").attrClr());
        // atime is one field of mount_setattr(2): the last setting is the only one
        MountOptions atime = parse("rnoatime", "rstrictatime");
        assertEquals(MOUNT_ATTR_STRICTATIME, atime.attrSet());
        assertEquals(MOUNT_ATTR__ATIME, atime.attrClr());
        assertEquals(0, parse("rnoatime", "ratime").attrSet());
        assertEquals(MOUNT_ATTR__ATIME, parse("rnoatime", "ratime").attrClr());
        MountOptions mixed = parse("rro", "rnoatime", "rrelatime", "rnosuid");
        assertEquals(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_RELATIME, mixed.attrSet());
        assertEquals(MOUNT_ATTR__ATIME, mixed.attrClr());
    }

    @Test
    void bindNeedsTheBindFlag() {
        assertTrue(parse("bind").bind());
        assertTrue(parse("rbind").bind());
        assertFalse(parse("ro", "remount").bind());
    }
}
