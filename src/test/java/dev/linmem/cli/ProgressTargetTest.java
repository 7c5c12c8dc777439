package dev.linmem.cli;

import dev.linmem.replay.RecordedTrace;
import dev.linmem.replay.Replayer;
import dev.linmem.replay.Target;
import dev.linmem.replay.TargetOptions;
import dev.linmem.replay.TargetRegistry;
import dev.linmem.replay.TargetResult;
import dev.linmem.replay.trace.LoadedTrace;
import dev.linmem.replay.trace.Trace;
import dev.linmem.replay.trace.TraceInput;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress wrapper changes no figure of a replay, and shows and erases its line. */
class ProgressTargetTest {

    @Test
    void wrappedTargetReplaysToTheSameFiguresAndShowsProgress() throws IOException {
        LoadedTrace loaded;
        try (InputStream in = ProgressTargetTest.class.getResourceAsStream(Commands.DEMO_RESOURCE)) {
            loaded = Trace.open(TraceInput.of("php.strace", in.readAllBytes())).load();
        }
        RecordedTrace recorded = RecordedTrace.of(loaded, -1);
        assertThat(recorded.events().size()).isGreaterThan(4 * 1024);
        Target target = TargetRegistry.standard().targetNamed("php-on-linmem");
        Replayer replayer = new Replayer(TargetOptions.defaults());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        long[] now = {0};
        // Every look at the clock is 0.6 s later: quiet at the first update (1,024 events, 0.6 s
        // after the start), shown at every later one.
        ProgressLine line = ProgressLine.on(err, () -> now[0] += 600_000_000L);
        TargetResult plain = replayer.replay(recorded, target);
        TargetResult wrapped = replayer.replay(recorded, new ProgressTarget(target, line, "php.strace", 1024));

        assertThat(wrapped.name()).isEqualTo(plain.name());
        assertThat(wrapped).usingRecursiveComparison()
                .ignoringFields("replayNanos", "nsPerEvent")
                .isEqualTo(plain);
        line.finish();
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("\rlinmem: replaying php.strace on php-on-linmem   45%  ", "%  ",
                " events/s");
        // The line is erased at the end (Commands finishes it after each trace): blanks, then a
        // carriage return.
        assertThat(shown).endsWith(" \r");
    }
}
