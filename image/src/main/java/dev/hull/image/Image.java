package dev.hull.image;

import java.util.List;

/**
 * An image in the store. id is the digest of its config ("sha256:&lt;hex&gt;"), as Docker's image
 * id; repoTags are in the familiar form Docker prints ("busybox:latest", "localhost/x:y");
 * diffIds are the digests of the uncompressed layers, bottom first; size is their unpacked size.
 */
public record Image(String id, List<String> repoTags, List<String> repoDigests, ImageConfig config,
        List<String> diffIds, long size, String created, String architecture, String os, String variant,
        String comment, String author) {

    public Image {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        diffIds = List.copyOf(diffIds);
    }

    /** The 12 hex digits Docker shows as IMAGE ID. */
    public String shortId() {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.substring(0, Math.min(12, hex.length()));
    }
}
