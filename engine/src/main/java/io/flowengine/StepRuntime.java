package io.flowengine;

/**
 * How one step runs: {@code compiled} (as Java, with exactly GraalJS's results) or
 * {@code graaljs}, with the reason it is not compiled ("pipeline.yaml:14:18: a regular
 * expression is not compiled").
 *
 * @param step the step's name
 * @param runtime {@code compiled} or {@code graaljs}
 * @param reason why it runs on GraalJS; empty when compiled
 */
public record StepRuntime(String step, String runtime, String reason) {

    public boolean compiled() {
        return runtime.equals("compiled");
    }
}
