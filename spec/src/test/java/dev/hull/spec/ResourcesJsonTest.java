package dev.hull.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hull.spec.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** linux.resources written back to JSON (kept in a container's state) reads back the same. */
class ResourcesJsonTest {
    static final long U64_MAX = -1L;                 // 2^64-1 as the 64 bits of a long
    static final long U64_HIGH = Long.MIN_VALUE;     // 2^63
    static final long U32_MAX = 4294967295L;

    static Resources roundTrip(Resources r) throws SpecException {
        String json = Json.write(ResourcesJson.toJson(r));
        return SpecParser.parseResources(json.getBytes(StandardCharsets.UTF_8), "state");
    }

    /** Every member set, unsigned ones at 2^64-1 and 2^63, signed ones at their extremes. */
    static Resources rich() {
        Map<String, Resources.Rdma> rdma = new LinkedHashMap<>();
        rdma.put("mlx4_0", new Resources.Rdma(U32_MAX, 0L));
        rdma.put("mlx5_1", new Resources.Rdma(3L, null));
        Map<String, String> unified = new LinkedHashMap<>();
        unified.put("memory.high", "max");
        unified.put("io.max", "8:0 rbps=1\n8:16 wbps=2\n");
        return new Resources(
                List.of(new Resources.DeviceRule(false, null, null, null, "rwm"),
                        new Resources.DeviceRule(true, "c", 1L, 3L, "rwm"),
                        new Resources.DeviceRule(true, "b", -1L, Long.MAX_VALUE, null),
                        new Resources.DeviceRule(false, "a", Long.MIN_VALUE, -1L, "m")),
                new Resources.Memory(Long.MAX_VALUE, -1L, Long.MIN_VALUE, 0L, 1L, U64_MAX, true, false, true),
                new Resources.Cpu(U64_MAX, Long.MIN_VALUE, U64_HIGH, U64_MAX, Long.MAX_VALUE, U64_HIGH, "0-3,7", "0",
                        -1L),
                new Resources.Pids(Long.MIN_VALUE),
                new Resources.BlockIO(65535, 10,
                        List.of(new Resources.WeightDevice(8, 0, 65535, null),
                                new Resources.WeightDevice(Long.MAX_VALUE, -1, null, 1)),
                        List.of(new Resources.ThrottleDevice(8, 0, U64_MAX)),
                        List.of(new Resources.ThrottleDevice(8, 16, U64_HIGH), new Resources.ThrottleDevice(8, 0, 0)),
                        List.of(new Resources.ThrottleDevice(-1, -1, 1)),
                        List.of(new Resources.ThrottleDevice(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE))),
                List.of(new Resources.HugepageLimit("2MB", U64_MAX), new Resources.HugepageLimit("1GB", U64_HIGH),
                        new Resources.HugepageLimit("64KB", 0)),
                new Resources.Network(U32_MAX, List.of(new Resources.Priority("eth0", U32_MAX),
                        new Resources.Priority("lo", 0))),
                rdma,
                unified);
    }

    @Test
    void richSampleReadsBackEqual() throws SpecException {
        Resources r = rich();
        assertEquals(r, roundTrip(r));
        assertEquals(r, roundTrip(roundTrip(r)));
    }

    @Test
    void unsignedExtremesAreWrittenAsUnsigned() {
        String json = Json.write(ResourcesJson.toJson(rich()));
        for (String s : new String[] {"\"swappiness\":18446744073709551615", "\"shares\":18446744073709551615",
                "\"burst\":9223372036854775808", "\"rate\":18446744073709551615", "\"limit\":18446744073709551615",
                "\"quota\":-9223372036854775808", "\"classID\":4294967295"}) {
            assertEquals(true, json.contains(s), s + " in " + json);
        }
    }

    /** Absent members stay absent: null is not 0, an empty list is not written. */
    @Test
    void absentStaysAbsent() throws SpecException {
        assertEquals(Map.of(), ResourcesJson.toJson(Resources.EMPTY));
        assertEquals(Resources.EMPTY, roundTrip(Resources.EMPTY));
        Resources sparse = new Resources(null,
                new Resources.Memory(null, null, null, null, null, null, null, null, null),
                new Resources.Cpu(null, null, null, null, null, null, null, null, null),
                new Resources.Pids(null),
                new Resources.BlockIO(null, null, null, null, null, null, null),
                null, new Resources.Network(null, null), null, null);
        assertEquals("{\"memory\":{},\"cpu\":{},\"pids\":{},\"blockIO\":{},\"network\":{}}",
                Json.write(ResourcesJson.toJson(sparse)));
        assertEquals(sparse, roundTrip(sparse));
    }

    @Test
    void zeroesAreKept() throws SpecException {
        Resources zero = new Resources(null,
                new Resources.Memory(0L, 0L, 0L, 0L, 0L, 0L, false, false, false),
                new Resources.Cpu(0L, 0L, 0L, 0L, 0L, 0L, "", "", 0L),
                new Resources.Pids(0L),
                new Resources.BlockIO(0, 0, null, null, null, null, null),
                null, new Resources.Network(0L, null), null, null);
        assertEquals(zero, roundTrip(zero));
    }
}
