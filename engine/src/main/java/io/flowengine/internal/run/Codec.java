package io.flowengine.internal.run;

import io.flowengine.PipelineSpec.Compression;
import io.airlift.compress.zstd.ZstdInputStream;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a file's bytes are compressed: known by its name's extension ({@code .gz}, {@code .zst})
 * and by its first bytes (gzip's 1f 8b, zstd's 28 b5 2f fd). Both read concatenated members or
 * frames whole.
 */
public enum Codec {
    NONE("", "plain"),
    GZIP(".gz", "gzip"),
    ZSTD(".zst", "zstd");

    private final String extension;
    private final String label;

    Codec(String extension, String label) {
        this.extension = extension;
        this.label = label;
    }

    /** {@code gzip}, {@code zstd}: as messages name it. */
    public String label() {
        return label;
    }

    public String extension() {
        return extension;
    }

    /** The codec {@code name} says: {@code .gz}/{@code .gzip}, {@code .zst}/{@code .zstd}, else none. */
    public static Codec ofName(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz") || n.endsWith(".gzip")) {
            return GZIP;
        }
        if (n.endsWith(".zst") || n.endsWith(".zstd")) {
            return ZSTD;
        }
        return NONE;
    }

    /** {@code name} without the extension of its codec: {@code orders.ndjson.zst} is {@code orders.ndjson}. */
    public static String withoutExtension(String name) {
        return name.replaceFirst("(?i)\\.(gz|gzip|zst|zstd)$", "");
    }

    /** The codec of data that starts with these bytes (-1 past the end). */
    static Codec ofMagic(int b0, int b1, int b2, int b3) {
        if (b0 == 0x1f && b1 == 0x8b) {
            return GZIP;
        }
        if (b0 == 0x28 && b1 == 0xb5 && b2 == 0x2f && b3 == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }

    /** {@code in} decompressed when its first bytes are gzip's or zstd's, else as it is. */
    public static InputStream detected(InputStream in) throws IOException {
        java.io.BufferedInputStream b = new java.io.BufferedInputStream(in, 1 << 16);
        int[] first = first4(b);
        return ofMagic(first[0], first[1], first[2], first[3]).decompress(b);
    }

    /** The first four bytes of {@code b} (-1 past its end), left to be read again. */
    static int[] first4(java.io.BufferedInputStream b) throws IOException {
        b.mark(4);
        int[] first = new int[4];
        for (int i = 0; i < 4; i++) {
            first[i] = i > 0 && first[i - 1] < 0 ? -1 : b.read();
        }
        b.reset();
        return first;
    }

    /** The codec a setting names; {@code auto} is none here (the caller decides by name or bytes). */
    public static Codec of(Compression compression) {
        return switch (compression) {
            case GZIP -> GZIP;
            case ZSTD -> ZSTD;
            case AUTO, NONE -> NONE;
        };
    }

    /** An output's codec: the setting's, or under {@code auto} the one {@code name} says ({@code null}: a stream). */
    public static Codec forOutput(Compression compression, String name) {
        return compression == Compression.AUTO ? ofName(name) : of(compression);
    }

    /** {@code in} decompressed. */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case ZSTD -> new ZstdInputStream(in);
        };
    }

    /**
     * A stream that compresses into {@code out}; closing it writes the last compressed bytes and
     * flushes {@code out}, but leaves it open (the caller syncs and closes it).
     */
    public OutputStream compress(OutputStream out) throws IOException {
        OutputStream kept = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
        return switch (this) {
            case NONE -> kept;
            case GZIP -> new GZIPOutputStream(kept, 1 << 16);
            case ZSTD -> new ZstdOutputStream(kept);
        };
    }
}
