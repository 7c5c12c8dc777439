package dev.linmem.replay.trace.text;

/**
 * A line that does not parse, thrown by a format's line parser with what was expected there;
 * {@link TextCursor} turns it into a {@link dev.linmem.replay.trace.MalformedTraceException} or
 * counts it, as the leniency says. Carries no stack trace: lenient reads may throw many.
 */
public final class BadLine extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param expected what the format requires, e.g. "6 arguments of mmap" */
    public BadLine(String expected) {
        super(expected, null, false, false);
    }

    /** What the format requires at that place. */
    public String expected() {
        return getMessage();
    }
}
