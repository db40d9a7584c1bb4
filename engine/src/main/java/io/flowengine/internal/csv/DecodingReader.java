package io.flowengine.internal.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes bytes to characters without ever failing the whole input: a byte sequence that is not
 * valid in the charset becomes U+FFFD and is counted, so that the CSV reader can set aside the
 * record it falls in and go on. A UTF-8 byte-order mark is skipped; an input declared UTF-8 that
 * starts with a UTF-16 byte-order mark is decoded as UTF-16 (whose decoder drops the mark).
 */
public final class DecodingReader extends Reader {

    private final InputStream in;
    private final Charset declared;
    private CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    private boolean eof;
    private boolean flushed;
    private boolean started;
    private long errors;
    private Charset actual;

    public DecodingReader(InputStream in, Charset charset) {
        this.in = in;
        this.declared = charset;
        this.actual = charset;
        bytes.flip();
    }

    /** Byte sequences replaced so far. */
    public long errors() {
        return errors;
    }

    private void start() throws IOException {
        started = true;
        // enough bytes to see a BOM, even when they come one at a time
        refill(3);
        if (declared.equals(StandardCharsets.UTF_8) && bytes.remaining() >= 2) {
            int b0 = bytes.get(bytes.position()) & 0xff;
            int b1 = bytes.get(bytes.position() + 1) & 0xff;
            if ((b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE)) {
                actual = StandardCharsets.UTF_16;
            } else if (b0 == 0xEF && b1 == 0xBB && bytes.remaining() >= 3 && (bytes.get(bytes.position() + 2) & 0xff) == 0xBF) {
                bytes.position(bytes.position() + 3);
            }
        }
        decoder = actual.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * Reads what the stream has now, at least {@code atLeast} bytes unless it ends. Never waits for
     * more than that: on a network stream rows that have arrived are passed on at once.
     */
    private void refill(int atLeast) throws IOException {
        bytes.compact();
        while (bytes.hasRemaining()) {
            int n = in.read(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            if (n < 0) {
                eof = true;
                break;
            }
            bytes.position(bytes.position() + n);
            if (n > 0 && bytes.position() >= atLeast) {
                break;
            }
        }
        bytes.flip();
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (!started) {
            start();
        }
        if (len == 0) {
            return 0;
        }
        if (flushed) {
            return -1;
        }
        CharBuffer out = CharBuffer.wrap(cbuf, off, len);
        while (out.position() == off) {
            CoderResult r = decoder.decode(bytes, out, eof);
            if (r.isError()) {
                bytes.position(bytes.position() + r.length());
                out.put('\uFFFD');
                errors++;
                continue;
            }
            if (r.isOverflow()) {
                break;
            }
            // underflow: more bytes are needed
            if (eof) {
                flushed = true;
                decoder.flush(out);
                break;
            }
            refill(1);
        }
        int n = out.position() - off;
        return n == 0 && flushed ? -1 : n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
