package dev.linmem.replay.trace;

/** What a reader does with a malformed line. */
public enum Leniency {
    /** Stop with a {@link MalformedTraceException} naming the file, the line and what was expected. */
    STRICT,
    /** Skip the line and count it ({@link ReadSummary#skippedLines()}); keep reading. */
    LENIENT
}
