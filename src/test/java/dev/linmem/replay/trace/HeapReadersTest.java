package dev.linmem.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.space.Errno;
import org.junit.jupiter.api.Test;

/** The ltrace and .malloc readers on excerpts holding every call and line kind. */
class HeapReadersTest {

    private static LoadedTrace load(String resource, TraceFormat expected) throws Exception {
        Trace trace = Trace.open(TraceFiles.resource("/dev/linmem/replay/trace/" + resource, resource));
        assertThat(trace.format()).isEqualTo(expected);
        return trace.load();
    }

    @Test
    void ltraceEveryLineKind() throws Exception {
        LoadedTrace t = load("every-line-kind.ltrace", TraceFormat.LTRACE);
        assertThat(t.events()).containsExactly(
                new TraceEvent.AddressSpaceStart(1, 17079, 0, -1, TraceEvent.Origin.INITIAL),
                new TraceEvent.Malloc(1, 17079, 0, 48, 0x55a7f6ed32a0L),
                new TraceEvent.Realloc(2, 17079, 0, 0, 100, 0x55a7f6ed3a70L),
                new TraceEvent.Calloc(3, 17079, 0, 4, 25, 0x55a7f6ed3b00L),
                // ltrace shows &memptr; the pointer is recovered from its free on line 12
                new TraceEvent.PosixMemalign(4, 17079, 0, 64, 1000, 0x55a7f6ed4040L, 0),
                new TraceEvent.AlignedAlloc(5, 17079, 0, 4096, 8192, 0x55a7f6ef0000L),
                new TraceEvent.Memalign(6, 17079, 0, 128, 256, 0x55a7f6ef4000L),
                new TraceEvent.Malloc(8, 17079, 0, 1099511627776L, 0),
                new TraceEvent.Malloc(7, 17080, 0, 16, 0x7f0000000010L),
                new TraceEvent.Free(11, 17079, 0, 0x55a7f6ed32a0L),
                new TraceEvent.Free(12, 17079, 0, 0x55a7f6ed4040L),
                new TraceEvent.Free(13, 17079, 0, 0),
                // never used again: unknown
                new TraceEvent.PosixMemalign(14, 17079, 0, 4096, 100, TraceEvent.UNKNOWN_ADDRESS, 0));
        assertThat(t.events().get(7).failed()).as("malloc returning NULL (ltrace prints 0)").isTrue();
        assertThat(t.summary().ignoredLines()).as("signal and exit").isEqualTo(2);
    }

    @Test
    void ltraceBracketedPidsAndTimestamps() throws Exception {
        LoadedTrace t = load("pid-brackets.ltrace", TraceFormat.LTRACE);
        assertThat(t.events()).containsExactly(
                new TraceEvent.AddressSpaceStart(1, 17079, 0, -1, TraceEvent.Origin.INITIAL),
                new TraceEvent.Malloc(1, 17079, 0, 48, 0x55a7f6ed32a0L),
                new TraceEvent.Free(2, 17080, 0, 0x55a7f6ed32a0L),
                // timestamps (-tt, -ttt) and durations (-T) are skipped
                new TraceEvent.Malloc(3, 17079, 0, 8, 0x55a7f6ed3000L),
                new TraceEvent.Malloc(4, 0, 0, 9, 0x55a7f6ed3020L));
    }

    @Test
    void mallocEveryCall() throws Exception {
        LoadedTrace t = load("every-line-kind.malloc", TraceFormat.MALLOC);
        assertThat(t.events()).containsExactly(
                new TraceEvent.AddressSpaceStart(2, 17073, 0, -1, TraceEvent.Origin.INITIAL),
                new TraceEvent.Malloc(2, 17073, 0, 72704, 0x5632f9bf92a0L),
                new TraceEvent.Calloc(3, 17073, 0, 4, 25, 0x5632f9c0aeb0L),
                new TraceEvent.Realloc(4, 17073, 0, 0, 100, 0x5632f9c0af30L),
                new TraceEvent.Realloc(5, 17073, 0, 0x5632f9c0af30L, 4000, 0x5632f9c0b000L),
                new TraceEvent.Reallocarray(6, 17073, 0, 0x5632f9c0b000L, 10, 500, 0x5632f9c0c000L),
                new TraceEvent.Free(7, 17073, 0, 0),
                new TraceEvent.Free(8, 17073, 0, 0x5632f9bf92a0L),
                new TraceEvent.PosixMemalign(9, 17073, 0, 64, 100, 0x5632f9c10000L, 0),
                new TraceEvent.PosixMemalign(10, 17073, 0, 64, 1099511627776L, 0, Errno.ENOMEM.number()),
                new TraceEvent.AlignedAlloc(11, 17073, 0, 4096, 8192, 0x5632f9c20000L),
                new TraceEvent.Memalign(12, 17073, 0, 128, 256, 0x5632f9c30000L),
                new TraceEvent.Valloc(13, 17073, 0, 100, 0x5632f9c40000L),
                new TraceEvent.Pvalloc(14, 17073, 0, 100, 0x5632f9c50000L),
                new TraceEvent.Malloc(15, 17073, 0, 1099511627776L, 0),
                new TraceEvent.Mmap(16, 17073, 0, 0, 2097152, 3, 34, -1, 0, 0x7f657a000000L),
                new TraceEvent.Mremap(17, 17073, 0, 0x7f657a000000L, 2097152, 2113536, 0, 0, 0x7f657a000000L),
                new TraceEvent.Mremap(18, 17073, 0, 0x7f657a000000L, 2113536, 4194304, 0, 0, -1),
                new TraceEvent.Mremap(19, 17073, 0, 0x7f657a000000L, 2113536, 4096, 3, 0x7f0000000000L,
                        0x7f0000000000L),
                new TraceEvent.Munmap(20, 17073, 0, 0x7f0000000000L, 4096, 0),
                // a second thread of the same process shares its space
                new TraceEvent.Malloc(22, 17074, 0, 16, 0x7f6500000b70L),
                // another process: its own space, the same address meaning another block
                new TraceEvent.AddressSpaceStart(24, 17090, 1, -1, TraceEvent.Origin.INITIAL),
                new TraceEvent.Malloc(24, 17090, 1, 16, 0x5632f9bf92a0L),
                new TraceEvent.Free(25, 17090, 1, 0x5632f9bf92a0L));
        assertThat(t.events().get(17).failed()).as("MAP_FAILED from mremap").isTrue();
        assertThat(t.events().get(9).failed()).as("posix_memalign rc ENOMEM").isTrue();
        assertThat(t.summary().ignoredLines()).as("three headers").isEqualTo(3);
    }
}
