package io.flowengine;

/** How a run ended. */
public enum RunStatus {
    SUCCEEDED("succeeded"),
    FAILED("failed");

    private final String key;

    RunStatus(String key) {
        this.key = key;
    }

    /** The spelling used in summaries. */
    public String key() {
        return key;
    }
}
