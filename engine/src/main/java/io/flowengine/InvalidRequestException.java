package io.flowengine;

/**
 * A run that cannot start as asked: its files collide (the output is the input), or a path
 * names a folder. Nothing has been read or written. The CLI exits with 2 for it, as for any
 * invalid usage.
 */
public class InvalidRequestException extends FlowEngineException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
