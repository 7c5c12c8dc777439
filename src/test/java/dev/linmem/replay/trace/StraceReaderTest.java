package dev.linmem.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.space.Errno;
import dev.linmem.space.Mman;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strace reader on excerpts holding every line kind the trace notes list. */
class StraceReaderTest {

    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int PRIVATE_ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private static LoadedTrace load(String resource) throws Exception {
        Trace trace = Trace.open(TraceFiles.resource("/dev/linmem/replay/trace/" + resource, resource));
        assertThat(trace.format()).isEqualTo(TraceFormat.STRACE);
        return trace.load();
    }

    @Test
    void everyLineKind() throws Exception {
        LoadedTrace t = load("every-line-kind.strace");
        assertThat(t.events()).containsExactly(
                new TraceEvent.AddressSpaceStart(1, 16616, 0, -1, TraceEvent.Origin.EXEC),
                new TraceEvent.Brk(2, 16616, 0, 0, 0x563992f64000L),
                new TraceEvent.Mmap(3, 16616, 0, 0, 8192, RW, PRIVATE_ANON, -1, 0, 0x7fcc99184000L),
                new TraceEvent.Mmap(4, 16616, 0, 0, 34547, Mman.PROT_READ, Mman.MAP_PRIVATE, 3, 0, 0x7fcc9917b000L),
                new TraceEvent.Mmap(5, 16616, 0, 0x7fcc990ab000L, 475136, Mman.PROT_READ | Mman.PROT_EXEC,
                        Mman.MAP_PRIVATE | Mman.MAP_FIXED | Mman.MAP_DENYWRITE, 3, 0x10000, 0x7fcc990ab000L),
                new TraceEvent.Munmap(6, 16616, 0, 0x7fcc9917b000L, 34547, 0),
                new TraceEvent.Mprotect(7, 16616, 0, 0x7fcc990ab000L, 4096, Mman.PROT_READ, 0),
                new TraceEvent.Madvise(8, 16616, 0, 0x7fcc99184000L, 8192, Mman.MADV_DONTNEED, 0),
                new TraceEvent.Madvise(9, 16616, 0, 0x7fcc99184000L, 8192, Mman.MADV_DONTFORK, 0),
                // a hex number in the list keeps its bits; an unknown name is opaque
                new TraceEvent.Mmap(10, 16616, 0, 0, 4096, RW, PRIVATE_ANON | 0x800000, -1, 0, 0x7fcc99000000L),
                new TraceEvent.Mremap(11, 16616, 0, 0x7fcc95000000L, 4182016, 4198400, 0, 0, Errno.ENOMEM.result()),
                new TraceEvent.Mremap(12, 16616, 0, 0x7f53961d7000L, 249856, 278528, Mman.MREMAP_MAYMOVE, 0,
                        0x7f5396193000L),
                new TraceEvent.Mremap(13, 16616, 0, 0x7f5396193000L, 278528, 8192,
                        Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED, 0x7f0000000000L, 0x7f0000000000L),
                new TraceEvent.Brk(14, 16616, 0, 0x563992f85000L, 0x563992f85000L),
                // a thread (clone3 with CLONE_VM) shares space 0; its split mmap keeps its first line
                new TraceEvent.Mmap(16, 16617, 0, 0, 134217728, Mman.PROT_NONE, PRIVATE_ANON | Mman.MAP_NORESERVE,
                        -1, 0, 0x7f533ee00000L),
                // a fork child seen before the parent's clone resumes: its own space, from space 0
                new TraceEvent.AddressSpaceStart(20, 16618, 1, 0, TraceEvent.Origin.FORK),
                new TraceEvent.Munmap(20, 16618, 1, 0x7fcc99184000L, 8192, 0),
                // the failed execve changes nothing; the successful one starts space 2
                new TraceEvent.AddressSpaceStart(23, 16618, 2, 1, TraceEvent.Origin.EXEC),
                new TraceEvent.Brk(24, 16618, 2, 0, 0x55d0c0000000L),
                new TraceEvent.Munmap(32, 16616, 0, 0x7fcc99000000L, 4096, 0));
        ReadSummary s = t.summary();
        assertThat(s.lines()).isEqualTo(33);
        assertThat(s.interruptedCalls()).as("an unfinished mmap cut by exit, an mmap = ?").isEqualTo(2);
        assertThat(s.ignoredLines()).as("2 clone resumes, failed execve, vfork, 4 exits, a signal").isEqualTo(9);
        assertThat(s.skippedLines()).isZero();
        assertThat(t.spaces()).extracting(AddressSpaceInfo::events).containsExactly(15L, 1L, 1L);
        assertThat(t.largestSpace().space()).isZero();
        assertThat(t.events().get(10).failed()).isTrue();
    }

    @Test
    void withoutPidPrefix() throws Exception {
        LoadedTrace t = load("no-prefix.strace");
        assertThat(t.events()).containsExactly(
                new TraceEvent.AddressSpaceStart(1, 0, 0, -1, TraceEvent.Origin.EXEC),
                new TraceEvent.Brk(2, 0, 0, 0, 0x564256eee000L),
                new TraceEvent.Mmap(3, 0, 0, 0, 8192, RW, PRIVATE_ANON, -1, 0, 0x7f1e5cc26000L),
                new TraceEvent.Munmap(4, 0, 0, 0x7f1e5cc26000L, 8192, 0));
    }

    @Test
    void bracketedPidPrefixAndThreadInterleaving() throws Exception {
        LoadedTrace t = load("pid-brackets.strace");
        assertThat(t.events()).containsExactly(
                new TraceEvent.AddressSpaceStart(1, 0, 0, -1, TraceEvent.Origin.EXEC),
                new TraceEvent.Mmap(2, 0, 0, 0, 8192, RW, PRIVATE_ANON, -1, 0, 0x7f1e5cc26000L),
                new TraceEvent.Mmap(5, 0, 0, 0, 4096, Mman.PROT_READ, PRIVATE_ANON, -1, 0, 0x7f1e5cc25000L),
                new TraceEvent.Mmap(4, 4242, 0, 0, 134217728, Mman.PROT_NONE, PRIVATE_ANON | Mman.MAP_NORESERVE,
                        -1, 0, 0x7f1e54000000L));
        assertThat(t.spaces()).hasSize(1);
    }

    @Test
    void timestampsDurationsAndFdPathsAreSkipped() throws Exception {
        LoadedTrace t = load("timestamps.strace");
        assertThat(t.events()).containsExactly(
                new TraceEvent.AddressSpaceStart(1, 16616, 0, -1, TraceEvent.Origin.INITIAL),
                new TraceEvent.Mmap(1, 16616, 0, 0, 8192, RW, PRIVATE_ANON, -1, 0, 0x7fcc99184000L),
                new TraceEvent.Munmap(2, 16616, 0, 0x7fcc99184000L, 8192, 0),
                new TraceEvent.AddressSpaceStart(3, 0, 1, -1, TraceEvent.Origin.INITIAL),
                new TraceEvent.Brk(3, 0, 1, 0, 0x563992f64000L),
                // strace -y prints the fd's path
                new TraceEvent.Mmap(4, 16616, 0, 0, 913680, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_DENYWRITE, 3,
                        0, 0x7fcc9909b000L));
    }

    @Test
    void streamingCursorReturnsTheSameEventsAndCountsBytes() throws Exception {
        Trace trace = Trace.open(TraceFiles.resource("/dev/linmem/replay/trace/every-line-kind.strace", "x"));
        List<TraceEvent> loaded = trace.load().events();
        try (EventCursor cursor = trace.cursor()) {
            for (TraceEvent expected : loaded) {
                assertThat(cursor.next()).isEqualTo(expected);
            }
            assertThat(cursor.next()).isNull();
            assertThat(cursor.next()).isNull();
            assertThat(cursor.inputBytesRead()).isEqualTo(trace.input().sizeBytes());
        }
    }
}
