package io.flowengine.internal.run;

import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec.WriteMode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file that appears only complete: written to a temporary file in the target's folder, fsynced,
 * then renamed over the target. {@link #abort()} removes the temporary file and leaves the target
 * as it was. Also wraps a stream that is not a file (stdout), which is flushed, never closed, and
 * a device or FIFO, which is written in place (nothing to undo: what was written stays written).
 */
final class AtomicOutput {

    private final Path target;
    private final Path temp;
    private final WriteMode mode;
    private final FileChannel channel;
    private final Writer writer;
    /** Under the writer; UTF-8 text is encoded here and written to it directly. */
    private final OutputStream out;
    private final boolean utf8;
    private final boolean closeAtEnd;
    /** The compressing stream under the writer, closed (finished) at the end; null when the output is not compressed. */
    private final OutputStream compressor;
    /** The file's, device's or caller's stream, under the compressor if there is one. */
    private final OutputStream raw;
    private boolean done;
    /** The writer may hold text not yet passed to {@link #out}. */
    private boolean writerHolds;

    private AtomicOutput(Path target, Path temp, WriteMode mode, FileChannel channel, OutputStream out, Charset charset) {
        this(target, temp, mode, channel, out, charset, false);
    }

    private AtomicOutput(Path target, Path temp, WriteMode mode, FileChannel channel, OutputStream out, Charset charset,
            boolean closeAtEnd) {
        this(target, temp, mode, channel, out, charset, closeAtEnd, Codec.NONE);
    }

    private AtomicOutput(Path target, Path temp, WriteMode mode, FileChannel channel, OutputStream raw, Charset charset,
            boolean closeAtEnd, Codec codec) {
        OutputStream out = raw;
        OutputStream compressing = null;
        if (codec != Codec.NONE) {
            try {
                compressing = codec.compress(raw);
            } catch (IOException e) {
                throw new FlowEngineException("cannot start the " + codec.label() + " output: " + e.getMessage());
            }
            out = compressing;
        }
        this.compressor = compressing;
        this.raw = raw;
        this.closeAtEnd = closeAtEnd;
        this.target = target;
        this.temp = temp;
        this.mode = mode;
        this.channel = channel;
        this.out = out;
        this.writer = writer(out, charset);
        this.utf8 = charset.equals(StandardCharsets.UTF_8);
    }

    /**
     * The output for {@code path}: a regular file (or a new one) is written to a temporary file
     * and renamed into place; a symlink is followed and its target written so; a device or FIFO
     * is written in place. Stale temporary files that a killed run left for this output are
     * removed first.
     */
    public static AtomicOutput create(Path path, WriteMode mode, Charset charset) {
        return create(path, mode, charset, "output", "--output");
    }

    public static AtomicOutput create(Path path, WriteMode mode, Charset charset, String role, String option) {
        return create(path, mode, charset, role, option, Codec.NONE);
    }

    /** As above, compressed with {@code codec}. */
    public static AtomicOutput create(Path path, WriteMode mode, Charset charset, String role, String option, Codec codec) {
        if (OutputPaths.kind(path, role, option) == OutputPaths.Kind.STREAM) {
            return direct(path, charset, codec);
        }
        Path target = OutputPaths.real(path);
        if (mode == WriteMode.CREATE && Files.exists(target)) {
            throw new FlowEngineException("the output file " + path + " exists and sink.mode is create."
                    + " Remove it, choose another output, or set sink.mode: replace");
        }
        Path dir = target.getParent();
        try {
            Files.createDirectories(dir);
            removeStaleTemps(dir, target.getFileName().toString());
            Path temp = Files.createTempFile(dir, tempPrefix(target.getFileName().toString()) + ProcessHandle.current().pid() + "-", ".tmp");
            permissions(target, temp);
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
            return new AtomicOutput(target, temp, mode, channel, Channels.newOutputStream(channel), charset, false, codec);
        } catch (IOException e) {
            throw new FlowEngineException("cannot create the " + role + " " + path + ": " + e
                    + ". Check that its folder is writable");
        }
    }

    /** A device or FIFO: opened for writing (not truncated, never renamed), written in order. */
    private static AtomicOutput direct(Path path, Charset charset, Codec codec) {
        try {
            OutputStream out = Files.newOutputStream(path, StandardOpenOption.WRITE);
            return new AtomicOutput(path, null, WriteMode.REPLACE, null, out, charset, true, codec);
        } catch (IOException e) {
            throw new FlowEngineException("cannot open " + path + " for writing: " + e.getMessage());
        }
    }

    /** {@code .orders.csv.flowengine-}: the start of every temporary file for {@code orders.csv}. */
    static String tempPrefix(String name) {
        return "." + name + ".flowengine-";
    }

    /**
     * Removes {@code .NAME.flowengine-PID-*.tmp} files whose process is gone (a run killed with
     * SIGKILL or by a power cut). A live process's temporary file is left alone.
     */
    static void removeStaleTemps(Path dir, String name) {
        String prefix = tempPrefix(name);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp");
        })) {
            for (Path f : files) {
                String rest = f.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? "" : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // not ours to force; the next run tries again
                }
            }
        } catch (IOException e) {
            // an unreadable folder fails when the temporary file is created
        }
    }

    /** The new file gets the permissions of the file it replaces, else rw-r--r-- (not the temp file's rw-------). */
    private static void permissions(Path target, Path temp) {
        try {
            Files.setPosixFilePermissions(temp, Files.exists(target) ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: keep the defaults
        }
    }

    /** A stream such as stdout: written through, flushed at the end, never closed. */
    public static AtomicOutput stream(OutputStream out, Charset charset) {
        return stream(out, charset, Codec.NONE);
    }

    /** As above, compressed with {@code codec}. */
    public static AtomicOutput stream(OutputStream out, Charset charset, Codec codec) {
        return new AtomicOutput(null, null, WriteMode.REPLACE, null, out, charset, false, codec);
    }

    private static Writer writer(OutputStream out, Charset charset) {
        return new OutputStreamWriter(out, charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    public void write(CharSequence text) {
        try {
            byte[] bytes = utf8 ? utf8(text.toString()) : null;
            if (bytes != null) {
                // String's own UTF-8 encoding: fast from the first row, where the char-by-char
                // encoder under a Writer runs interpreted until the JIT gets to it
                if (writerHolds) {
                    writer.flush();
                    writerHolds = false;
                }
                out.write(bytes);
            } else {
                writer.append(text);
                writerHolds = true;
            }
            if (channel == null) {
                // a stream (stdout, an HTTP response) gets each batch of rows as soon as it is ready
                writer.flush();
            }
        } catch (IOException e) {
            throw new FlowEngineException("cannot write " + (target == null ? "the output" : target) + ": " + e.getMessage()
                    + (e instanceof CharacterCodingException
                            ? ". A value cannot be written in the sink's encoding; set sink.encoding: UTF-8" : ""));
        }
    }

    /**
     * {@code s} in UTF-8, or null when it holds a lone surrogate: String.getBytes would write it
     * as '?', where the writer's encoder reports it.
     */
    private static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return new String(bytes, StandardCharsets.UTF_8).equals(s) ? bytes : null;
    }

    /** Flushes, syncs and renames the file into place. */
    public void commit() {
        if (done) {
            return;
        }
        done = true;
        try {
            writer.flush();
            if (compressor != null) {
                // writes the last compressed bytes and flushes the stream under it, which stays open
                compressor.close();
            }
            if (channel == null) {
                if (closeAtEnd) {
                    close();
                }
                return;
            }
            channel.force(true);
            close();
            if (mode == WriteMode.CREATE) {
                try {
                    Files.createLink(target, temp);
                    Files.delete(temp);
                    return;
                } catch (FileAlreadyExistsException e) {
                    Files.deleteIfExists(temp);
                    throw new FlowEngineException("the output file " + target + " appeared while the run was writing"
                            + " and sink.mode is create; the new output was discarded");
                } catch (UnsupportedOperationException | IOException e) {
                    if (Files.exists(target)) {
                        Files.deleteIfExists(temp);
                        throw new FlowEngineException("the output file " + target + " exists and sink.mode is create");
                    }
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            abort();
            throw new FlowEngineException("cannot finish the output file " + target + ": " + e.getMessage());
        }
    }

    /** Discards what was written: the target is left as it was. */
    public void abort() {
        done = true;
        try {
            if (channel == null) {
                writer.flush();
                if (closeAtEnd) {
                    close();
                }
                return;
            }
            close();
        } catch (IOException e) {
            // the temporary file is removed below either way
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // nothing more can be done; the name starts with '.' and ends with .tmp
                }
            }
        }
    }

    /** Closes the writer (and so the compressor, which leaves the stream under it open) and the stream under it. */
    private void close() throws IOException {
        try {
            writer.close();
        } finally {
            raw.close();
        }
    }
}
