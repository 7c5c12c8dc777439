package dev.linmem.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** One run of the command line in a test: its exit status and what it printed. */
record CliRun(int status, String out, String err) {

    /** Runs {@code args} with {@code dir} as the working directory and stderr not a terminal. */
    static CliRun in(Path dir, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = Main.run(List.of(args), new Environment(outStream, errStream, dir, Environment.Terminal.NONE));
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
