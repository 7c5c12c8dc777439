package dev.linmem.replay.php;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.alloc.Dlmalloc;
import dev.linmem.alloc.HeapSource;
import dev.linmem.emscripten.EmscriptenMmap;
import dev.linmem.memory.LinearMemory;
import dev.linmem.replay.ReplayMeter;
import dev.linmem.replay.php.MmapChunkStorage.Alignment;
import dev.linmem.replay.php.MmapChunkStorage.Growth;
import dev.linmem.replay.php.ZendDecision.AlignedAlloc;
import dev.linmem.replay.php.ZendDecision.Extend;
import dev.linmem.replay.php.ZendDecision.Free;
import dev.linmem.replay.php.ZendDecision.RecordedOutcome;
import dev.linmem.replay.php.ZendDecision.Truncate;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Mman;
import dev.linmem.testing.ModelCheck;
import dev.linmem.testing.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** zend_alloc's OS layer, modelled, on linmem's AddressSpace and on a malloc heap. */
class ZendOsModelTest {

    private static final long CHUNK = ZendConstants.CHUNK_BYTES;
    private static final long PAGE = ZendConstants.PAGE_BYTES;

    /** A 4 GiB wasm32 memory, empty. */
    static LinearMemory memory() {
        return LinearMemory.create(dev.linmem.memory.MemoryType.i32(0, 65_536));
    }

    /** A model over an AddressSpace of 4 KiB pages, storage built the given ways. */
    static final class OnSpace {
        final AddressSpace space = AddressSpace.builder(memory())
                .pageSizeBytes(AddressSpace.LINUX_PAGE_BYTES).build();
        final ReplayMeter meter = new ReplayMeter();
        final MmapChunkStorage storage;
        final ZendOsModel model;

        OnSpace(Alignment alignment, Growth growth) {
            storage = new MmapChunkStorage(space, alignment, growth,
                    (length, align) -> space.mmapAligned(length, align, Mman.PROT_READ | Mman.PROT_WRITE), meter);
            model = new ZendOsModel(storage, meter);
        }

    }

    @ParameterizedTest
    @EnumSource(Alignment.class)
    void aBlockIsChunkAlignedAndExactlyItsSizeIsMapped(Alignment alignment) {
        OnSpace s = new OnSpace(alignment, Growth.HINTED_MMAP);
        s.space.mmap(0, 3 * PAGE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);

        s.model.apply(new AlignedAlloc(1, CHUNK + PAGE, 1));

        long[] block = s.model.blockRanges().get(0);
        assertThat(ZendConstants.isChunkAligned(block[0])).isTrue();
        assertThat(block[1] - block[0]).isEqualTo(CHUNK + PAGE);
        assertThat(s.space.stats().mappedBytes()).isEqualTo(3 * PAGE + CHUNK + PAGE);
        assertThat(s.storage.leakedBytes(s.model.liveBlockBytes())).isZero();
        assertThat(s.meter.failedCalls()).isEmpty();
        s.model.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(Growth.class)
    void aHugeBlockWithRoomBehindItGrowsInPlace(Growth growth) {
        OnSpace s = new OnSpace(Alignment.DIRECT, growth);
        s.model.apply(new AlignedAlloc(1, CHUNK, 1));
        long before = s.model.blockRanges().get(0)[0];

        s.model.apply(new Extend(1, CHUNK + 4 * PAGE, RecordedOutcome.IN_PLACE, 2));
        s.model.apply(new Extend(1, CHUNK + 8 * PAGE, RecordedOutcome.IN_PLACE, 3));

        assertThat(s.model.blockRanges().get(0)).containsExactly(before, before + CHUNK + 8 * PAGE);
        assertThat(s.meter.inPlaceKept()).isEqualTo(2);
        assertThat(s.meter.copiedBytes()).isZero();
        assertThat(s.space.stats().mappedBytes()).isEqualTo(CHUNK + 8 * PAGE);
        s.model.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(Growth.class)
    void aBlockedGrowthFallsBackToAllocateCopyFree(Growth growth) {
        OnSpace s = new OnSpace(Alignment.DIRECT, growth);
        s.model.apply(new AlignedAlloc(1, CHUNK, 1));
        long first = s.model.blockRanges().get(0)[0];
        long blocker = s.space.mmap(first + CHUNK, PAGE, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED);
        assertThat(blocker).isEqualTo(first + CHUNK);

        s.model.apply(new Extend(1, CHUNK + PAGE, RecordedOutcome.IN_PLACE, 2));

        long[] moved = s.model.blockRanges().get(0);
        assertThat(moved[0]).isNotEqualTo(first);
        assertThat(moved[1] - moved[0]).isEqualTo(CHUNK + PAGE);
        assertThat(s.meter.inPlaceLost()).isEqualTo(1);
        assertThat(s.meter.copiedBytes()).isEqualTo(CHUNK);
        assertThat(s.space.stats().mappedBytes()).as("old block unmapped").isEqualTo(CHUNK + 2 * PAGE);
        assertThat(s.storage.leakedBytes(s.model.liveBlockBytes())).isZero();
        s.model.checkInvariants();
    }

    @Test
    void aGrowthTheRecordingMovedMayStayInPlaceHereAndCountsAsNeitherKeptNorLost() {
        OnSpace s = new OnSpace(Alignment.DIRECT, Growth.HINTED_MMAP);
        s.model.apply(new AlignedAlloc(1, CHUNK, 1));

        s.model.apply(new Extend(1, CHUNK + PAGE, RecordedOutcome.MOVED, 2));

        assertThat(s.model.inPlaceGained()).isEqualTo(1);
        assertThat(s.meter.inPlaceKept() + s.meter.inPlaceLost()).isZero();
        assertThat(s.meter.copiedBytes()).isZero();
        s.model.checkInvariants();
    }

    @Test
    void truncationUnmapsTheTailAndFreeUnmapsTheRest() {
        OnSpace s = new OnSpace(Alignment.MAP_AND_TRIM, Growth.MREMAP);
        s.model.apply(new AlignedAlloc(1, 4 * CHUNK, 1));
        s.model.apply(new Truncate(1, 2 * CHUNK + PAGE, 2));
        assertThat(s.space.stats().mappedBytes()).isEqualTo(2 * CHUNK + PAGE);

        s.model.apply(new Free(1, 3));

        assertThat(s.space.stats().mappedBytes()).isZero();
        assertThat(s.model.liveBlockBytes()).isZero();
        assertThat(s.storage.leakedBytes(0)).isZero();
        s.model.checkInvariants();
    }

    @Test
    void decisionsOnABlockThatCouldNotBeAllocatedAreSkipped() {
        LinearMemory small = LinearMemory.create(dev.linmem.memory.MemoryType.i32(0, 40));
        AddressSpace space = AddressSpace.builder(small).pageSizeBytes(AddressSpace.LINUX_PAGE_BYTES).build();
        ReplayMeter meter = new ReplayMeter();
        MmapChunkStorage storage = new MmapChunkStorage(space, Alignment.MAP_AND_TRIM, Growth.MREMAP, null, meter);
        ZendOsModel model = new ZendOsModel(storage, meter);

        model.apply(new AlignedAlloc(1, 4 * CHUNK, 1));
        model.apply(new Extend(1, 4 * CHUNK + PAGE, RecordedOutcome.IN_PLACE, 2));
        model.apply(new Free(1, 3));

        assertThat(meter.outOfMemoryEvents()).isEqualTo(1);
        assertThat(meter.failedCalls()).containsEntry("ENOMEM", 1L);
        assertThat(model.skippedDecisions()).isEqualTo(2);
        model.checkInvariants();
    }

    @Test
    void playgroundsStorageCopiesOnEveryResizeAndClearsEveryChunk() {
        LinearMemory memory = memory();
        Dlmalloc heap = Dlmalloc.builder(HeapSource.emscriptenSbrk(memory)).emscripten().build();
        ReplayMeter meter = new ReplayMeter();
        MemalignChunkStorage storage = new MemalignChunkStorage(heap, meter);
        ZendOsModel model = new ZendOsModel(storage, meter);

        model.apply(new AlignedAlloc(1, CHUNK, 1));
        model.apply(new Extend(1, CHUNK + PAGE, RecordedOutcome.IN_PLACE, 2));
        model.apply(new Truncate(1, CHUNK, 3));
        model.checkInvariants();
        model.apply(new Free(1, 4));

        assertThat(meter.copiedBytes()).isEqualTo(CHUNK + CHUNK);
        assertThat(meter.clearedBytes()).isEqualTo(CHUNK + (CHUNK + PAGE) + CHUNK);
        assertThat(meter.inPlaceLost()).isEqualTo(1);
        assertThat(storage.leakedBytes(model.liveBlockBytes())).isZero();
        assertThat(heap.stats().liveBlocks()).isZero();
        model.checkInvariants();
    }

    @Test
    void onEmscriptenGrowthCopiesAndRefusedTrimsAndFreesLeak() {
        EmscriptenMmap em = EmscriptenMmap.create(memory());
        ReplayMeter meter = new ReplayMeter();
        MmapChunkStorage storage = new MmapChunkStorage(em, Alignment.MAP_AND_TRIM, Growth.HINTED_MMAP, null, meter);
        ZendOsModel model = new ZendOsModel(storage, meter);

        model.apply(new AlignedAlloc(1, CHUNK, 1));
        model.apply(new Extend(1, CHUNK + 4 * PAGE, RecordedOutcome.IN_PLACE, 2));
        model.apply(new Truncate(1, CHUNK, 3));
        model.checkInvariants();
        assertThat(ZendConstants.isChunkAligned(model.blockRanges().get(0)[0])).isTrue();
        model.apply(new Free(1, 4));

        assertThat(meter.inPlaceLost()).as("the hint is refused").isEqualTo(1);
        assertThat(meter.copiedBytes()).isEqualTo(CHUNK);
        assertThat(meter.failedCalls()).containsKey("EINVAL");
        long leaked = storage.leakedBytes(model.liveBlockBytes());
        assertThat(leaked).as("PHP gave everything back").isPositive();
        assertThat(leaked).as("the ledger agrees with Emscripten's own count").isEqualTo(em.stats().mappedBytes());
        model.checkInvariants();
    }

    // ---- model-based: random valid histories, Linux semantics never leak -----------------

    /** A model under test, with the decisions' own view of the blocks as reference. */
    abstract static class Ctx {
        final Map<Integer, Long> sizes = new HashMap<>();
        final List<Integer> ids = new ArrayList<>();
        int nextId = 1;
        long index;

        abstract ZendOsModel model();

        /** Bytes of the blocks PHP holds, by the decisions. */
        long live() {
            return sizes.values().stream().mapToLong(Long::longValue).sum();
        }

        void check() {
            model().checkInvariants();
            assertThat(model().liveBlockBytes()).isEqualTo(live());
        }
    }

    /** On an AddressSpace: Linux semantics never leak, and exactly PHP's blocks are mapped. */
    static final class SpaceCtx extends Ctx {
        final OnSpace s;

        SpaceCtx(Alignment alignment, Growth growth) {
            s = new OnSpace(alignment, growth);
        }

        @Override
        ZendOsModel model() {
            return s.model;
        }

        @Override
        void check() {
            super.check();
            assertThat(s.storage.leakedBytes(live())).as("leak").isZero();
            assertThat(s.space.stats().mappedBytes()).as("mapped").isEqualTo(live());
        }
    }

    /** On Emscripten's mmap: the leak ledger agrees with Emscripten's own mapped bytes. */
    static final class EmCtx extends Ctx {
        final EmscriptenMmap em = EmscriptenMmap.create(memory());
        final MmapChunkStorage storage = new MmapChunkStorage(em, Alignment.MAP_AND_TRIM, Growth.HINTED_MMAP, null,
                new ReplayMeter());
        final ZendOsModel model = new ZendOsModel(storage, new ReplayMeter());

        @Override
        ZendOsModel model() {
            return model;
        }

        @Override
        void check() {
            super.check();
            assertThat(storage.leakedBytes(live()) + live()).as("ledger = Emscripten's mapped bytes")
                    .isEqualTo(em.stats().mappedBytes());
        }
    }

    record Alloc(long pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            int id = c.nextId++;
            long size = CHUNK + pages * PAGE;
            c.model().apply(new AlignedAlloc(id, size, ++c.index));
            c.sizes.put(id, size);
            c.ids.add(id);
        }
    }

    record Grow(int which, long pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.ids.isEmpty()) {
                return;
            }
            int id = c.ids.get(Math.floorMod(which, c.ids.size()));
            long size = c.sizes.get(id) + (1 + pages) * PAGE;
            c.model().apply(new Extend(id, size, RecordedOutcome.IN_PLACE, ++c.index));
            c.sizes.put(id, size);
        }
    }

    record Shrink(int which, long pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.ids.isEmpty()) {
                return;
            }
            int id = c.ids.get(Math.floorMod(which, c.ids.size()));
            long size = c.sizes.get(id) - (1 + pages) * PAGE;
            if (size < CHUNK) {
                return;
            }
            c.model().apply(new Truncate(id, size, ++c.index));
            c.sizes.put(id, size);
        }
    }

    record Release(int which) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.ids.isEmpty()) {
                return;
            }
            int id = c.ids.remove(Math.floorMod(which, c.ids.size()));
            c.model().apply(new Free(id, ++c.index));
            c.sizes.remove(id);
        }
    }

    @Test
    void onEmscriptenTheLeakLedgerAgreesWithEmscriptensOwnCount() {
        ModelCheck.<Ctx>of("zend OS layer on Emscripten", EmCtx::new)
                .op(3, (rnd, c) -> new Alloc(rnd.nextLong(300)))
                .op(6, (rnd, c) -> new Grow(rnd.nextInt(), rnd.nextLong(8)))
                .op(1, (rnd, c) -> new Shrink(rnd.nextInt(), rnd.nextLong(200)))
                .op(2, (rnd, c) -> new Release(rnd.nextInt()))
                .invariant(Ctx::check)
                .runSeeds(150, 21, 22);
    }

    @ParameterizedTest
    @EnumSource(Growth.class)
    void onLinuxSemanticsNothingLeaksWhateverPhpDoes(Growth growth) {
        for (Alignment alignment : Alignment.values()) {
            ModelCheck.<Ctx>of("zend OS layer on linmem, " + alignment + ", " + growth,
                            () -> new SpaceCtx(alignment, growth))
                    .op(3, (rnd, c) -> new Alloc(rnd.nextLong(300)))
                    .op(6, (rnd, c) -> new Grow(rnd.nextInt(), rnd.nextLong(8)))
                    .op(1, (rnd, c) -> new Shrink(rnd.nextInt(), rnd.nextLong(200)))
                    .op(2, (rnd, c) -> new Release(rnd.nextInt()))
                    .invariant(Ctx::check)
                    .runSeeds(400, 11, 12, 13);
        }
    }
}
