package dev.hull.image;

import java.util.regex.Pattern;

/**
 * An image name as Docker's reference grammar (distribution/reference) reads it:
 * [domain/]path[:tag][@digest]. The first component is a registry domain when it holds a dot or
 * a colon or is "localhost"; otherwise the name is on docker.io, and a one-component path gets
 * "library/". tag is "latest" when neither tag nor digest is given.
 */
public record Reference(String domain, String path, String tag, String digest) {
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?"
            + "|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
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
            if (!DIGEST.matcher(digest).matches()) {
                throw new ImageException("invalid reference format: \"" + ref + "\": bad digest");
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
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
                if (!DOMAIN.matcher(first).matches()) {
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
            if (!COMPONENT.matcher(c).matches()) {
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
