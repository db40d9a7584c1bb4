package io.flowengine.internal.js;

import io.flowengine.Row;

/**
 * Runs a pipeline's steps over rows of a chunk, one chunk at a time: on GraalJS ({@link JsRail})
 * or as compiled Java.
 */
public interface Rail extends AutoCloseable {

    /** Runs {@code rows[from..to)} through every step, telling {@code results} (indexes relative to {@code from}). */
    void process(Row[] rows, int from, int to, ScriptResults results);

    /** The input file of the rows the next calls of {@link #process} get ({@code ctx.file}; null: a stream). */
    void file(String name);

    /** False once the rail should not take another chunk. */
    boolean reusable();

    @Override
    void close();
}
