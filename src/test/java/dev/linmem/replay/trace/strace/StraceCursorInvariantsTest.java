package dev.linmem.replay.trace.strace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.replay.trace.TraceInput;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The cursor's invariants hold after every event of the every-line-kind excerpt. */
class StraceCursorInvariantsTest {

    @Test
    void invariantsAfterEveryEvent() throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/dev/linmem/replay/trace/every-line-kind.strace")) {
            bytes = in.readAllBytes();
        }
        TraceInput input = TraceInput.of("every-line-kind.strace", bytes);
        int events = 0;
        try (StraceCursor cursor = new StraceCursor(input, Leniency.STRICT, ChildScanner.scan(input))) {
            cursor.checkInvariants();
            for (TraceEvent e = cursor.next(); e != null; e = cursor.next()) {
                cursor.checkInvariants();
                events++;
            }
        }
        assertThat(events).isEqualTo(20);
    }

    @Test
    void childScannerFindsThreadsAndForks() throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/dev/linmem/replay/trace/every-line-kind.strace")) {
            bytes = in.readAllBytes();
        }
        assertThat(ChildScanner.scan(TraceInput.of("x", bytes))).containsOnly(
                java.util.Map.entry(16617, new Child(16616, Child.Sharing.SHARED)),
                java.util.Map.entry(16618, new Child(16616, Child.Sharing.COPIED)),
                java.util.Map.entry(16619, new Child(16616, Child.Sharing.COPIED)));
    }
}
