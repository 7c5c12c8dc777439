package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;
import org.junit.jupiter.api.Test;

/**
 * Model-based runs of {@link Dlmalloc} ({@link AllocatorModel}): over 200,000 random operations
 * per build across seeds and configurations, with {@code checkInvariants} after every step.
 */
class DlmallocModelTest {

    private static HeapSource sbrk(long maxPages) {
        return HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, maxPages)), 1024);
    }

    @Test
    void defaultConfiguration() {
        AllocatorModel.check("dlmalloc", () -> Dlmalloc.builder(sbrk(4096)).build())
                .runSeeds(25_000, 1, 2, 3);
    }

    @Test
    void smallThresholdsExerciseTrimmingAndMemoryExhaustion() {
        AllocatorModel.check("dlmalloc small", () -> Dlmalloc.builder(sbrk(160))
                        .trimThresholdBytes(128 * 1024).granularityBytes(4096).build())
                .runSeeds(30_000, 4, 5);
    }

    @Test
    void addressSpaceWithMappedChunksAndSegments() {
        AllocatorModel.check("dlmalloc address space", () -> {
            LinearMemory memory = LinearMemory.create(MemoryType.i32(1, 4096));
            AddressSpace space = AddressSpace.builder(memory).pageSizeBytes(AddressSpace.LINUX_PAGE_BYTES).build();
            return Dlmalloc.builder(HeapSource.addressSpace(space))
                    .mmapThresholdBytes(64 * 1024).trimThresholdBytes(256 * 1024).build();
        }).runSeeds(25_000, 9, 10);
    }

    @Test
    void emscriptenConfiguration() {
        AllocatorModel.check("dlmalloc emscripten", () -> Dlmalloc.builder(sbrk(4096)).emscripten().build())
                .runSeeds(20_000, 6, 7);
    }

    @Test
    void debugMode() {
        AllocatorModel.check("dlmalloc debug", () -> Dlmalloc.builder(sbrk(4096))
                        .debugMode(Dlmalloc.DebugMode.CANARIES_AND_JUNK).build())
                .runSeeds(8_000, 8);
    }
}
