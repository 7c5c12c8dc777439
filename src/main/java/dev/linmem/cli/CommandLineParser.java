package dev.linmem.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parses linmem's command line into a {@link Command}.
 *
 * <p>Grammar: {@code linmem [demo] [OPTIONS]}, {@code linmem replay [OPTIONS] TRACE...},
 * {@code linmem convert IN OUT}, {@code linmem stats TRACE}, and {@code --help} anywhere. An option
 * with a value is written {@code --name value} or {@code --name=value}; {@code --} ends the options,
 * so a trace whose name starts with {@code -} can follow it. Each option may be given once.
 */
final class CommandLineParser {

    /** The smallest map page size {@code --page-size} accepts: Linux's 4 KiB page. */
    static final long MIN_PAGE_SIZE_BYTES = 4096;

    /** The largest map page size {@code --page-size} accepts: one 64 KiB wasm page. */
    static final long MAX_PAGE_SIZE_BYTES = 65536;

    private CommandLineParser() {
    }

    /** Parses {@code args}, or throws a {@link UsageException} saying what is wrong. */
    static Command parse(List<String> args) throws UsageException {
        if (args.contains("--help") || args.contains("-h")) {
            return new Command.Help();
        }
        if (args.isEmpty()) {
            return new Command.Demo(ReplayOptions.defaults());
        }
        String first = args.get(0);
        List<String> rest = args.subList(1, args.size());
        if (first.startsWith("-")) {
            return demo(args);
        }
        return switch (first) {
            case "demo" -> demo(rest);
            case "replay" -> replay(rest);
            case "convert" -> convert(rest);
            case "stats" -> stats(rest);
            case "help" -> new Command.Help();
            default -> throw new UsageException("unknown command '" + first
                    + "' (commands: demo, replay, convert, stats, help)");
        };
    }

    private static Command demo(List<String> args) throws UsageException {
        OptionScan scan = scanReplayOptions(args);
        if (!scan.operands.isEmpty()) {
            throw new UsageException("demo takes no trace (it replays the bundled PHP recording);"
                    + " use 'linmem replay " + String.join(" ", scan.operands) + "'");
        }
        return new Command.Demo(scan.options());
    }

    private static Command replay(List<String> args) throws UsageException {
        OptionScan scan = scanReplayOptions(args);
        if (scan.operands.isEmpty()) {
            throw new UsageException("replay needs at least one TRACE");
        }
        List<Path> traces = new ArrayList<>();
        for (String operand : scan.operands) {
            traces.add(path("TRACE", operand));
        }
        return new Command.Replay(scan.options(), traces);
    }

    private static Command convert(List<String> args) throws UsageException {
        List<String> operands = operandsOnly("convert", args);
        if (operands.size() != 2) {
            throw new UsageException("convert needs IN and OUT, got " + describeCount(operands.size()));
        }
        return new Command.Convert(path("IN", operands.get(0)), path("OUT", operands.get(1)));
    }

    private static Command stats(List<String> args) throws UsageException {
        List<String> operands = operandsOnly("stats", args);
        if (operands.size() != 1) {
            throw new UsageException("stats needs exactly one TRACE, got " + describeCount(operands.size()));
        }
        return new Command.Stats(path("TRACE", operands.get(0)));
    }

    private static String describeCount(int count) {
        return count == 0 ? "none" : count + " arguments";
    }

    private static List<String> operandsOnly(String command, List<String> args) throws UsageException {
        List<String> operands = new ArrayList<>();
        boolean optionsEnded = false;
        for (String arg : args) {
            if (!optionsEnded && arg.equals("--")) {
                optionsEnded = true;
            } else if (!optionsEnded && arg.startsWith("-") && arg.length() > 1) {
                throw new UsageException(command + " takes no option " + arg);
            } else {
                operands.add(arg);
            }
        }
        return operands;
    }

    private static Path path(String what, String text) throws UsageException {
        if (text.isEmpty()) {
            throw new UsageException(what + " must not be empty");
        }
        try {
            return Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException(what + " '" + text + "' is not a valid path: " + e.getReason());
        }
    }

    /** The options and operands of a demo or replay command line. */
    private static final class OptionScan {
        final List<String> operands = new ArrayList<>();
        final Set<String> seen = new LinkedHashSet<>();
        List<String> targets = List.of();
        OptionalLong pageSizeBytes = OptionalLong.empty();
        Optional<Path> json = Optional.empty();
        Optional<Path> html = Optional.empty();
        Optional<Path> csv = Optional.empty();
        ReplayOptions.Check check = ReplayOptions.Check.OFF;
        ReplayOptions.MalformedLines malformedLines = ReplayOptions.MalformedLines.STOP;
        ReplayOptions.Progress progress = ReplayOptions.Progress.WHEN_TERMINAL;

        ReplayOptions options() {
            return new ReplayOptions(targets, pageSizeBytes, json, html, csv, check, malformedLines, progress);
        }
    }

    private static OptionScan scanReplayOptions(List<String> args) throws UsageException {
        OptionScan scan = new OptionScan();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                scan.operands.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            String name = arg;
            String inlineValue = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                inlineValue = arg.substring(equals + 1);
            }
            if (name.equals("-q")) {
                name = "--quiet";
            }
            if (!scan.seen.add(name)) {
                throw new UsageException("option " + name + " given twice");
            }
            switch (name) {
                case "--targets", "--page-size", "--json", "--html", "--csv" -> {
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException("option " + name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    applyValued(scan, name, value);
                }
                case "--check", "--lenient", "--quiet" -> {
                    if (inlineValue != null) {
                        throw new UsageException("option " + name + " takes no value");
                    }
                    applyFlag(scan, name);
                }
                default -> throw new UsageException("unknown option " + name);
            }
        }
        return scan;
    }

    private static void applyValued(OptionScan scan, String name, String value) throws UsageException {
        switch (name) {
            case "--targets" -> scan.targets = targetList(value);
            case "--page-size" -> scan.pageSizeBytes = OptionalLong.of(pageSize(value));
            case "--json" -> scan.json = Optional.of(path("--json FILE", value));
            case "--html" -> scan.html = Optional.of(path("--html FILE", value));
            case "--csv" -> scan.csv = Optional.of(path("--csv FILE", value));
            default -> throw new IllegalArgumentException(name);
        }
    }

    private static void applyFlag(OptionScan scan, String name) throws UsageException {
        switch (name) {
            case "--check" -> scan.check = ReplayOptions.Check.AFTER_EVERY_EVENT;
            case "--lenient" -> scan.malformedLines = ReplayOptions.MalformedLines.SKIP_AND_COUNT;
            case "--quiet" -> scan.progress = ReplayOptions.Progress.NEVER;
            default -> throw new IllegalArgumentException(name);
        }
    }

    /** Parses {@code a,b,c}: names non-empty and distinct, order kept. */
    static List<String> targetList(String value) throws UsageException {
        Set<String> names = new LinkedHashSet<>();
        for (String part : value.split(",", -1)) {
            String name = part.trim();
            if (name.isEmpty()) {
                throw new UsageException("--targets has an empty name in '" + value + "'");
            }
            if (!names.add(name)) {
                throw new UsageException("--targets names '" + name + "' twice");
            }
        }
        return List.copyOf(names);
    }

    /**
     * Parses a page size in bytes: a decimal number, optionally followed by {@code k}, {@code K},
     * {@code KiB} (times 1024); it must be a power of two from {@value #MIN_PAGE_SIZE_BYTES} to
     * {@value #MAX_PAGE_SIZE_BYTES}.
     */
    static long pageSize(String value) throws UsageException {
        String text = value.trim();
        long multiplier = 1;
        String lower = text.toLowerCase(Locale.ROOT);
        for (String suffix : List.of("kib", "k")) {
            if (lower.endsWith(suffix)) {
                text = text.substring(0, text.length() - suffix.length());
                multiplier = 1024;
                break;
            }
        }
        long sizeBytes;
        try {
            sizeBytes = Math.multiplyExact(Long.parseLong(text), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--page-size expects a number of bytes (4096, 64k), got '" + value + "'");
        }
        if (sizeBytes < MIN_PAGE_SIZE_BYTES || sizeBytes > MAX_PAGE_SIZE_BYTES || Long.bitCount(sizeBytes) != 1) {
            throw new UsageException("--page-size must be a power of two from " + MIN_PAGE_SIZE_BYTES
                    + " to " + MAX_PAGE_SIZE_BYTES + " bytes, got '" + value + "'");
        }
        return sizeBytes;
    }
}
