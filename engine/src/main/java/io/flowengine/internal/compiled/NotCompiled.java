package io.flowengine.internal.compiled;

/** The step holds something outside the compiled subset; it runs on GraalJS. */
final class NotCompiled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int offset;

    NotCompiled(String what, int offset) {
        super(what, null, false, false);
        this.offset = offset;
    }

    /** Where in the step's code (a character offset). */
    int offset() {
        return offset;
    }
}
