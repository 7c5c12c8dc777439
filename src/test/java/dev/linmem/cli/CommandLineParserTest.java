package dev.linmem.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineParserTest {

    private static Command parse(String... args) throws UsageException {
        return CommandLineParser.parse(List.of(args));
    }

    private static void assertUsageError(String messagePart, String... args) {
        assertThatThrownBy(() -> parse(args)).isInstanceOf(UsageException.class).hasMessageContaining(messagePart);
    }

    @Test
    void noArgumentsIsTheDemoWithDefaults() throws UsageException {
        assertThat(parse()).isEqualTo(new Command.Demo(ReplayOptions.defaults()));
        assertThat(parse("demo")).isEqualTo(new Command.Demo(ReplayOptions.defaults()));
    }

    @Test
    void helpWinsAnywhere() throws UsageException {
        assertThat(parse("--help")).isInstanceOf(Command.Help.class);
        assertThat(parse("-h")).isInstanceOf(Command.Help.class);
        assertThat(parse("help")).isInstanceOf(Command.Help.class);
        assertThat(parse("replay", "--bogus", "--help")).isInstanceOf(Command.Help.class);
    }

    @Test
    void replayTakesEveryOptionInBothSpellings() throws UsageException {
        Command c = parse("replay", "--targets", "linmem,emscripten", "--page-size=64k", "--json", "out.json",
                "--html=r.html", "--csv", "r.csv", "--check", "--lenient", "-q", "a.strace", "b.malloc.gz");
        assertThat(c).isEqualTo(new Command.Replay(new ReplayOptions(List.of("linmem", "emscripten"),
                OptionalLong.of(65536), Optional.of(Path.of("out.json")), Optional.of(Path.of("r.html")),
                Optional.of(Path.of("r.csv")), ReplayOptions.Check.AFTER_EVERY_EVENT,
                ReplayOptions.MalformedLines.SKIP_AND_COUNT, ReplayOptions.Progress.NEVER),
                List.of(Path.of("a.strace"), Path.of("b.malloc.gz"))));
    }

    @Test
    void optionsMayFollowTracesAndDoubleDashEndsThem() throws UsageException {
        Command.Replay c = (Command.Replay) parse("replay", "a.strace", "--quiet", "--", "--odd-name");
        assertThat(c.traces()).containsExactly(Path.of("a.strace"), Path.of("--odd-name"));
        assertThat(c.options().progress()).isEqualTo(ReplayOptions.Progress.NEVER);
    }

    @Test
    void demoAcceptsOutputOptionsButNoTrace() throws UsageException {
        Command.Demo d = (Command.Demo) parse("--html", "x.html", "--quiet");
        assertThat(d.options().html()).contains(Path.of("x.html"));
        assertUsageError("demo takes no trace", "demo", "a.strace");
    }

    @Test
    void convertAndStatsTakeExactlyTheirOperands() throws UsageException {
        assertThat(parse("convert", "in.strace", "out.lmt")).isEqualTo(
                new Command.Convert(Path.of("in.strace"), Path.of("out.lmt")));
        assertThat(parse("stats", "t.malloc")).isEqualTo(new Command.Stats(Path.of("t.malloc")));
        assertUsageError("convert needs IN and OUT, got none", "convert");
        assertUsageError("convert needs IN and OUT, got 3 arguments", "convert", "a", "b", "c");
        assertUsageError("stats needs exactly one TRACE", "stats");
        assertUsageError("stats takes no option --json", "stats", "--json", "x");
    }

    @Test
    void malformedCommandLinesAreUsageErrorsSayingWhatIsWrong() {
        assertUsageError("unknown command 'frobnicate'", "frobnicate");
        assertUsageError("replay needs at least one TRACE", "replay", "--quiet");
        assertUsageError("unknown option --tragets", "replay", "--tragets", "x", "t");
        assertUsageError("option --json needs a value", "replay", "t", "--json");
        assertUsageError("option --json given twice", "replay", "--json", "a", "--json=b", "t");
        assertUsageError("option --quiet given twice", "replay", "-q", "--quiet", "t");
        assertUsageError("option --check takes no value", "replay", "--check=yes", "t");
        assertUsageError("--targets has an empty name", "replay", "--targets", "a,,b", "t");
        assertUsageError("--targets names 'a' twice", "replay", "--targets", "a,b,a", "t");
        assertUsageError("--json FILE must not be empty", "replay", "--json=", "t");
    }

    @Test
    void pageSizesArePowersOfTwoFromFourToSixtyFourKib() throws UsageException {
        assertThat(CommandLineParser.pageSize("4096")).isEqualTo(4096);
        assertThat(CommandLineParser.pageSize("16k")).isEqualTo(16384);
        assertThat(CommandLineParser.pageSize("64KiB")).isEqualTo(65536);
        assertThat(CommandLineParser.pageSize("8K")).isEqualTo(8192);
        for (String bad : List.of("0", "2048", "5000", "128k", "-4096", "four", "", "99999999999999999999k")) {
            assertThatThrownBy(() -> CommandLineParser.pageSize(bad)).as(bad).isInstanceOf(UsageException.class)
                    .hasMessageContaining("--page-size");
        }
    }

    @Test
    void progressLineStaysQuietForTheFirstSecondAndErasesItself() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        long[] now = {0};
        ProgressLine line = ProgressLine.on(err, () -> now[0]);
        line.start("replaying linmem");
        now[0] = 999_000_000L;
        line.update(10, 100, 1_000);
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
        now[0] = 2_000_000_000L;
        line.update(50, 100, 5_000_000);
        String shown = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(shown).isEqualTo("\rlinmem: replaying linmem   50%  2.50 M events/s");
        now[0] = 2_100_000_000L;
        line.update(60, 100, 6_000_000);
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(shown);
        line.finish();
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
                .endsWith("\r" + " ".repeat(shown.length() - 1) + "\r");
        ProgressLine off = ProgressLine.disabled();
        off.start("x");
        off.update(1, 2, 3);
        off.finish();
    }
}
