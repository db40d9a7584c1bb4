package io.flowengine;

import java.util.List;
import java.util.stream.Collectors;

/** A pipeline file that cannot run, with every problem found in it. */
public final class PipelineValidationException extends FlowEngineException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public PipelineValidationException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
