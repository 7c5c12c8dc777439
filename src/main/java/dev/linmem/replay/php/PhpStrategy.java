package dev.linmem.replay.php;

import dev.linmem.replay.Machine;
import dev.linmem.replay.ReplayMeter;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.Mman;

/**
 * The ways PHP's OS layer can get its blocks on WebAssembly: which storage over which machine.
 */
enum PhpStrategy {

    /**
     * PHP on linmem's AddressSpace: chunk-aligned mappings in one call ({@code mmapAligned}),
     * huge blocks grown by an mmap hinted at their end (the non-Linux build; the hint is honoured
     * when the range is free), truncated and freed by munmap, which work on any range.
     */
    ON_LINMEM {
        @Override
        ChunkStorage storage(Machine machine, ReplayMeter meter) {
            MemoryMapper mapper = machine.mapper();
            if (mapper instanceof AddressSpace) {
                AddressSpace space = (AddressSpace) mapper;
                return new MmapChunkStorage(mapper, MmapChunkStorage.Alignment.DIRECT,
                        MmapChunkStorage.Growth.HINTED_MMAP,
                        (length, alignment) -> space.mmapAligned(length, alignment, READ_WRITE), meter);
            }
            return mapAndTrim(mapper, meter);
        }
    },

    /**
     * PHP's own OS layer, unchanged, on Emscripten's mmap emulation: map-and-trim for alignment
     * (its trims are partial munmaps, which Emscripten refuses, so they leak), growth by hint
     * (refused: every growth is a realloc-slow), truncation by partial munmap (refused, leaks).
     */
    ON_EMSCRIPTEN {
        @Override
        ChunkStorage storage(Machine machine, ReplayMeter meter) {
            return mapAndTrim(machine.mapper(), meter);
        }
    },

    /**
     * WordPress Playground's workaround: chunks from {@code posix_memalign(2 MiB, size)} and
     * cleared, freed with {@code free}, no extend and no truncate.
     */
    PLAYGROUND {
        @Override
        ChunkStorage storage(Machine machine, ReplayMeter meter) {
            return new MemalignChunkStorage(machine.allocator(), meter);
        }
    };

    private static final int READ_WRITE = Mman.PROT_READ | Mman.PROT_WRITE;

    /** The storage PHP's OS layer uses over {@code machine}, reporting to {@code meter}. */
    abstract ChunkStorage storage(Machine machine, ReplayMeter meter);

    private static ChunkStorage mapAndTrim(MemoryMapper mapper, ReplayMeter meter) {
        return new MmapChunkStorage(mapper, MmapChunkStorage.Alignment.MAP_AND_TRIM,
                MmapChunkStorage.Growth.HINTED_MMAP, null, meter);
    }
}
