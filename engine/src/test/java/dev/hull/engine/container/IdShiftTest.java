package dev.hull.engine.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** File capabilities rewritten for a remapped container's root. */
class IdShiftTest {
    private static final List<Object> MAP = List.of(Map.of("ContainerID", 0L, "HostID", 100000L, "Size", 65536L));

    @Test
    void aVersion2EntryBecomesVersion3OwnedByTheContainersRoot() {
        // cap_dac_override+ep: magic 0x02000001, permitted 0x2, inheritable 0, high words 0
        byte[] v2 = {1, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] v3 = {1, 0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xa0, (byte) 0x86, 1, 0};
        assertArrayEquals(v3, IdShift.forRoot(v2, MAP)); // rootid 100000 = 0x186a0
    }

    @Test
    void aVersion3EntrysRootIsMapped() {
        byte[] in = {0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0}; // rootid 5
        byte[] out = {0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xa5, (byte) 0x86, 1, 0};
        assertArrayEquals(out, IdShift.forRoot(in, MAP));
    }

    @Test
    void unknownVersionsAreLeftAlone() {
        byte[] v1 = {0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0};
        assertArrayEquals(v1, IdShift.forRoot(v1, MAP));
    }
}
