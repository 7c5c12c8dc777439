package dev.linmem.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Exit codes and messages of the command line (the demo's end-to-end run is in {@link DemoTest}). */
class MainTest {

    @TempDir
    Path dir;

    @Test
    void helpPrintsTheUsageAndTheStrategiesAndExitsZero() {
        CliRun run = CliRun.in(dir, "--help");
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("usage: linmem [demo] [OPTIONS]")
                .contains("linmem replay [OPTIONS] TRACE...", "--page-size N", "exit status", "strategies:");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void usageErrorsExitTwoWithTheMessageAndTheUsageLine() {
        CliRun run = CliRun.in(dir, "replay", "--frobnicate", "x.strace");
        assertThat(run.status()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).startsWith("linmem: unknown option --frobnicate\nusage: linmem [demo]");
        assertThat(run.out()).isEmpty();
        assertThat(CliRun.in(dir, "replay").status()).isEqualTo(2);
        assertThat(CliRun.in(dir, "convert", "only-one").status()).isEqualTo(2);
        assertThat(CliRun.in(dir, "bogus").status()).isEqualTo(2);
    }

    @Test
    void anUnknownStrategyIsAUsageErrorListingTheKnownOnes() throws IOException {
        Path trace = write("t.strace", "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)"
                + " = 0x7f0000000000\n");
        CliRun run = CliRun.in(dir, "replay", "--targets", "no-such-strategy", trace.toString());
        assertThat(run.status()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("unknown target 'no-such-strategy'", "known:");
    }

    @Test
    void aMissingTraceExitsOneNamingTheFile() {
        CliRun run = CliRun.in(dir, "replay", "--quiet", "missing.strace");
        assertThat(run.status()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("linmem: cannot read " + dir.resolve("missing.strace") + ": no such file\n");
    }

    @Test
    void aMalformedTraceExitsOneNamingTheFileAndLine() throws IOException {
        Path trace = write("bad.strace", ""
                + "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\n"
                + "100 munmap(0x7f0000000000, 8192) = 0\n"
                + "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f00000\n"
                + "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS\n");
        CliRun run = CliRun.in(dir, "replay", trace.toString());
        assertThat(run.status()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("linmem: " + trace + ":4: expected ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void binaryGarbageIsNotATraceAndExitsOne() throws IOException {
        Path garbage = dir.resolve("garbage.bin");
        byte[] bytes = new byte[4096];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(garbage, bytes);
        CliRun run = CliRun.in(dir, "stats", garbage.toString());
        assertThat(run.status()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("linmem: " + garbage);
    }

    @Test
    void anUnwritableReportExitsOneNamingTheFile() throws IOException {
        Path trace = write("ok.strace",
                "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\n");
        Path report = dir.resolve("no-such-dir").resolve("r.json");
        CliRun run = CliRun.in(dir, "replay", "--json", report.toString(), trace.toString());
        assertThat(run.status()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("linmem: cannot write " + report + ": no such directory "
                + report.getParent() + "\n");
        assertThat(run.out()).as("checked before replaying").isEmpty();
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.ISO_8859_1);
        return p;
    }
}
