package dev.hull.image;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Layer compression, told by the first bytes (media types lie: docker-archive layers have none,
 * and some tools label zstd layers as gzip).
 */
enum Compression {
    NONE, GZIP, ZSTD;

    static Compression detect(InputStream in) throws IOException {
        in.mark(4);
        byte[] b = in.readNBytes(4);
        in.reset();
        if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (b.length == 4 && (b[0] & 0xff) == 0x28 && (b[1] & 0xff) == 0xb5 && (b[2] & 0xff) == 0x2f
                && (b[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }

    /** The decompressed stream of in, whatever its compression. */
    static InputStream decompressed(InputStream raw) throws IOException {
        InputStream in = raw.markSupported() ? raw : new BufferedInputStream(raw, 65536);
        return switch (detect(in)) {
            case GZIP -> new GZIPInputStream(in, 65536);
            case ZSTD -> new BufferedInputStream(new ZstdInputStream(in), 65536);
            case NONE -> in;
        };
    }
}
