package dev.linmem.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The registry: names, and detection by content whatever the file is called. */
class TraceFormatTest {

    @Test
    void namesRoundTrip() {
        for (TraceFormat f : TraceFormat.values()) {
            assertThat(TraceFormat.byName(f.formatName())).isSameAs(f);
            assertThat(TraceFormat.byName(f.formatName().toUpperCase())).isSameAs(f);
        }
        assertThatThrownBy(() -> TraceFormat.byName("perf"))
                .hasMessage("unknown trace format 'perf', expected one of [compact, malloc, ltrace, strace]");
    }

    @Test
    void detectionIgnoresTheFileName() throws Exception {
        String[][] cases = {
            {"php-strings.strace", "strace"}, {"python-alloc.strace", "strace"},
            {"php-strings.malloc", "malloc"}, {"sqlite-small.malloc", "malloc"}, {"sqlite-small.ltrace", "ltrace"},
        };
        for (String[] c : cases) {
            byte[] bytes = TraceFiles.shared(c[0]).head(Integer.MAX_VALUE);
            assertThat(TraceFormat.detect(TraceInput.of("trace.txt", bytes)).formatName()).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void mallocFileOfOnlyMmapCallsIsNotStrace() throws Exception {
        String text = "17073 mmap(0x0, 2097152, 3, 34, -1, 0) = 0x7f657a000000\n"
                + "17073 munmap(0x7f657a000000, 2097152) = 0\n";
        assertThat(TraceFormat.detect(TraceFiles.text("x", text))).isEqualTo(TraceFormat.MALLOC);
    }

    @Test
    void gzipIsRecognisedByMagicNotName() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write("brk(NULL) = 0x5000\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        Trace t = Trace.open(TraceInput.of("plain-name", gz.toByteArray()));
        assertThat(t.format()).isEqualTo(TraceFormat.STRACE);
        assertThat(t.load().events()).hasSize(2);
    }

    @Test
    void singleLineWithoutNewlineIsDetected() throws Exception {
        assertThat(TraceFormat.detect(TraceFiles.text("x", "17079 prog->malloc(5) = 0x10")))
                .isEqualTo(TraceFormat.LTRACE);
    }
}
