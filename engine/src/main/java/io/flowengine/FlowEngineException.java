package io.flowengine;

/**
 * The base of every error FlowEngine reports to a user. Its message says what went wrong, where,
 * and how to fix it.
 */
public class FlowEngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FlowEngineException(String message) {
        super(message);
    }

    public FlowEngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
