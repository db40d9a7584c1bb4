package io.flowengine.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The file of a {@code multipart/form-data} upload ({@code curl -F file=@orders.csv}), parsed as
 * the body's buffers arrive: the parts before the first one with a {@code filename} are skipped,
 * that part's content is handed on, and what follows it is ignored. It keeps one buffer (what has
 * not been decided yet, at most a part's headers or a delimiter's length) whatever the file's size,
 * and never searches the same bytes twice. Used by one thread at a time, in order.
 */
final class MultipartParser {

    private static final int MAX_HEADERS = 16 * 1024;
    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    private enum State { PREAMBLE, PART, HEADERS, SKIP, FILE, DONE }

    /** Thrown for a form that cannot be read. */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private final byte[] dashBoundary;
    private final byte[] delimiter;
    private byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private State state = State.PREAMBLE;

    MultipartParser(String boundary) {
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

    /** The file's bytes that {@code chunk} completes (none, or one buffer). */
    List<ByteBuffer> feed(ByteBuffer chunk) throws Malformed {
        if (state == State.DONE) {
            return List.of();
        }
        append(chunk);
        List<ByteBuffer> out = new ArrayList<>(1);
        advance(out);
        return out;
    }

    /** The body has ended: fails unless the file part was read to its closing boundary. */
    void end() throws Malformed {
        if (state != State.DONE) {
            throw switch (state) {
                case PREAMBLE -> new Malformed("the body is not multipart/form-data with the boundary its Content-Type names");
                case PART -> new Malformed("the form ended early");
                case HEADERS -> new Malformed("a part's headers are malformed or longer than " + MAX_HEADERS + " bytes");
                case SKIP -> new Malformed("the form ended before its closing boundary");
                default -> new Malformed("the form ended inside the file part, before its closing boundary");
            };
        }
    }

    /** Goes as far as the bytes held allow. */
    private void advance(List<ByteBuffer> out) throws Malformed {
        while (true) {
            switch (state) {
                case PREAMBLE -> {
                    // the first boundary may open the body or follow a preamble
                    int at = indexOf(dashBoundary, pos);
                    if (at < 0) {
                        pos = Math.max(pos, lim - dashBoundary.length);
                        return;
                    }
                    pos = at + dashBoundary.length;
                    state = State.PART;
                }
                case PART -> {
                    if (lim - pos < 2) {
                        return;
                    }
                    if (buf[pos] == '-' && buf[pos + 1] == '-') {
                        throw new Malformed("the form has no file part. Send the CSV as a file: curl -F 'file=@orders.csv' URL");
                    }
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    int end = indexOf(CRLFCRLF, pos);
                    if (end < 0) {
                        if (lim - pos > MAX_HEADERS) {
                            throw new Malformed("a part's headers are malformed or longer than " + MAX_HEADERS + " bytes");
                        }
                        return;
                    }
                    String headers = new String(buf, pos, end - pos, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                    pos = end + 4;
                    state = headers.contains("filename=") || headers.contains("filename*=") ? State.FILE : State.SKIP;
                }
                case SKIP -> {
                    // not a file: its content up to the next boundary is dropped
                    int at = indexOf(delimiter, pos);
                    if (at < 0) {
                        pos = Math.max(pos, lim - delimiter.length);
                        return;
                    }
                    pos = at + delimiter.length;
                    state = State.PART;
                }
                case FILE -> {
                    int at = indexOf(delimiter, pos);
                    int upTo = at >= 0 ? at : lim - (delimiter.length - 1);
                    if (upTo > pos) {
                        out.add(ByteBuffer.wrap(Arrays.copyOfRange(buf, pos, upTo)));
                        pos = upTo;
                    }
                    if (at < 0) {
                        return;
                    }
                    state = State.DONE;
                }
                case DONE -> {
                    return;
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
    }

    /** Adds {@code chunk} after the bytes still held, dropping the ones already decided. */
    private void append(ByteBuffer chunk) {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim + chunk.remaining() > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, lim + chunk.remaining()));
        }
        int n = chunk.remaining();
        chunk.get(buf, lim, n);
        lim += n;
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
}
