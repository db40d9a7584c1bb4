package io.flowengine.internal.run;

import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * An input that may be gzip-compressed, decided at its first read (so that opening stdin never
 * blocks): under {@code compression: auto} by its first bytes (gzip's magic number 1f 8b), under
 * {@code gzip} always, under {@code none} never. Multi-member gzip files (concatenated) are read
 * whole. Damaged gzip data fails the read with what went wrong.
 */
final class Compressed extends InputStream {

    private final InputStream raw;
    private final String name;
    private final Compression compression;
    private final Consumer<String> notice;
    private InputStream in;
    private final byte[] one = new byte[1];

    /**
     * @param name how messages name the input
     * @param notice told when a gzip input's name does not say so
     */
    Compressed(InputStream raw, String name, Compression compression, Consumer<String> notice) {
        this.raw = raw;
        this.name = name;
        this.compression = compression;
        this.notice = notice;
    }

    static boolean gzipName(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".gz");
    }

    private InputStream in() throws IOException {
        if (in != null) {
            return in;
        }
        BufferedInputStream b = new BufferedInputStream(raw, 1 << 16);
        b.mark(2);
        int b0 = b.read();
        int b1 = b0 < 0 ? -1 : b.read();
        b.reset();
        boolean magic = b0 == 0x1f && b1 == 0x8b;
        boolean gzip = switch (compression) {
            case NONE -> false;
            case GZIP -> true;
            case AUTO -> magic;
        };
        if (compression == Compression.AUTO && !magic && gzipName(name) && b0 >= 0) {
            throw new FlowEngineException("the input " + name + " ends in .gz but is not gzip-compressed (its first bytes are"
                    + " not gzip's). Rename it, or set source.compression: none to read it as it is");
        }
        if (gzip && !magic) {
            throw new FlowEngineException("the input " + name + " is not gzip-compressed, and source.compression is gzip."
                    + " Set source.compression: auto (or none)");
        }
        if (gzip && compression == Compression.AUTO && !gzipName(name)) {
            notice.accept("the input " + name + " is gzip-compressed (its first bytes say so) though its name does not end"
                    + " in .gz; it is read decompressed");
        }
        in = gzip ? new GZIPInputStream(b, 1 << 16) : b;
        return in;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        try {
            return in().read(buf, off, len);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IOException("its gzip data is damaged or cut short (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        } else {
            raw.close();
        }
    }
}
