package dev.hull.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlatformTest {

    @Test
    void parsesOsArchAndVariantInTheOciSpelling() {
        assertEquals(new Platform("linux", "arm64", "v8"), Platform.parse("--platform", "linux/aarch64/v8"));
        assertEquals(new Platform("linux", "amd64", null), Platform.parse("--platform", "Linux/x86_64"));
        assertEquals(new Platform("linux", Platform.host().architecture(), null), Platform.parse("--platform", "linux"));
        assertEquals("linux/arm/v7", Platform.parse("--platform", "linux/arm/v7").toString());
    }

    @Test
    void refusesWhatIsNotOsArchVariant() {
        for (String bad : new String[] {"", "linux/", "linux//v8", "/amd64", "a/b/c/d", "linux/amd 64"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Platform.parse("--platform", bad));
            assertTrue(e.getMessage().startsWith("--platform " + bad + ": expected OS[/ARCH[/VARIANT]]"), e.getMessage());
        }
    }

    @Test
    void matchesAnImageByOsAndArchitecture() {
        Platform p = Platform.parse("--platform", "linux/arm64/v8");
        assertTrue(p.matches("linux", "arm64"));
        assertTrue(p.matches("linux", "aarch64"));
        assertFalse(p.matches("linux", "amd64"));
        assertFalse(p.matches("windows", "arm64"));
        assertTrue(Platform.parse("--platform", "linux/amd64").matches(null, "amd64"));
    }
}
