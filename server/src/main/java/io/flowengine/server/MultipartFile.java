package io.flowengine.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The file of a {@code multipart/form-data} upload ({@code curl -F file=@orders.csv}) as a stream,
 * read as it arrives: the parts before the first one with a {@code filename} are skipped, that
 * part's content is the stream, and what follows it is not read. Memory stays at one buffer
 * whatever the file's size.
 */
final class MultipartFile extends InputStream {

    private static final int MAX_HEADERS = 16 * 1024;

    private final InputStream in;
    private final byte[] dashBoundary;
    private final byte[] delimiter;
    private byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private boolean eof;
    private boolean started;
    private boolean done;
    /** Bytes before this index (from pos) hold no start of a delimiter. */
    private int clearTo;

    /** Thrown for a form that cannot be read. */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private MultipartFile(InputStream in, String boundary) {
        this.in = in;
        this.dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The boundary of a multipart/form-data content type, or null when it is not one. */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String b = p.substring(9).strip();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() || b.length() > 70 ? null : b;
            }
        }
        return null;
    }

    static MultipartFile of(InputStream in, String boundary) {
        return new MultipartFile(in, boundary);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (!started) {
            started = true;
            toFilePart();
        }
        if (done || len == 0) {
            return done ? -1 : 0;
        }
        while (true) {
            if (clearTo > pos) {
                // known to hold no delimiter: hand it on without searching again
                int n = Math.min(len, clearTo - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
            int at = indexOf(delimiter, pos);
            if (at == pos) {
                done = true;
                return -1;
            }
            if (at > pos) {
                clearTo = at;
                continue;
            }
            int safe = lim - (delimiter.length - 1);
            if (safe > pos) {
                clearTo = safe;
                continue;
            }
            if (eof) {
                throw new Malformed("the form ended inside the file part, before its closing boundary");
            }
            fill();
        }
    }

    /** Skips to the content of the first part that carries a file name. */
    private void toFilePart() throws IOException {
        // the first boundary may open the body or follow a preamble
        int at;
        while ((at = indexOf(dashBoundary, pos)) < 0) {
            if (eof) {
                throw new Malformed("the body is not multipart/form-data with the boundary its Content-Type names");
            }
            pos = Math.max(pos, lim - dashBoundary.length);
            fill();
        }
        pos = at + dashBoundary.length;
        while (true) {
            need(2);
            if (buf[pos] == '-' && buf[pos + 1] == '-') {
                throw new Malformed("the form has no file part. Send the CSV as a file: curl -F 'file=@orders.csv' URL");
            }
            int headersEnd;
            while ((headersEnd = indexOf(new byte[] {'\r', '\n', '\r', '\n'}, pos)) < 0) {
                if (eof || lim - pos > MAX_HEADERS) {
                    throw new Malformed("a part's headers are malformed or longer than " + MAX_HEADERS + " bytes");
                }
                fill();
            }
            String headers = new String(buf, pos, headersEnd - pos, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            pos = headersEnd + 4;
            if (headers.contains("filename=") || headers.contains("filename*=")) {
                return;
            }
            // not a file: skip its content to the next boundary
            while ((at = indexOf(delimiter, pos)) < 0) {
                if (eof) {
                    throw new Malformed("the form ended before its closing boundary");
                }
                pos = Math.max(pos, lim - delimiter.length);
                fill();
            }
            pos = at + delimiter.length;
        }
    }

    private void need(int n) throws IOException {
        while (lim - pos < n) {
            if (eof) {
                throw new Malformed("the form ended early");
            }
            fill();
        }
    }

    /** Reads more of the body, keeping the unread bytes. */
    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            clearTo = Math.max(0, clearTo - pos);
            pos = 0;
        }
        if (lim == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
        } else {
            lim += n;
        }
    }

    private int indexOf(byte[] needle, int from) {
        outer:
        for (int i = from; i <= lim - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
