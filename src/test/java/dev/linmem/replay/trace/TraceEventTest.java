package dev.linmem.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linmem.space.Errno;
import dev.linmem.space.Mman;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceEventTest {

    @Test
    void kindCodesAreUniqueAndRoundTrip() {
        Set<Integer> codes = new HashSet<>();
        for (EventKind k : EventKind.values()) {
            assertThat(codes.add(k.code())).as(k.name()).isTrue();
            assertThat(EventKind.byCode(k.code())).isSameAs(k);
        }
        assertThatThrownBy(() -> EventKind.byCode(EventKind.values().length))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyRecordReportsItsKind() {
        TraceEvent[] events = {
            new TraceEvent.AddressSpaceStart(1, 7, 0, -1, TraceEvent.Origin.INITIAL),
            new TraceEvent.Mmap(2, 7, 0, 0, 4096, 3, 34, -1, 0, 0x1000),
            new TraceEvent.Munmap(3, 7, 0, 0x1000, 4096, 0),
            new TraceEvent.Mremap(4, 7, 0, 0x1000, 4096, 8192, 0, 0, 0x1000),
            new TraceEvent.Brk(5, 7, 0, 0, 0x5000),
            new TraceEvent.Mprotect(6, 7, 0, 0x1000, 4096, 1, 0),
            new TraceEvent.Madvise(7, 7, 0, 0x1000, 4096, Mman.MADV_DONTNEED, 0),
            new TraceEvent.Malloc(8, 7, 0, 16, 0x10),
            new TraceEvent.Calloc(9, 7, 0, 2, 16, 0x20),
            new TraceEvent.Realloc(10, 7, 0, 0x10, 32, 0x30),
            new TraceEvent.Reallocarray(11, 7, 0, 0x30, 2, 32, 0x40),
            new TraceEvent.Free(12, 7, 0, 0x40),
            new TraceEvent.PosixMemalign(13, 7, 0, 64, 100, 0x80, 0),
            new TraceEvent.AlignedAlloc(14, 7, 0, 64, 128, 0xc0),
            new TraceEvent.Memalign(15, 7, 0, 64, 128, 0x100),
            new TraceEvent.Valloc(16, 7, 0, 10, 0x1000),
            new TraceEvent.Pvalloc(17, 7, 0, 10, 0x2000),
        };
        assertThat(Arrays.stream(events).map(TraceEvent::kind))
                .containsExactly(EventKind.values());
        assertThat(Arrays.stream(events).filter(TraceEvent::failed)).isEmpty();
    }

    @Test
    void failuresFollowEachCallsConvention() {
        assertThat(new TraceEvent.Mremap(1, 1, 0, 0x1000, 4096, 8192, 0, 0, Errno.ENOMEM.result()).failed()).isTrue();
        assertThat(new TraceEvent.Malloc(1, 1, 0, 16, 0).failed()).isTrue();
        assertThat(new TraceEvent.Malloc(1, 1, 0, 0, 0).failed()).isFalse();
        assertThat(new TraceEvent.PosixMemalign(1, 1, 0, 64, 16, 0, Errno.ENOMEM.number()).failed()).isTrue();
        assertThat(new TraceEvent.Brk(1, 1, 0, 0x6000, 0x5000).failed()).as("refused brk").isTrue();
        assertThat(new TraceEvent.Brk(1, 1, 0, 0, 0x5000).failed()).as("query").isFalse();
    }

    @Test
    void mmapClassifiesFileHintAndFixed() {
        TraceEvent.Mmap file = new TraceEvent.Mmap(1, 1, 0, 0, 34547, Mman.PROT_READ, Mman.MAP_PRIVATE, 3, 0, 0x7000);
        TraceEvent.Mmap bss = new TraceEvent.Mmap(1, 1, 0, 0x7000, 53072, 3,
                Mman.MAP_PRIVATE | Mman.MAP_FIXED | Mman.MAP_ANONYMOUS, -1, 0, 0x7000);
        TraceEvent.Mmap hinted = new TraceEvent.Mmap(1, 1, 0, 0x9000, 4096, 3,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0, 0x9000);
        assertThat(file.isFileBacked()).isTrue();
        assertThat(file.isHinted()).isFalse();
        assertThat(bss.isFileBacked()).isFalse();
        assertThat(bss.isFixed()).isTrue();
        assertThat(bss.isHinted()).isFalse();
        assertThat(hinted.isHinted()).isTrue();
        TraceEvent.Mremap moved = new TraceEvent.Mremap(1, 1, 0, 0x1000, 4096, 8192, Mman.MREMAP_MAYMOVE, 0, 0x9000);
        assertThat(moved.keptInPlace()).isFalse();
        assertThat(moved.mayMove()).isTrue();
    }

    @Test
    void malformedMessageNamesFileLineAndExpectation() {
        MalformedTraceException e = new MalformedTraceException("t.strace", 12, "6 arguments of mmap",
                "123 mmap(NULL\u0001");
        assertThat(e).hasMessage("t.strace:12: expected 6 arguments of mmap, found \"123 mmap(NULL\\x01\"");
        assertThat(new MalformedTraceException("t.strace", 0, "at least one event", null))
                .hasMessage("t.strace: expected at least one event");
    }
}
