package dev.linmem.cli;

/** A command line that does not parse; {@link Main} prints the message and the usage, and exits 2. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
