package io.flowengine.flink;

import io.flowengine.FlowEngineException;
import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * What the job does with an error: one that the pipeline or its data caused (a bad header, a row
 * error under {@code errors.onError: fail}, {@code errors.maxErrors}) would happen again on every
 * restart, so it fails the job at once; any other (a file system that failed, a TaskManager that
 * died) is left to Flink's restart strategy.
 */
final class Failures {

    private Failures() {
    }

    static RuntimeException fatal(FlowEngineException e) {
        return new SuppressRestartsException(e);
    }

    /** The first FlowEngine error in {@code t}'s causes, else the deepest cause's message. */
    static String message(Throwable t) {
        Throwable deepest = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof FlowEngineException) {
                return c.getMessage();
            }
            if (c.getClass().getName().equals("org.apache.flink.util.SerializedThrowable")
                    && c.getMessage() != null && c.getMessage().contains("FlowEngineException")) {
                return c.getMessage().replaceFirst("^[\\w.$]*(RowException|FlowEngineException): ", "");
            }
            deepest = c;
        }
        return deepest.getMessage() == null ? deepest.toString() : deepest.getMessage();
    }
}
