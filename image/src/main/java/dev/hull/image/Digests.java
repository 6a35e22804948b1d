package dev.hull.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 digests in the "sha256:&lt;hex&gt;" form images use. */
final class Digests {
    private Digests() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String of(byte[] data) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(data));
    }

    static String of(MessageDigest md) {
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    static boolean valid(String digest) {
        return digest != null && digest.startsWith("sha256:") && digest.length() == 71 && lowerHex(digest, 7);
    }

    /**
     * Is ref an image id, "sha256:" optional, of minHex to 64 lowercase hex digits? (No regex: the
     * CLIs run interpreted, where compiling a Pattern costs more than the whole check.)
     */
    static boolean id(String ref, int minHex) {
        int from = ref.startsWith("sha256:") ? 7 : 0;
        int n = ref.length() - from;
        return n >= minHex && n <= 64 && lowerHex(ref, from);
    }

    private static boolean lowerHex(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The hex part; the digest must be valid (checked by the caller, which names where it came from). */
    static String hex(String digest) {
        return digest.substring(7);
    }

    /** Checks a digest read from a file or field, so that it can be used as a file name. */
    static String require(String digest, String where) throws ImageException {
        if (!valid(digest)) {
            throw new ImageException(where + ": not a sha256 digest: \"" + digest + "\"");
        }
        return digest;
    }

    /** An input stream that hashes what is read through it. */
    static final class Counting extends FilterInputStream {
        final MessageDigest md = sha256();
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                md.update((byte) b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                md.update(buf, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return skipByReading(this, n);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** Reads what is left (a tar reader stops at its end-of-archive blocks), then the digest. */
        String drainAndDigest() throws IOException {
            byte[] b = new byte[65536];
            while (read(b, 0, b.length) >= 0) {
                // hashing
            }
            return Digests.of(md);
        }
    }

    /**
     * skip() through read(): a stream that hashes or watches what passes must see the skipped
     * bytes too (FilterInputStream would skip them in the stream below).
     */
    static long skipByReading(java.io.InputStream in, long n) throws IOException {
        byte[] b = new byte[(int) Math.min(65536, Math.max(1, n))];
        long done = 0;
        while (done < n) {
            int r = in.read(b, 0, (int) Math.min(b.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }
}
