package io.flowengine.internal.run;

import io.flowengine.DeadLetter;
import io.flowengine.Row;
import java.util.List;

/**
 * A slice of input records, numbered so that output order can be restored: the rows that parsed
 * and the records that did not (already failures). A chunk's records all come from one input.
 *
 * @param records how many input records this chunk covers (rows plus malformed)
 * @param file the input file they come from, as scripts see it in {@code ctx.file}; null for a
 *     stream (stdin, an upload, a {@code Flux})
 */
public record Chunk(long seq, Row[] rows, int size, List<DeadLetter> malformed, int records, String file) {

    /** A chunk of a stream. */
    public Chunk(long seq, Row[] rows, int size, List<DeadLetter> malformed, int records) {
        this(seq, rows, size, malformed, records, null);
    }

    /** This chunk, from {@code file}. */
    public Chunk from(String file) {
        return new Chunk(seq, rows, size, malformed, records, file);
    }
}
