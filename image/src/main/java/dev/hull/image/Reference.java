package dev.hull.image;

/**
 * An image name as Docker's reference grammar (distribution/reference) reads it:
 * [domain/]path[:tag][@digest]. The first component is a registry domain when it holds a dot or
 * a colon or is "localhost"; otherwise the name is on docker.io, and a one-component path gets
 * "library/". tag is "latest" when neither tag nor digest is given.
 */
public record Reference(String domain, String path, String tag, String digest) {
    public static final String DOCKER_HUB = "docker.io";

    /** Parses and normalises ref; an invalid one is an ImageException naming it. */
    public static Reference parse(String ref) throws ImageException {
        if (ref == null || ref.isEmpty() || ref.length() > 255 + 200) {
            throw new ImageException("invalid reference format: \"" + ref + "\"");
        }
        String rest = ref;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!isDigest(digest)) {
                throw new ImageException("invalid reference format: \"" + ref + "\": bad digest");
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!isTag(tag)) {
                throw new ImageException("invalid reference format: \"" + ref + "\": bad tag \"" + tag + "\"");
            }
        }
        String domain = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")
                    || !first.equals(first.toLowerCase(java.util.Locale.ROOT))) {
                if (!isDomain(first)) {
                    throw new ImageException("invalid reference format: \"" + ref + "\": bad registry \"" + first + "\"");
                }
                domain = first.equals("index.docker.io") ? DOCKER_HUB : first;
                path = rest.substring(slash + 1);
            }
        }
        if (path.isEmpty()) {
            throw new ImageException("invalid reference format: \"" + ref + "\"");
        }
        for (String c : path.split("/", -1)) {
            if (!isComponent(c)) {
                throw new ImageException("invalid reference format: \"" + ref + "\""
                        + (c.equals(c.toLowerCase(java.util.Locale.ROOT)) ? "" : ": repository name must be lowercase"));
            }
        }
        if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new Reference(domain, path, tag, digest);
    }

    // The grammar's regular expressions, written out: java.util.regex costs milliseconds of an
    // interpreted JVM's start-up, and every `hull run` parses a reference.

    /** sha256:[0-9a-f]{64} */
    static boolean isDigest(String s) {
        if (s.length() != 71 || !s.startsWith("sha256:")) {
            return false;
        }
        for (int i = 7; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean word(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /** [\w][\w.-]{0,127} */
    static boolean isTag(String s) {
        if (s.isEmpty() || s.length() > 128 || !word(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!word(c) && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean lowerAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }

    /** [a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)* */
    static boolean isComponent(String s) {
        int i = 0, n = s.length();
        while (true) {
            int start = i;
            while (i < n && lowerAlnum(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false; // a run of [a-z0-9] is needed here
            }
            if (i == n) {
                return true;
            }
            char c = s.charAt(i);
            if (c == '.') {
                i++;
            } else if (c == '_') {
                i += i + 1 < n && s.charAt(i + 1) == '_' ? 2 : 1;
            } else if (c == '-') {
                while (i < n && s.charAt(i) == '-') {
                    i++;
                }
            } else {
                return false;
            }
        }
    }

    /** host labels ([a-zA-Z0-9] with inner '-') joined by '.', or [ipv6], then an optional :port */
    static boolean isDomain(String s) {
        int colon = s.startsWith("[") ? s.indexOf("]:") + 1 : s.lastIndexOf(':');
        String host = colon > 0 ? s.substring(0, colon) : s;
        if (colon > 0) {
            String port = s.substring(colon + 1);
            if (port.isEmpty()) {
                return false;
            }
            for (int i = 0; i < port.length(); i++) {
                if (!Character.isDigit(port.charAt(i))) {
                    return false;
                }
            }
        }
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                return false;
            }
            for (int i = 1; i < host.length() - 1; i++) {
                char c = host.charAt(i);
                if (!(c == ':' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                    return false;
                }
            }
            return true;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }

    /** "docker.io/library/busybox" */
    public String repository() {
        return domain + "/" + path;
    }

    /** "docker.io/library/busybox" with its familiar form "busybox" */
    public String familiarRepository() {
        if (!domain.equals(DOCKER_HUB)) {
            return repository();
        }
        return path.startsWith("library/") && path.indexOf('/', 8) < 0 ? path.substring(8) : path;
    }

    /** "docker.io/library/busybox:latest" (the key names are stored under) */
    public String canonical() {
        return repository() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** "busybox:latest", "localhost/x:y": the form Docker prints */
    public String familiar() {
        return familiarRepository() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** The same repository with another tag. */
    public Reference withTag(String newTag) {
        return new Reference(domain, path, newTag, null);
    }
}
