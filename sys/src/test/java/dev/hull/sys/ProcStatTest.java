package dev.hull.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcStatTest {

    /** A stat line as the kernel writes it: fields 3..52 after "pid (comm)". */
    private static String line(long pid, String comm, char state, long ppid, long start) {
        return pid + " (" + comm + ") " + state + " " + ppid + " " + pid + " " + pid
                + " 34816 " + pid + " 4194560 1234 0 5 0 17 3 0 0 20 0 1 0 " + start
                + " 9183232 700 18446744073709551615 1 1 0 0 0 0 0 3670020 1266777851 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    }

    @Test
    void plainCommand() {
        ProcStat st = ProcStat.parse(line(4242, "sleep", 'S', 1, 987654), 4242);
        assertEquals(new ProcStat(4242, 'S', 1, 987654), st);
        assertTrue(st.alive());
    }

    @ParameterizedTest
    @ValueSource(strings = {"my prog", "a) S 1 2 3 (b", "((", ")", ") Z 99 99", "x (y) z", " ", ""})
    void commWithSpacesAndParentheses(String comm) {
        // the fields after the command are found from the last ')', so nothing in comm misleads it
        ProcStat st = ProcStat.parse(line(17, comm, 'R', 3, 5555), 17);
        assertEquals(new ProcStat(17, 'R', 3, 5555), st);
    }

    @ParameterizedTest
    @ValueSource(chars = {'Z', 'X', 'x'})
    void deadStatesAreNotAlive(char state) {
        ProcStat st = ProcStat.parse(line(9, "defunct", state, 1, 100), 9);
        assertEquals(state, st.state());
        assertFalse(st.alive());
    }

    @ParameterizedTest
    @ValueSource(chars = {'R', 'S', 'D', 'T', 't', 'I', 'P'})
    void livingStates(char state) {
        assertTrue(ProcStat.parse(line(9, "p", state, 1, 100), 9).alive());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "12 (comm", "12 (comm)", "12 (comm) ", "12 (comm) S 1 2 3"})
    void malformedLinesGiveNull(String text) {
        assertNull(ProcStat.parse(text, 12));
    }

    @Test
    void ownProcess() {
        long me = ProcessHandle.current().pid();
        ProcStat st = ProcStat.read(me);
        assertNotNull(st);
        assertEquals(me, st.pid());
        assertTrue(st.alive());
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), st.ppid());
        assertTrue(st.startTime() > 0);
        // stable: the start time is what tells this process from a later one with the same pid
        assertEquals(st.startTime(), ProcStat.read(me).startTime());
    }

    @Test
    void missingProcessOrFile(@TempDir Path dir) throws Exception {
        assertNull(ProcStat.read(Path.of("/proc/0/stat"), 0));
        assertNull(ProcStat.read(dir.resolve("nope"), 1));
        Path f = dir.resolve("stat");
        Files.writeString(f, line(5, "from file", 'Z', 2, 77));
        assertEquals(new ProcStat(5, 'Z', 2, 77), ProcStat.read(f, 5));
    }
}
