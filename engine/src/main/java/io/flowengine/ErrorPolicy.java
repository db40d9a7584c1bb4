package io.flowengine;

/** What a run does with a row error ({@code errors.onError}). */
public enum ErrorPolicy {
    /** Stop the run at the first row error; the output is not created or replaced. */
    FAIL("fail"),
    /** Count the row as failed and drop it. */
    SKIP("skip"),
    /** Count the row as failed and write it to the dead-letter file. */
    DEAD_LETTER("dead-letter");

    private final String key;

    ErrorPolicy(String key) {
        this.key = key;
    }

    /** The spelling used in pipeline files. */
    public String key() {
        return key;
    }
}
