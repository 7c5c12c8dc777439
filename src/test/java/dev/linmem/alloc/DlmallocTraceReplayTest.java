package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared heap traces replayed to the end on {@link Dlmalloc}, over an address space and in
 * Emscripten's configuration: no failure, every block's tags intact, a valid heap throughout
 * and at the end, and nothing live after freeing what the trace leaked.
 */
class DlmallocTraceReplayTest {

    private static LinearMemory memory() {
        return LinearMemory.create(MemoryType.i32(1, 65_536));
    }

    @ParameterizedTest
    @ValueSource(strings = {"php-strings.malloc", "sqlite-small.malloc", "sqlite-small.ltrace"})
    void replaysOverTheAddressSpace(String trace) throws Exception {
        AddressSpace space = AddressSpace.builder(memory()).pageSizeBytes(AddressSpace.LINUX_PAGE_BYTES).build();
        Dlmalloc heap = Dlmalloc.builder(HeapSource.addressSpace(space)).build();
        replay(heap, "address space", trace);
        space.checkInvariants();
    }

    @ParameterizedTest
    @ValueSource(strings = {"php-strings.malloc", "sqlite-small.malloc", "sqlite-small.ltrace"})
    void replaysInEmscriptensConfiguration(String trace) throws Exception {
        replay(Dlmalloc.builder(HeapSource.emscriptenSbrk(memory())).emscripten().build(), "emscripten", trace);
    }

    private static void replay(Dlmalloc heap, String configuration, String trace) throws Exception {
        HeapTraceReplay r = new HeapTraceReplay(heap).replay(trace, Long.MAX_VALUE, 2_000);
        assertThat(r.events).isGreaterThan(10_000);
        assertThat(r.skipped).isLessThan(r.events / 100);
        heap.checkInvariants();
        AllocatorStats s = heap.stats();
        System.out.printf("footprint %s %s: calls %d, skipped %d, peak live %d, peak footprint %d, ratio %.3f, trimmed %d%n",
                configuration, trace, r.events, r.skipped, r.peakLiveBytes, s.peakFootprintBytes(),
                (double) s.peakFootprintBytes() / r.peakLiveBytes, s.trimmedBytes());
        assertThat(s.liveBlocks()).isEqualTo(r.liveCount());
        assertThat(s.peakFootprintBytes()).isGreaterThanOrEqualTo(r.peakLiveBytes);
        r.freeAll();
        heap.checkInvariants();
        assertThat(heap.stats().liveBlocks()).isZero();
    }
}
