package dev.linmem.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every trace converted to the compact format reads back as the same events and summary. */
class CompactRoundTripTest {

    private static LoadedTrace roundTrip(Trace source) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceConverter.convert(source, out);
        Trace compact = Trace.open(TraceInput.of(source.name() + ".lmt", out.toByteArray()));
        assertThat(compact.format()).isEqualTo(TraceFormat.COMPACT);
        return compact.load();
    }

    @Test
    void everySharedTrace() throws Exception {
        for (String name : TraceFiles.SHARED) {
            Trace source = Trace.open(TraceFiles.shared(name));
            LoadedTrace original = source.load();
            LoadedTrace copy = roundTrip(source);
            assertThat(copy.events()).as(name).isEqualTo(original.events());
            assertThat(copy.spaces()).as(name).isEqualTo(original.spaces());
            ReadSummary a = original.summary();
            ReadSummary b = copy.summary();
            assertThat(List.of(b.lines(), b.events(), b.ignoredLines(), b.interruptedCalls(), b.skippedLines()))
                    .as(name).containsExactly(a.lines(), a.events(), a.ignoredLines(), a.interruptedCalls(), a.skippedLines());
        }
    }

    @Test
    void everyExcerpt() throws Exception {
        for (String name : new String[] {"every-line-kind.strace", "no-prefix.strace", "pid-brackets.strace", "timestamps.strace",
            "every-line-kind.ltrace", "pid-brackets.ltrace", "every-line-kind.malloc"}) {
            Trace source = Trace.open(TraceFiles.resource("/dev/linmem/replay/trace/" + name, name));
            assertThat(roundTrip(source).events()).as(name).isEqualTo(source.load().events());
        }
    }

    @Test
    void compactIsSmallerThanTheText(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("php-strings.malloc");
        Files.write(text, TraceFiles.shared("php-strings.malloc").head(Integer.MAX_VALUE));
        Path out = dir.resolve("php-strings.lmt");
        TraceConverter.Result r = TraceConverter.convert(text, out);
        assertThat(r.events()).isEqualTo(44350);
        assertThat(r.outputBytes()).isEqualTo(Files.size(out)).isLessThan(r.inputBytes() / 3);
        Path gz = dir.resolve("php-strings.lmt.gz");
        TraceConverter.Result z = TraceConverter.convert(text, gz);
        assertThat(z.outputBytes()).isLessThan(r.outputBytes());
        assertThat(Trace.open(gz).load().events()).isEqualTo(Trace.open(out).load().events());
    }

    /** Extreme values: every pointer coding (null, delta, absolute), negative and 64-bit sizes. */
    @Test
    void extremeValues() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        long[] interesting = {0, 1, -1, -12, -4095, -4096, Long.MIN_VALUE, Long.MAX_VALUE, 0x7fffffffffffL,
            0xffffffffffffffffL, TraceEvent.UNKNOWN_ADDRESS, 0x8000000000000000L + 5};
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent.AddressSpaceStart(1, 5, 0, -1, TraceEvent.Origin.FORK));
        for (int i = 0; i < 2000; i++) {
            long a = rnd.nextBoolean() ? interesting[rnd.nextInt(interesting.length)] : rnd.nextLong();
            long b = rnd.nextBoolean() ? interesting[rnd.nextInt(interesting.length)] : rnd.nextLong();
            int line = rnd.nextInt(Integer.MAX_VALUE);
            int tid = rnd.nextInt();
            switch (rnd.nextInt(4)) {
                case 0 -> events.add(new TraceEvent.Mmap(line, tid, 0, a, b, rnd.nextInt(), rnd.nextInt(), rnd.nextInt(),
                        b, a));
                case 1 -> events.add(new TraceEvent.Mremap(line, tid, 0, a, b, a, rnd.nextInt(), b, a));
                case 2 -> events.add(new TraceEvent.PosixMemalign(line, tid, 0, a, b, a, rnd.nextInt()));
                default -> events.add(new TraceEvent.Reallocarray(line, tid, 0, a, b, a, b));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dev.linmem.replay.trace.compact.CompactWriter w =
                new dev.linmem.replay.trace.compact.CompactWriter(out, "test", "random");
        for (TraceEvent e : events) {
            w.write(e);
        }
        w.finish(new ReadSummary(0, events.size(), 0, 0, 0, List.of()));
        List<TraceEvent> back = new ArrayList<>();
        try (EventCursor c = Trace.of(TraceInput.of("r", out.toByteArray()), TraceFormat.COMPACT).cursor()) {
            for (TraceEvent e = c.next(); e != null; e = c.next()) {
                back.add(e);
            }
        }
        assertThat(back).isEqualTo(events);
    }
}
