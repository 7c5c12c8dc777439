package dev.linmem.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Where a command runs: its output streams, the directory relative paths resolve against, and
 * whether stderr is a terminal (the progress line is shown only then). Tests pass their own.
 *
 * @param out              standard output: tables and the paths of written reports
 * @param err              standard error: errors, notes and the progress line
 * @param workingDirectory relative paths given on the command line resolve against it; the empty
 *                         path (the process's own directory) keeps them as given, for messages
 * @param terminal         whether stderr is an interactive terminal
 */
record Environment(PrintStream out, PrintStream err, Path workingDirectory, Terminal terminal) {

    /** Whether the process talks to a terminal ({@code System.console() != null}). */
    enum Terminal { STDERR_IS_TERMINAL, NONE }

    /** {@code path} resolved against the working directory (unchanged when absolute). */
    Path resolve(Path path) {
        return workingDirectory.resolve(path);
    }
}
