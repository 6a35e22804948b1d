import dev.hull.runtime.security.DefaultSeccompProfile;
import dev.hull.spec.SeccompJson;
import dev.hull.spec.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Prints the config.json given as the argument with Hull's default seccomp profile (for the
 * config's bounding capabilities) as linux.seccomp, so that bench/run.sh times the three
 * runtimes on the same filter. Run with the source launcher:
 * java -cp $HULL_CP bench/WithDefaultSeccomp.java FILE
 */
public class WithDefaultSeccomp {
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        Map<String, Object> config = (Map<String, Object>) Json.parse(Files.readString(Path.of(args[0])));
        Map<String, Object> process = (Map<String, Object>) config.get("process");
        List<String> caps = (List<String>) ((Map<String, Object>) process.get("capabilities")).get("bounding");
        Map<String, Object> linux = (Map<String, Object>) config.get("linux");
        linux.put("seccomp", SeccompJson.toJson(DefaultSeccompProfile.get().forContainer(caps)));
        System.out.println(Json.writePretty(config, "\t"));
    }
}
