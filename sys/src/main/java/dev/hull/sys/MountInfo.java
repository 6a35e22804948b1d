package dev.hull.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One line of /proc/&lt;pid&gt;/mountinfo (proc(5)); paths are unescaped. */
public record MountInfo(
        int id,
        int parentId,
        String device,
        String root,
        String mountPoint,
        String options,
        List<String> optionalFields,
        String fsType,
        String source,
        String superOptions) {

    public static List<MountInfo> self() throws IOException {
        return read(Path.of("/proc/self/mountinfo"));
    }

    public static List<MountInfo> read(Path file) throws IOException {
        return parse(KernelFiles.read(file));
    }

    public static List<MountInfo> parse(String text) {
        List<MountInfo> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            int sep = 6;
            while (sep < f.length && !f[sep].equals("-")) {
                sep++;
            }
            if (sep + 2 >= f.length) {
                continue;
            }
            List<String> optional = new ArrayList<>();
            for (int i = 6; i < sep; i++) {
                optional.add(f[i]);
            }
            out.add(new MountInfo(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2],
                    unescape(f[3]), unescape(f[4]), f[5], List.copyOf(optional), f[sep + 1],
                    unescape(f[sep + 2]), sep + 3 < f.length ? f[sep + 3] : ""));
        }
        return out;
    }

    /** The kernel writes space, tab, newline and backslash as \040, \011, \012, \134. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }

    /** The mount whose mount point is the longest prefix of path (the mount holding it). */
    public static MountInfo containing(List<MountInfo> mounts, String path) {
        MountInfo best = null;
        for (MountInfo m : mounts) {
            String mp = m.mountPoint();
            boolean under = path.equals(mp) || mp.equals("/")
                    || path.startsWith(mp.endsWith("/") ? mp : mp + "/");
            if (under && (best == null || mp.length() >= best.mountPoint().length())) {
                best = m; // later lines win on equal length: they are mounted on top
            }
        }
        return best;
    }
}
