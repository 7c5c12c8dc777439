package dev.linmem.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The executable jar's entry point: {@code linmem [demo] | replay | convert | stats | --help}
 * (docs/cli.md). Parses the command line, runs the command and exits with 0 on success, 1 when
 * an input is unreadable or malformed (the message names the file and line) or an output cannot
 * be written, and 2 on a usage error (the message, then a pointer to {@code --help}).
 */
public final class Main {

    /** Exit status: the command did what was asked. */
    static final int EXIT_OK = 0;

    /** Exit status: an input could not be read or is malformed, or an output could not be written. */
    static final int EXIT_INPUT = 1;

    /** Exit status: the command line is wrong. */
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    /** Runs the command line and exits the JVM with its status. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        Environment env = new Environment(out, System.err, Path.of(""),
                System.console() != null ? Environment.Terminal.STDERR_IS_TERMINAL : Environment.Terminal.NONE);
        int status = run(List.of(args), env);
        out.flush();
        System.exit(status);
    }

    /** Runs the command line in {@code env} and returns the exit status; never exits the JVM. */
    static int run(List<String> args, Environment env) {
        Command command;
        try {
            command = CommandLineParser.parse(args);
        } catch (UsageException e) {
            return usageError(env, e.getMessage());
        }
        return new Commands(env).run(command);
    }

    /** Prints a usage error and returns {@link #EXIT_USAGE}. */
    static int usageError(Environment env, String message) {
        env.err().println("linmem: " + message);
        env.err().println("usage: linmem [demo] [OPTIONS] | linmem replay [OPTIONS] TRACE... | linmem convert IN OUT"
                + " | linmem stats TRACE   (linmem --help for more)");
        return EXIT_USAGE;
    }
}
