package io.flowengine.cli;

/**
 * The command line asks for something that cannot be: printed as {@code flowengine: MESSAGE},
 * exit 2. The message says what to pass instead.
 */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
