package dev.linmem.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The options shared by {@code linmem demo} and {@code linmem replay}.
 *
 * @param targets       target names to run, in order; empty means every target that fits the trace
 * @param pageSizeBytes the map page size given with {@code --page-size}, or empty for each
 *                      target's default
 * @param json          where {@code --json} writes the JSON report, if given
 * @param html          where {@code --html} writes the HTML report, if given
 * @param csv           where {@code --csv} writes the CSV report, if given
 * @param check         {@code --check}: run every structure's {@code checkInvariants()} after each event
 * @param malformedLines {@code --lenient}: skip and count malformed lines instead of stopping
 * @param progress      {@code --quiet}: no progress line
 */
record ReplayOptions(
        List<String> targets,
        OptionalLong pageSizeBytes,
        Optional<Path> json,
        Optional<Path> html,
        Optional<Path> csv,
        Check check,
        MalformedLines malformedLines,
        Progress progress) {

    /** Whether invariants are checked after every event. */
    enum Check { OFF, AFTER_EVERY_EVENT }

    /** What a malformed trace line does. */
    enum MalformedLines { STOP, SKIP_AND_COUNT }

    /** Whether the progress line may be shown. */
    enum Progress { WHEN_TERMINAL, NEVER }

    ReplayOptions {
        targets = List.copyOf(targets);
    }

    /** The options when none are given. */
    static ReplayOptions defaults() {
        return new ReplayOptions(List.of(), OptionalLong.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Check.OFF, MalformedLines.STOP, Progress.WHEN_TERMINAL);
    }
}
