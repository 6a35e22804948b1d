package dev.hull.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** update's sizes as go-units' RAMInBytes reads them (binary units, case-insensitive), and runc's "-1". */
class UnitsTest {
    @ParameterizedTest
    @CsvSource({
            "1024, 1024",
            "0, 0",
            "-1, -1",
            "512m, 536870912",
            "512M, 536870912",
            "512mb, 536870912",
            "512MiB, 536870912",
            "1.5g, 1610612736",
            "1GiB, 1073741824",
            "1gb, 1073741824",
            "64k, 65536",
            "64KB, 65536",
            "2t, 2199023255552",
            "1p, 1125899906842624",
            "100b, 100",
            "100B, 100",
            "0.5k, 512",
            "1.9, 1",
            "'1 m', 1048576",
            "'  2g ', 2147483648"})
    void sizes(String text, long bytes) throws Args.UsageException {
        assertEquals(bytes, Units.ramInBytes("memory", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "m", "lots", "-2", "-1m", "1x", "1e3", "1..5m", "1mi", "1i", "1ib", "1kbb", "1mbi",
            "1 mm", "--1"})
    void invalid(String text) {
        assertEquals("--memory-swap: invalid size \"" + text + "\"",
                assertThrows(Args.UsageException.class, () -> Units.ramInBytes("memory-swap", text)).getMessage());
    }
}
