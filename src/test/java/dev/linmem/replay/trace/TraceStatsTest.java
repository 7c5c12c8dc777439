package dev.linmem.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The figures of {@link TraceStats}: the facts the shared traces' notes state, and small cases. */
class TraceStatsTest {

    private static TraceStats stats(String shared) throws Exception {
        return TraceStats.of(Trace.open(TraceFiles.shared(shared)));
    }

    private static TraceStats statsOf(String text) throws Exception {
        return TraceStats.of(Trace.of(TraceFiles.text("t.strace", text), TraceFormat.STRACE));
    }

    @Test
    void phpStringsTrimsAndGrowsInPlaceAsRecorded() throws Exception {
        TraceStats s = stats("php-strings.strace");
        assertThat(s.munmaps().head()).isEqualTo(17);
        assertThat(s.munmaps().tail()).isEqualTo(32);
        assertThat(s.mremaps()).isEqualTo(new TraceStats.MremapOutcomes(4235, 0, 0, 0, 13));
        assertThat(s.failedCalls()).containsEntry(EventKind.MREMAP, 13L).hasSize(1);
        assertThat(s.calls()).containsEntry(EventKind.MREMAP, 4248L);
    }

    @Test
    void phpStringsNomremapGrowsByHints() throws Exception {
        TraceStats s = stats("php-strings-nomremap.strace");
        assertThat(s.hints()).isEqualTo(new TraceStats.Hints(4235, 13));
        assertThat(s.munmaps().several()).isEqualTo(17);
        assertThat(s.munmaps().head()).isEqualTo(17);
        assertThat(s.munmaps().tail()).isEqualTo(32);
        assertThat(s.calls()).doesNotContainKey(EventKind.MREMAP);
    }

    @Test
    void pythonMremapsInPlaceAndMoved() throws Exception {
        TraceStats s = stats("python-alloc.strace");
        assertThat(s.mremaps()).isEqualTo(new TraceStats.MremapOutcomes(15, 0, 0, 9, 0));
        assertThat(s.peakLiveBytes()).isEqualTo(s.peakMappedBytes()).isPositive();
        assertThat(s.peakHeapBytes()).isZero();
    }

    @Test
    void heapTracesPeakOnLiveBlocks() throws Exception {
        TraceStats ltrace = stats("sqlite-small.ltrace");
        TraceStats shim = stats("sqlite-small.malloc");
        assertThat(ltrace.peakMappedBytes()).isZero();
        assertThat(ltrace.peakLiveBytes()).isEqualTo(ltrace.peakHeapBytes()).isBetween(1L << 20, 8L << 20);
        // the recorder sees slightly more calls than ltrace: the peaks agree within 1%
        assertThat((double) shim.peakHeapBytes()).isCloseTo(ltrace.peakHeapBytes(),
                org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void munmapShapes() throws Exception {
        String text = String.join("\n",
                "mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x10000",
                "munmap(0x10000, 4096) = 0",                 // head
                "munmap(0x13000, 4096) = 0",                 // tail
                "mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x20000",
                "munmap(0x21000, 4096) = 0",                 // middle
                "munmap(0x20000, 16384) = 0",                // several (the two pieces left)
                "munmap(0x11000, 8192) = 0",                 // whole
                "munmap(0x90000, 4096) = 0",                 // unmapped
                "munmap(0x90000, 4096) = -1 EINVAL (Invalid argument)",
                "");
        TraceStats s = statsOf(text);
        assertThat(s.munmaps()).isEqualTo(new TraceStats.MunmapShapes(1, 1, 1, 1, 1, 1));
        assertThat(s.munmaps().partial()).isEqualTo(4);
        assertThat(s.failedCalls()).containsEntry(EventKind.MUNMAP, 1L);
        assertThat(s.peakMappedBytes()).isEqualTo(16384 + 8192);
    }

    @Test
    void hintsFileMappingsAndBreak() throws Exception {
        String text = String.join("\n",
                "brk(NULL) = 0x5000",
                "brk(0x7800) = 0x7800",                      // 0x5000..0x8000 page-rounded: 12 KiB
                "mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3, 0) = 0x40000",
                "mmap(0x41000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x41000",
                "mprotect(0x40000, 4096, PROT_READ) = 0",
                "mmap(0x50000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x50000",
                "mmap(0x51000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x60000",
                "munmap(0x40000, 8192) = 0",
                "brk(0x6000) = 0x6000",
                "");
        TraceStats s = statsOf(text);
        assertThat(s.hints()).isEqualTo(new TraceStats.Hints(1, 1));
        assertThat(s.fileBackedMmaps()).as("the file and the .bss overlay inside it").isEqualTo(2);
        assertThat(s.fileTargetedCalls()).as("mprotect and munmap of the file").isEqualTo(2);
        assertThat(s.peakMappedBytes()).isEqualTo(12288 + 8192);
    }
}
