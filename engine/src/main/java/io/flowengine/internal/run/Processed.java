package io.flowengine.internal.run;

/**
 * What became of one chunk on a rail: its outcome, or the error that failed it as a whole (the
 * JavaScript engine itself failed, or the run was cancelled). A failure travels as this value, in
 * the chunk's place in the stream, to {@link RunCore#accept}, which alone decides what it means.
 */
public record Processed(Chunk chunk, Outcome outcome, RuntimeException error) {

    public long seq() {
        return chunk.seq();
    }

    static Processed ok(Chunk chunk, Outcome outcome) {
        return new Processed(chunk, outcome, null);
    }

    static Processed failed(Chunk chunk, RuntimeException error) {
        return new Processed(chunk, null, error);
    }
}
