package dev.linmem.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Malformed input: strict reading stops with the file, the line and what was expected; lenient
 * reading skips and counts. One case per kind of damage, in every text format, and the compact
 * format's own damages.
 */
class MalformedTraceTest {

    private static final String STRACE_GOOD_1 =
            "16616 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fcc99184000";
    private static final String STRACE_GOOD_2 = "16616 munmap(0x7fcc99184000, 8192) = 0";

    private static String straceWith(String bad) {
        return STRACE_GOOD_1 + "\n" + bad + "\n" + STRACE_GOOD_2 + "\n";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " ~ ", quoteCharacter = '`', value = {
        "truncated line ~ 16616 mmap(NULL, 8192, PROT_READ|PROT_WR ~ ' = result' after the arguments of mmap (is the line truncated?)",
        "garbage ~ hello, world ~ a call 'name(arguments) = result'",
        "unknown call ~ 16616 openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3 ~ a traced call (mmap, munmap",
        "binary bytes ~ 16616 mm\u0000\u0001\u00ffap(0) = 0 ~ a line of text, found binary bytes",
        "argument count ~ 16616 munmap(0x7fcc99184000) = 0 ~ 2 arguments of munmap, found 1",
        "bad number ~ 16616 munmap(0x7fcc99184000, 81x92) = 0 ~ munmap's length as a number, found '81x92'",
        "errno missing ~ 16616 munmap(0x7fcc99184000, 8192) = -1 ~ an errno name after the result -1 of munmap",
        "resumed alone ~ 16616 <... mmap resumed>) = 0x7fcc99184000 ~ an unfinished mmap call of tid 16616",
    })
    void straceStrictNamesFileLineAndExpectation(String kind, String bad, String expected) throws Exception {
        Trace trace = Trace.of(TraceFiles.text("bad.strace", straceWith(bad)), TraceFormat.STRACE);
        assertThatThrownBy(trace::load)
                .isInstanceOfSatisfying(MalformedTraceException.class, e -> {
                    assertThat(e.source()).isEqualTo("bad.strace");
                    assertThat(e.lineNumber()).isEqualTo(2);
                    assertThat(e.expected()).startsWith(expected);
                    assertThat(e.getMessage()).startsWith("bad.strace:2: expected ");
                });
    }

    @Test
    void straceLenientSkipsAndCounts() throws Exception {
        String text = straceWith("16616 mmap(NULL, 8192, PROT_READ|PROT_WR")
                + "hello, world\n"
                + "16616 openat(AT_FDCWD, \"x\", O_RDONLY) = 3\n"
                + "16616 \u0000\u0001\n"
                + STRACE_GOOD_2 + "\n";
        LoadedTrace t = Trace.of(TraceFiles.text("bad.strace", text), TraceFormat.STRACE)
                .withLeniency(Leniency.LENIENT).load();
        assertThat(t.summary().skippedLines()).isEqualTo(4);
        assertThat(t.summary().firstProblems()).hasSize(4).first().asString().startsWith("bad.strace:2: expected");
        assertThat(t.events()).extracting(TraceEvent::kind).containsExactly(
                EventKind.ADDRESS_SPACE_START, EventKind.MMAP, EventKind.MUNMAP, EventKind.MUNMAP);
        assertThat(t.events()).extracting(TraceEvent::line).containsExactly(1, 1, 3, 7);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " ~ ", quoteCharacter = '`', value = {
        "truncated line ~ 17073 malloc(72704) = ~ a result after '=' of malloc",
        "truncated args ~ 17073 realloc(0x5632f9c0af30, 40 ~ ')' closing the arguments of realloc",
        "garbage ~ hello, world ~ '<tid> <call>(<arguments>) = <result>'",
        "unknown call ~ 17073 strdup(0x5632f9c0af30) = 0x5632f9c0b000 ~ a call of the malloc family",
        "binary bytes ~ 17073 ma\u0001\u0002lloc(16) = 0x10 ~ a line of text, found binary bytes",
        "free result ~ 17073 free(0x5632f9c0af30) = 0 ~ '= <void>' after free",
    })
    void mallocStrict(String kind, String bad, String expected) throws Exception {
        String text = "# tid 17073 pid 17073\n17073 malloc(16) = 0x5632f9c0af30\n" + bad + "\n";
        Trace trace = Trace.of(TraceFiles.text("bad.malloc", text), TraceFormat.MALLOC);
        assertThatThrownBy(trace::load)
                .isInstanceOfSatisfying(MalformedTraceException.class, e -> {
                    assertThat(e.lineNumber()).isEqualTo(3);
                    assertThat(e.expected()).startsWith(expected);
                });
        LoadedTrace lenient = trace.withLeniency(Leniency.LENIENT).load();
        assertThat(lenient.summary().skippedLines()).isEqualTo(1);
        assertThat(lenient.events()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " ~ ", quoteCharacter = '`', value = {
        "truncated line ~ 17079 libsqlite3.so.0->malloc(48)     =  ~ a result after '=' of malloc",
        "unknown call ~ 17079 libsqlite3.so.0->strlen(\"x\") = 1 ~ a call of the malloc family",
        "garbage ~ hello, world ~ a call '[caller->]name(arguments) = result'",
    })
    void ltraceStrict(String kind, String bad, String expected) throws Exception {
        String text = "17079 libsqlite3.so.0->malloc(48) = 0x55a7f6ed32a0\n" + bad + "\n";
        Trace trace = Trace.of(TraceFiles.text("bad.ltrace", text), TraceFormat.LTRACE);
        assertThatThrownBy(trace::load)
                .isInstanceOfSatisfying(MalformedTraceException.class, e -> {
                    assertThat(e.lineNumber()).isEqualTo(2);
                    assertThat(e.expected()).startsWith(expected);
                });
    }

    @Test
    void emptyFileIsAnErrorInEveryMode() {
        TraceInput empty = TraceFiles.text("empty.strace", "");
        assertThatThrownBy(() -> Trace.open(empty)).isInstanceOf(MalformedTraceException.class)
                .hasMessage("empty.strace: expected a trace, found an empty file");
        for (TraceFormat f : TraceFormat.values()) {
            for (Leniency l : Leniency.values()) {
                assertThatThrownBy(() -> Trace.of(empty, f).withLeniency(l).load()).as(f + " " + l)
                        .isInstanceOf(MalformedTraceException.class)
                        .hasMessageContaining("empty file");
            }
        }
    }

    @Test
    void unrecognisedContentIsNamed() {
        assertThatThrownBy(() -> Trace.open(TraceFiles.text("notes.txt", "hello\nworld\n")))
                .isInstanceOf(MalformedTraceException.class)
                .hasMessage("notes.txt:1: expected a trace in one of the formats strace, ltrace, malloc or compact,"
                        + " found \"hello\"");
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 7);
        }
        assertThatThrownBy(() -> Trace.open(TraceInput.of("blob.bin", binary)))
                .isInstanceOf(MalformedTraceException.class);
    }

    @Test
    void truncatedGzipIsNamed() throws Exception {
        byte[] gz = TraceFiles.shared("php-strings.strace").head(Integer.MAX_VALUE);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(whole)) {
            z.write(gz);
        }
        byte[] cut = Arrays.copyOf(whole.toByteArray(), whole.size() / 2);
        assertThatThrownBy(() -> Trace.of(TraceInput.of("cut.strace.gz", cut), TraceFormat.STRACE).load())
                .isInstanceOf(MalformedTraceException.class)
                .hasMessageStartingWith("cut.strace.gz: expected complete gzip data (");
        ByteArrayOutputStream compact = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(compact)) {
            TraceConverter.convert(Trace.of(TraceInput.of("x", gz), TraceFormat.STRACE), z);
        }
        byte[] cutCompact = Arrays.copyOf(compact.toByteArray(), compact.size() / 2);
        assertThatThrownBy(() -> Trace.of(TraceInput.of("cut.lmt.gz", cutCompact), TraceFormat.COMPACT).load())
                .isInstanceOf(MalformedTraceException.class)
                .hasMessageContaining("expected complete gzip data");
    }

    private static byte[] compactOf(String straceText) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceConverter.convert(Trace.of(TraceFiles.text("x.strace", straceText), TraceFormat.STRACE), out);
        return out.toByteArray();
    }

    @Test
    void compactDamage() throws Exception {
        byte[] good = compactOf(STRACE_GOOD_1 + "\n" + STRACE_GOOD_2 + "\n");
        assertThat(Trace.of(TraceInput.of("ok.lmt", good), TraceFormat.COMPACT).load().events()).hasSize(3);

        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        assertThatThrownBy(() -> Trace.open(TraceInput.of("cut.lmt", truncated)).load())
                .isInstanceOf(MalformedTraceException.class)
                .hasMessageContaining("cut.lmt: expected ").hasMessageContaining("(the file ends early)");

        byte[] badVersion = good.clone();
        badVersion[8] = 9;
        assertThatThrownBy(() -> Trace.of(TraceInput.of("v9.lmt", badVersion), TraceFormat.COMPACT).load())
                .hasMessageContaining("format version 1, found 9");

        byte[] badKind = good.clone();
        int firstRecord = 9 + 1 + "strace".length() + 1 + "x.strace".length();
        badKind[firstRecord] = 0x40;
        assertThatThrownBy(() -> Trace.of(TraceInput.of("k.lmt", badKind), TraceFormat.COMPACT).load())
                .hasMessageContaining("a record's kind code below 17 or 0xff, found 64 in record 1 at byte "
                        + firstRecord);

        byte[] text = "16616 munmap(0x1000, 8192) = 0\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Trace.of(TraceInput.of("t.lmt", text), TraceFormat.COMPACT).load())
                .hasMessageContaining("magic bytes");
    }
}
