package dev.linmem.cli;

import java.nio.file.Path;
import java.util.List;

/** One parsed command line: what to do and with which arguments. */
sealed interface Command {

    /** {@code linmem} or {@code linmem demo}: the bundled PHP recording on every fitting target. */
    record Demo(ReplayOptions options) implements Command {
    }

    /** {@code linmem replay [options] TRACE...}. */
    record Replay(ReplayOptions options, List<Path> traces) implements Command {
        public Replay {
            traces = List.copyOf(traces);
        }
    }

    /** {@code linmem convert IN OUT}: rewrite a trace in linmem's compact format. */
    record Convert(Path in, Path out) implements Command {
    }

    /** {@code linmem stats TRACE}: counts by call kind and the trace's shape. */
    record Stats(Path trace) implements Command {
    }

    /** {@code linmem --help}, {@code linmem help} or {@code linmem CMD --help}. */
    record Help() implements Command {
    }
}
