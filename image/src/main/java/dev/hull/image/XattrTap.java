package dev.hull.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Follows the tar stream a TarArchiveInputStream reads and keeps the raw bytes of each entry's
 * "SCHILY.xattr.NAME" PAX records. Commons Compress decodes PAX values as UTF-8 text, which
 * mangles binary values such as security.capability; this reads the same records as bytes.
 * {@link #take()} gives the xattrs of the next entry, in entry order.
 */
final class XattrTap extends FilterInputStream {
    private static final String PREFIX = "SCHILY.xattr.";

    private long pos;
    private long nextHeader;
    private final byte[] header = new byte[512];
    private long paxStart = -1;
    private long paxEnd;
    private byte[] pax;
    private Map<String, byte[]> pending = new LinkedHashMap<>();
    private final ArrayDeque<Map<String, byte[]>> ready = new ArrayDeque<>();

    XattrTap(InputStream in) {
        super(in);
    }

    /** The xattrs of the next entry the tar reader returned (empty when it has none). */
    Map<String, byte[]> take() {
        Map<String, byte[]> m = ready.poll();
        return m == null ? Map.of() : m;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            see(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            see(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        return Digests.skipByReading(this, n);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void see(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++, pos++) {
            byte c = b[off + i];
            if (pos >= nextHeader && pos < nextHeader + 512) {
                header[(int) (pos - nextHeader)] = c;
                if (pos == nextHeader + 511) {
                    headerDone();
                }
            } else if (pax != null && pos >= paxStart && pos < paxEnd) {
                pax[(int) (pos - paxStart)] = c;
                if (pos == paxEnd - 1) {
                    parsePax(pax);
                    pax = null;
                }
            }
        }
    }

    private void headerDone() {
        long start = nextHeader;
        boolean zero = true;
        for (byte x : header) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            nextHeader = start + 512;
            return;
        }
        long size = size(header);
        char type = (char) header[156];
        nextHeader = start + 512 + ((size + 511) / 512) * 512;
        if (type == 'x' && size > 0 && size < (1 << 24)) {
            paxStart = start + 512;
            paxEnd = paxStart + size;
            pax = new byte[(int) size];
        } else if (type != 'g' && type != 'L' && type != 'K' && type != 'x') {
            ready.add(pending);
            pending = new LinkedHashMap<>();
        }
    }

    /** The size field: octal, or base-256 when its first byte has the high bit (GNU). */
    private static long size(byte[] h) {
        if ((h[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = 124; i < 136; i++) {
            int c = h[i] & 0xff;
            if (c >= '0' && c <= '7') {
                v = v * 8 + (c - '0');
            } else if (c == 0 || (c == ' ' && v > 0)) {
                break;
            }
        }
        return v;
    }

    /** Records "LEN KEY=VALUE\n"; LEN counts the whole record. */
    private void parsePax(byte[] data) {
        int i = 0;
        while (i < data.length) {
            int sp = i;
            while (sp < data.length && data[sp] != ' ') {
                sp++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return;
            }
            if (len <= 0 || i + len > data.length) {
                return;
            }
            int eq = sp + 1;
            while (eq < i + len && data[eq] != '=') {
                eq++;
            }
            String key = new String(data, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            if (key.startsWith(PREFIX) && eq < i + len - 1) {
                pending.put(key.substring(PREFIX.length()), Arrays.copyOfRange(data, eq + 1, i + len - 1));
            }
            i += len;
        }
    }
}
