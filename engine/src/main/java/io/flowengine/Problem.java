package io.flowengine;

/**
 * One problem in a pipeline file, at a 1-based line and column of {@code file} (0 when unknown).
 */
public record Problem(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
}
