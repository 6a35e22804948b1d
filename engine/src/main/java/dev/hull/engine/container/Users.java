package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import dev.hull.runtime.rootfs.RootfsPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code -u name|uid[:gid|group]} and {@code --group-add}, resolved in the image's /etc/passwd
 * and /etc/group as Docker does (moby/sys/user): a uid that has no entry still works (its group is
 * then 0), a name that has none is an error; a user found in passwd gets the groups that list it.
 * The files are read inside the rootfs: a symlink cannot lead the lookup out of it.
 */
public final class Users {
    private Users() {}

    public record User(long uid, long gid, List<Long> additionalGids, String home) {}

    private record Entry(String name, long id, long gid, String home, List<String> members) {}

    public static User resolve(Path rootfs, String spec, List<String> groupAdd) throws EngineException {
        List<Entry> passwd = read(rootfs, "/etc/passwd", true);
        List<Entry> groups = read(rootfs, "/etc/group", false);
        String u = spec == null || spec.isEmpty() ? "0" : spec;
        String userPart = u, groupPart = null;
        int colon = u.indexOf(':');
        if (colon >= 0) {
            userPart = u.substring(0, colon);
            groupPart = u.substring(colon + 1);
        }
        Entry found = null;
        long uid;
        if (isNumber(userPart)) {
            uid = parseId("--user", u, userPart);
            for (Entry e : passwd) {
                if (e.id() == uid) {
                    found = e;
                    break;
                }
            }
        } else {
            for (Entry e : passwd) {
                if (e.name().equals(userPart)) {
                    found = e;
                    break;
                }
            }
            if (found == null) {
                throw new EngineException("unable to find user " + userPart + ": no matching entries in passwd file");
            }
            uid = found.id();
        }
        long gid = found != null ? found.gid() : 0;
        if (groupPart != null && !groupPart.isEmpty()) {
            gid = group(groups, groupPart, "unable to find group " + groupPart + ": no matching entries in group file");
        }
        List<Long> extra = new ArrayList<>();
        if (found != null && groupPart == null) {
            for (Entry g : groups) {
                if (g.members().contains(found.name()) && g.id() != gid && !extra.contains(g.id())) {
                    extra.add(g.id());
                }
            }
        }
        for (String g : groupAdd) {
            long id = group(groups, g, "Unable to find group " + g + ": no matching entries in group file");
            if (!extra.contains(id)) {
                extra.add(id);
            }
        }
        return new User(uid, gid, extra, found != null && !found.home().isEmpty() ? found.home() : "/");
    }

    private static long group(List<Entry> groups, String g, String missing) throws EngineException {
        if (isNumber(g)) {
            return parseId("--user", g, g);
        }
        for (Entry e : groups) {
            if (e.name().equals(g)) {
                return e.id();
            }
        }
        throw new EngineException(missing);
    }

    private static long parseId(String flag, String whole, String n) throws EngineException {
        try {
            long v = Long.parseLong(n);
            if (v < 0 || v > 0xFFFFFFFEL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new EngineException(flag + " " + whole + ": uids and gids must be in range 0-4294967294");
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<Entry> read(Path rootfs, String file, boolean passwd) throws EngineException {
        List<Entry> out = new ArrayList<>();
        List<String> lines;
        try {
            Path p = RootfsPaths.resolve(rootfs, file);
            if (!Files.isRegularFile(p)) {
                return out;
            }
            lines = Files.readAllLines(p);
        } catch (IOException e) {
            return out; // no such file in the image: only numeric ids work, as with Docker
        }
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (line.startsWith("#") || f.length < (passwd ? 6 : 3)) {
                continue;
            }
            long id;
            try {
                id = Long.parseLong(f[2]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (passwd) {
                long gid;
                try {
                    gid = Long.parseLong(f[3]);
                } catch (NumberFormatException e) {
                    continue;
                }
                out.add(new Entry(f[0], id, gid, f[5], List.of()));
            } else {
                List<String> members = new ArrayList<>();
                if (f.length > 3 && !f[3].isEmpty()) {
                    for (String m : f[3].split(",")) {
                        members.add(m.trim());
                    }
                }
                out.add(new Entry(f[0], id, 0, "", members));
            }
        }
        return out;
    }
}
