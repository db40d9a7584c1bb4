package io.flowengine.internal.run;

import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * An input that may be compressed (gzip or zstd), decided at its first read (so that opening
 * stdin never blocks): under {@code compression: auto} by its first bytes (gzip's magic number
 * 1f 8b, zstd's 28 b5 2f fd), under {@code gzip} or {@code zstd} always that, under {@code none}
 * never. Concatenated gzip members and zstd frames are read whole. Damaged data fails the read
 * with what went wrong.
 */
final class Compressed extends InputStream {

    private final InputStream raw;
    private final String name;
    private final Compression compression;
    private final Consumer<String> notice;
    private InputStream in;
    private Codec codec = Codec.NONE;
    private final byte[] one = new byte[1];

    /**
     * @param name how messages name the input
     * @param notice told when a compressed input's name does not say so
     */
    Compressed(InputStream raw, String name, Compression compression, Consumer<String> notice) {
        this.raw = raw;
        this.name = name;
        this.compression = compression;
        this.notice = notice;
    }

    private InputStream in() throws IOException {
        if (in != null) {
            return in;
        }
        BufferedInputStream b = new BufferedInputStream(raw, 1 << 16);
        int[] first = Codec.first4(b);
        Codec bytes = Codec.ofMagic(first[0], first[1], first[2], first[3]);
        Codec named = Codec.ofName(name);
        Codec wanted = Codec.of(compression);
        if (compression == Compression.AUTO) {
            if (bytes == Codec.NONE && named != Codec.NONE && first[0] >= 0) {
                throw new FlowEngineException("the input " + name + " ends in " + extension(name) + " but is not "
                        + named.label() + "-compressed (its first bytes are not " + named.label() + "'s). Rename it,"
                        + " or set source.compression: none to read it as it is");
            }
            if (bytes != Codec.NONE && bytes != named) {
                notice.accept("the input " + name + " is " + bytes.label() + "-compressed (its first bytes say so) though its"
                        + " name does not end in " + bytes.extension() + "; it is read decompressed");
            }
            codec = bytes;
        } else if (wanted != Codec.NONE) {
            if (bytes != wanted) {
                throw new FlowEngineException("the input " + name + " is not " + wanted.label() + "-compressed"
                        + (bytes != Codec.NONE ? " (it is " + bytes.label() + ")" : "") + ", and source.compression is "
                        + compression.key() + ". Set source.compression: auto (or none)");
            }
            codec = wanted;
        }
        in = codec.decompress(b);
        return in;
    }

    /** {@code .gz} or {@code .zst} (as the name spells it). */
    private static String extension(String name) {
        return name.substring(Codec.withoutExtension(name).length());
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        InputStream from = in();
        try {
            return from.read(buf, off, len);
        } catch (java.util.zip.ZipException | java.io.EOFException | io.airlift.compress.MalformedInputException e) {
            throw damaged(e);
        } catch (IOException e) {
            // zstd's reader says "Not enough input bytes" for a cut-short frame; an error of the
            // stream under it (a file's, an upload's) is passed on as it is
            StackTraceElement[] at = e.getStackTrace();
            if (codec == Codec.ZSTD && at.length > 0 && at[0].getClassName().startsWith("io.airlift.compress.")) {
                throw damaged(e);
            }
            throw e;
        }
    }

    private IOException damaged(Exception e) {
        return new IOException("its " + codec.label() + " data is damaged or cut short (" + e.getMessage() + ")", e);
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
