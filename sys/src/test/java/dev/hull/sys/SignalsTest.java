package dev.hull.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignalsTest {

    @ParameterizedTest
    @CsvSource({
        "KILL, 9", "SIGKILL, 9", "sigkill, 9", "Kill, 9", "9, 9", "' 15 ', 15", "TERM, 15", "HUP, 1",
        "INT, 2", "QUIT, 3", "USR1, 10", "USR2, 12", "CHLD, 17", "CONT, 18", "STOP, 19", "WINCH, 28",
        "SYS, 31", "SIGSYS, 31", "PWR, 30", "IOT, 6", "SIGIOT, 6", "ABRT, 6", "POLL, 29", "IO, 29",
        "STKFLT, 16", "1, 1", "64, 64", "34, 34",
        "RTMIN, 34", "SIGRTMIN, 34", "RTMIN+0, 34", "RTMIN+1, 35", "RTMIN+2, 36", "sigrtmin+30, 64",
        "RTMAX, 64", "SIGRTMAX, 64", "RTMAX-1, 63", "SIGRTMAX-30, 34",
    })
    void parse(String text, int number) {
        assertEquals(number, Signals.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "0", "65", "100", "99999999999999", "-9", "FOO", "SIG", "SIGFOO",
        "RTMIN-1", "RTMIN+31", "RTMAX+1", "SIGRTMAX-31", "RTMIN+", "RTMIN+x", "KILL9", "9x"})
    void invalid(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signals.parse(text));
        assertTrue(e.getMessage().contains("invalid signal \"" + text + "\""), e.getMessage());
    }

    @Test
    void names() {
        assertEquals("SIGKILL", Signals.name(9));
        assertEquals("SIGHUP", Signals.name(1));
        assertEquals("SIGSYS", Signals.name(31));
        assertEquals("SIGRTMIN", Signals.name(34));
        assertEquals("SIGRTMIN+2", Signals.name(36));
        assertEquals("SIGRTMIN+30", Signals.name(64));
        assertEquals("signal 0", Signals.name(0));
        assertEquals("signal 32", Signals.name(32));
        assertEquals("signal 33", Signals.name(33));
        assertEquals("signal 65", Signals.name(65));
        assertEquals("signal -1", Signals.name(-1));
    }

    @Test
    void everyNameParsesBack() {
        for (int n = 1; n <= 64; n++) {
            if (n == 32 || n == 33) {
                continue; // glibc's own
            }
            assertEquals(n, Signals.parse(Signals.name(n)), Signals.name(n));
            assertEquals(n, Signals.parse(Integer.toString(n)));
        }
    }

    @Test
    void constants() {
        assertEquals(Signals.SIGHUP, Signals.parse("HUP"));
        assertEquals(Signals.SIGINT, Signals.parse("INT"));
        assertEquals(Signals.SIGQUIT, Signals.parse("QUIT"));
        assertEquals(Signals.SIGKILL, Signals.parse("KILL"));
        assertEquals(Signals.SIGUSR1, Signals.parse("USR1"));
        assertEquals(Signals.SIGUSR2, Signals.parse("USR2"));
        assertEquals(Signals.SIGTERM, Signals.parse("TERM"));
        assertEquals(Signals.SIGCONT, Signals.parse("CONT"));
        assertEquals(Signals.SIGSTOP, Signals.parse("STOP"));
        assertEquals(Signals.SIGWINCH, Signals.parse("WINCH"));
    }
}
