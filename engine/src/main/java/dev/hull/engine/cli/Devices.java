package dev.hull.engine.cli;

import dev.hull.engine.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --device HOST[:CONTAINER][:PERMISSIONS]} and {@code --device-cgroup-rule 'c 1:3 mr'}. */
public final class Devices {
    private Devices() {}

    public static List<Map<String, Object>> parse(List<String> items) throws EngineException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String d : items) {
            String[] p = d.split(":", -1);
            String host = p[0], inContainer = host, perms = "rwm";
            if (p.length == 2) {
                if (isPermissions(p[1])) {
                    perms = p[1];
                } else {
                    inContainer = p[1];
                }
            } else if (p.length == 3) {
                inContainer = p[1];
                perms = p[2];
            } else if (p.length > 3) {
                throw new EngineException("--device " + d + ": invalid device specification");
            }
            if (!isPermissions(perms)) {
                throw new EngineException("--device " + d + ": invalid device mode: " + perms);
            }
            if (!host.startsWith("/") || !inContainer.startsWith("/")) {
                throw new EngineException("--device " + d + ": device paths must be absolute");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("PathOnHost", host);
            m.put("PathInContainer", inContainer);
            m.put("CgroupPermissions", perms);
            out.add(m);
        }
        return out;
    }

    private static boolean isPermissions(String s) {
        if (s.isEmpty() || s.length() > 3) {
            return false;
        }
        for (char c : s.toCharArray()) {
            if (c != 'r' && c != 'w' && c != 'm') {
                return false;
            }
        }
        return true;
    }

    /** A host device node: its type ('c' or 'b'), major and minor; an error naming the flag otherwise. */
    public record Node(char type, long major, long minor, int mode, int uid, int gid) {}

    public static Node stat(String flag, String path) throws EngineException {
        Path p = Path.of(path);
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev,uid,gid");
            int mode = (Integer) a.get("mode");
            long rdev = (Long) a.get("rdev");
            int fmt = mode & 0170000;
            char type = fmt == 0020000 ? 'c' : fmt == 0060000 ? 'b' : 0;
            if (type == 0) {
                throw new EngineException(flag + " " + path + ": not a device node");
            }
            // glibc's gnu_dev_major/minor
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            return new Node(type, major, minor, mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"));
        } catch (IOException e) {
            throw new EngineException(flag + " " + path + ": error gathering device information while adding custom device \""
                    + path + "\": no such file or directory");
        }
    }

    /** {@code TYPE MAJOR:MINOR PERMS} with '*' for any number, as the devices cgroup takes it. */
    public static String checkRule(String rule) throws EngineException {
        String[] p = rule.trim().split("\\s+");
        boolean ok = p.length == 3 && (p[0].equals("a") || p[0].equals("b") || p[0].equals("c"))
                && isPermissions(p[2]);
        if (ok) {
            String[] mm = p[1].split(":", -1);
            ok = mm.length == 2 && number(mm[0]) && number(mm[1]);
        }
        if (!ok) {
            throw new EngineException("--device-cgroup-rule '" + rule + "': invalid device cgroup format (e.g. 'c 1:3 mr')");
        }
        return rule.trim();
    }

    private static boolean number(String s) {
        if (s.equals("*")) {
            return true;
        }
        if (s.isEmpty()) {
            return false;
        }
        for (char c : s.toCharArray()) {
            if (!Character.isDigit(c)) {
                return false;
            }
        }
        return true;
    }
}
