package dev.linmem.cli;

/** The text {@code linmem --help} prints; docs/cli.md says the same at length. */
final class Usage {

    private Usage() {
    }

    static final String TEXT = """
            usage: linmem [demo] [OPTIONS]
                   linmem replay [OPTIONS] TRACE...
                   linmem convert IN OUT
                   linmem stats TRACE
                   linmem --help

            Replays memory traces recorded from real programs (strace, ltrace, the LD_PRELOAD
            recorder's .malloc, linmem's compact format; .gz read directly) against several
            memory-management strategies for WebAssembly and compares them.

            commands:
              demo        (the default) replay the bundled PHP recording on every fitting
                          strategy, print the comparison, write linmem-report.html
              replay      replay each TRACE on the chosen (default: every fitting) strategy
              convert     rewrite trace IN in linmem's compact format as OUT (fast to replay)
              stats       print what trace TRACE holds: calls by kind, partial munmaps,
                          mremaps, hints, peak live bytes

            options (demo, replay):
              --targets a,b     strategies to run, in this order (default: every fitting one)
              --page-size N     map page size in bytes, a power of two from 4096 to 65536
                                (4k, 64k accepted); default 4096 for Linux recordings
              --json FILE       write the results as JSON (schema: docs/cli.md)
              --html FILE       write the HTML report with charts (demo: linmem-report.html)
              --csv FILE        write the results as CSV
              --check           check every structure's invariants after each event (slow)
              --lenient         skip malformed trace lines and count them instead of stopping
              --quiet, -q       no progress line on stderr
              --help, -h        print this help

            exit status: 0 success, 1 unreadable or malformed input, 2 usage error
            """;
}
