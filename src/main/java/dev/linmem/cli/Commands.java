package dev.linmem.cli;

import dev.linmem.replay.InvariantChecking;
import dev.linmem.replay.RecordedTrace;
import dev.linmem.replay.ReplayReport;
import dev.linmem.replay.Replayer;
import dev.linmem.replay.Target;
import dev.linmem.replay.TargetOptions;
import dev.linmem.replay.TargetRegistry;
import dev.linmem.replay.report.ReportFormat;
import dev.linmem.replay.report.Units;
import dev.linmem.replay.trace.AddressSpaceInfo;
import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.LoadedTrace;
import dev.linmem.replay.trace.MalformedTraceException;
import dev.linmem.replay.trace.Trace;
import dev.linmem.replay.trace.TraceConverter;
import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.TraceStats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one parsed {@link Command} in an {@link Environment} and returns its exit status.
 *
 * <p>Algorithm of a replay (demo or replay), per trace:
 * <ol>
 *   <li>open it (format detected by content, gzip by its magic bytes) and read it whole, timed
 *       (the parse time is reported apart from the replay);</li>
 *   <li>pick its largest address space (the one with the most events);</li>
 *   <li>replay that space on the chosen targets, or on every target that fits it;</li>
 *   <li>print the table on stdout; after the last trace write the requested report files and
 *       print their paths.</li>
 * </ol>
 * Reading errors stop the command with status 1 and a message naming the file and line.
 */
final class Commands {

    /** The bundled demo recording, gzip-compressed, on the class path. */
    static final String DEMO_RESOURCE = "/dev/linmem/demo/php-strings-nomremap.strace.gz";

    /** The name the demo recording goes by in reports and messages. */
    static final String DEMO_NAME = "php-strings-nomremap.strace";

    /** Where the demo writes its HTML report when {@code --html} is not given. */
    static final Path DEMO_HTML = Path.of("linmem-report.html");

    private final Environment env;
    private final TargetRegistry registry;

    Commands(Environment env) {
        this(env, TargetRegistry.standard());
    }

    Commands(Environment env, TargetRegistry registry) {
        this.env = env;
        this.registry = registry;
    }

    /** Runs {@code command}; returns the exit status. */
    int run(Command command) {
        try {
            if (command instanceof Command.Help) {
                env.out().print(Usage.TEXT);
                env.out().println();
                env.out().println("strategies:");
                for (Target t : registry.all()) {
                    env.out().printf("  %-22s %s%n", t.name(), t.description());
                }
                return Main.EXIT_OK;
            } else if (command instanceof Command.Demo demo) {
                ReplayOptions options = demo.options();
                if (options.html().isEmpty()) {
                    options = new ReplayOptions(options.targets(), options.pageSizeBytes(), options.json(),
                            Optional.of(DEMO_HTML), options.csv(), options.check(), options.malformedLines(),
                            options.progress());
                }
                return replay(options, List.of(demoInput()));
            } else if (command instanceof Command.Replay replay) {
                List<TraceInput> inputs = new ArrayList<>();
                for (Path p : replay.traces()) {
                    inputs.add(TraceInput.of(env.resolve(p)));
                }
                return replay(replay.options(), inputs);
            } else if (command instanceof Command.Convert convert) {
                return convert(convert);
            } else if (command instanceof Command.Stats stats) {
                return stats(stats);
            }
            throw new IllegalArgumentException("unknown command " + command);
        } catch (UsageException e) {
            return Main.usageError(env, e.getMessage());
        } catch (MalformedTraceException e) {
            env.err().println("linmem: " + e.getMessage());
            return Main.EXIT_INPUT;
        } catch (InputException e) {
            env.err().println("linmem: " + e.getMessage());
            return Main.EXIT_INPUT;
        }
    }

    private int replay(ReplayOptions options, List<TraceInput> inputs) throws UsageException, InputException,
            MalformedTraceException {
        List<Target> named;
        try {
            named = registry.targetsNamed(options.targets());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        for (Optional<Path> output : List.of(options.json(), options.csv(), options.html())) {
            if (output.isPresent()) {
                checkWritable(env.resolve(output.get()));
            }
        }
        ProgressLine progress = progressLine(options);
        TargetOptions targetOptions = new TargetOptions(
                options.pageSizeBytes().orElse(TargetOptions.LINUX_PAGE_BYTES),
                options.check() == ReplayOptions.Check.AFTER_EVERY_EVENT
                        ? InvariantChecking.EVERY_EVENT : InvariantChecking.AT_END);
        Replayer replayer = new Replayer(targetOptions);
        Leniency leniency = options.malformedLines() == ReplayOptions.MalformedLines.SKIP_AND_COUNT
                ? Leniency.LENIENT : Leniency.STRICT;
        List<ReplayReport> reports = new ArrayList<>();
        for (TraceInput input : inputs) {
            ReplayReport report = replayOne(input, leniency, named, replayer, progress);
            if (!reports.isEmpty()) {
                env.out().println();
            }
            env.out().print(ReportFormat.TABLE.writer().render(List.of(report)));
            env.out().flush();
            reports.add(report);
        }
        writeReport(options.json(), ReportFormat.JSON, "JSON", reports);
        writeReport(options.csv(), ReportFormat.CSV, "CSV", reports);
        writeReport(options.html(), ReportFormat.HTML, "HTML report", reports);
        return Main.EXIT_OK;
    }

    private ReplayReport replayOne(TraceInput input, Leniency leniency, List<Target> named, Replayer replayer,
                                   ProgressLine progress) throws InputException, MalformedTraceException {
        LoadedTrace loaded;
        try {
            progress.start("reading " + input.name());
            loaded = Trace.open(input).withLeniency(leniency)
                    .load((events, bytesRead, totalBytes) -> progress.update(bytesRead, totalBytes, events));
        } catch (MalformedTraceException e) {
            throw e;
        } catch (IOException e) {
            throw InputException.reading(input.name(), e);
        } catch (UncheckedIOException e) {
            throw InputException.reading(input.name(), e.getCause());
        } finally {
            progress.finish();
        }
        if (loaded.summary().skippedLines() > 0) {
            env.err().println("linmem: " + input.name() + ": skipped " + Units.count(loaded.summary().skippedLines())
                    + " malformed lines (--lenient); first: " + loaded.summary().firstProblems().get(0));
        }
        String fileName = displayName(input.name());
        AddressSpaceInfo space = loaded.largestSpace();
        RecordedTrace recorded = space == null
                ? RecordedTrace.of(fileName, loaded.format().formatName(), "none", List.of())
                : RecordedTrace.of(fileName, loaded.format().formatName(), spaceLabel(space, loaded.spaces().size()),
                        loaded.eventsOf(space.space()));
        List<Target> targets = named.isEmpty() ? registry.fitting(recorded) : named;
        for (Target t : targets) {
            if (!t.fits(recorded)) {
                env.err().println("linmem: note: " + t.name() + " does not fit " + fileName
                        + " (it replays " + t.capabilities() + "); events it cannot replay are skipped");
            }
        }
        if (targets.isEmpty()) {
            env.err().println("linmem: note: no strategy fits " + fileName + " (events of kinds "
                    + recorded.profile().eventKinds() + ")");
        }
        List<Target> run = new ArrayList<>(targets.size());
        for (Target t : targets) {
            run.add(progress.isEnabled() ? new ProgressTarget(t, progress, fileName) : t);
        }
        try {
            return replayer.replay(recorded, run, loaded.parseNanos());
        } finally {
            progress.finish();
        }
    }

    /** {@code pid 16616}, with the number of address spaces when there were several. */
    static String spaceLabel(AddressSpaceInfo space, int spaceCount) {
        String label = "pid " + space.tid();
        return spaceCount > 1 ? label + " (largest of " + spaceCount + ")" : label;
    }

    /** The file name of a trace given by path, for reports. */
    private static String displayName(String name) {
        Path fileName = Path.of(name).getFileName();
        return fileName == null ? name : fileName.toString();
    }

    /** Fails before any work when {@code path}'s directory does not exist or {@code path} is a directory. */
    private static void checkWritable(Path path) throws InputException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new InputException("cannot write " + path + ": no such directory " + path.getParent());
        }
        if (Files.isDirectory(path)) {
            throw new InputException("cannot write " + path + ": it is a directory");
        }
    }

    private void writeReport(Optional<Path> target, ReportFormat format, String what, List<ReplayReport> reports)
            throws InputException {
        if (target.isEmpty()) {
            return;
        }
        Path path = env.resolve(target.get());
        try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            format.writer().write(reports, w);
        } catch (IOException e) {
            throw InputException.writing(path.toString(), e);
        }
        env.out().println(what + ": " + path.toAbsolutePath().normalize());
    }

    private int convert(Command.Convert convert) throws InputException, MalformedTraceException {
        Path in = env.resolve(convert.in());
        Path out = env.resolve(convert.out());
        TraceConverter.Result result;
        Trace trace;
        try {
            trace = Trace.open(TraceInput.of(in));
        } catch (MalformedTraceException e) {
            throw e;
        } catch (IOException e) {
            throw InputException.reading(in.toString(), e);
        }
        try {
            result = TraceConverter.convert(trace, out);
        } catch (MalformedTraceException e) {
            throw e;
        } catch (IOException e) {
            throw InputException.writing(out.toString(), e);
        }
        env.out().println("converted " + convert.in() + " (" + trace.format().formatName() + ", "
                + Units.bytes(result.inputBytes()) + ") to " + convert.out() + " (compact, " + Units.bytes(result.outputBytes())
                + "): " + Units.count(result.events()) + " events");
        return Main.EXIT_OK;
    }

    private int stats(Command.Stats stats) throws InputException, MalformedTraceException {
        Path path = env.resolve(stats.trace());
        Trace trace;
        TraceStats figures;
        try {
            trace = Trace.open(TraceInput.of(path));
            figures = TraceStats.of(trace);
        } catch (MalformedTraceException e) {
            throw e;
        } catch (IOException e) {
            throw InputException.reading(path.toString(), e);
        } catch (UncheckedIOException e) {
            throw InputException.reading(path.toString(), e.getCause());
        }
        env.out().println(stats.trace() + " (" + trace.format().formatName() + ")");
        env.out().print(figures.toText());
        env.out().println("peak live: " + Units.bytes(figures.peakLiveBytes()));
        return Main.EXIT_OK;
    }

    private ProgressLine progressLine(ReplayOptions options) {
        if (options.progress() == ReplayOptions.Progress.NEVER
                || env.terminal() != Environment.Terminal.STDERR_IS_TERMINAL) {
            return ProgressLine.disabled();
        }
        return ProgressLine.on(env.err(), System::nanoTime);
    }

    private static TraceInput demoInput() throws InputException {
        try (InputStream in = Commands.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new InputException("the bundled demo trace " + DEMO_RESOURCE + " is missing from the jar");
            }
            return TraceInput.of(DEMO_NAME, in.readAllBytes());
        } catch (IOException e) {
            throw InputException.reading(DEMO_RESOURCE, e);
        }
    }

    /** An input that cannot be read or an output that cannot be written; status 1. */
    static final class InputException extends Exception {
        private static final long serialVersionUID = 1L;

        InputException(String message) {
            super(message);
        }

        static InputException reading(String file, IOException e) {
            return new InputException("cannot read " + file + ": " + reason(e));
        }

        static InputException writing(String file, IOException e) {
            return new InputException("cannot write " + file + ": " + reason(e));
        }

        private static String reason(IOException e) {
            if (e instanceof NoSuchFileException) {
                return "no such file";
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied";
            }
            if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
                return fse.getReason();
            }
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }
}
