package dev.linmem.benchmarks.space;

import dev.linmem.emscripten.EmscriptenMmap;
import dev.linmem.emscripten.EmscriptenMmapStats;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.Mman;
import java.util.SplittableRandom;

/**
 * The two behaviours behind {@link MemoryMapper} that the space benchmarks compare on the same
 * call sequences, each on a fresh memory, and how a benchmark fills one with live mappings
 * before measuring.
 *
 * <p>Every live mapping is {@value #LIVE_MAPPING_BYTES} bytes (one Linux page). {@code LINUX}
 * lays them out with {@link Mman#MAP_FIXED_NOREPLACE} one map page each, every one followed by
 * a gap of 1 or 2 pages (random, seeded), so the gap index holds as many gaps as there are
 * mappings; {@code EMSCRIPTEN} takes them with {@code mmap(NULL, 4096)}, which its memalign
 * spreads 64 KiB apart (a heap block per mapping, with a free fragment before each).
 */
public enum MapperProfile {
    /**
     * {@link AddressSpace} with 4 KiB map pages over a memory64 memory of up to
     * {@value #LINUX_MAX_WASM_PAGES} wasm pages (32 GiB, committed lazily: pages never written
     * cost nothing), no mapping-count limit, default placement and zeroing.
     */
    LINUX,
    /**
     * {@link EmscriptenMmap#create(LinearMemory)}: Emscripten's emulation over dlmalloc in
     * Emscripten's configuration, on a wasm32 memory of up to 4 GiB.
     */
    EMSCRIPTEN;

    /** Bytes of each live mapping set up before measuring: one Linux page. */
    public static final long LIVE_MAPPING_BYTES = 4096;

    /** The memory64 limit of the LINUX memory: 32 GiB, room for 1,000,000 live mappings and their gaps. */
    static final long LINUX_MAX_WASM_PAGES = 1L << 19;

    /** The wasm32 limit of the EMSCRIPTEN memory: 4 GiB. */
    static final long EMSCRIPTEN_MAX_WASM_PAGES = 1L << 16;

    /**
     * The most live mappings EMSCRIPTEN can hold for these benchmarks: each is a 64 KiB-aligned
     * heap block, so they stand 64 KiB apart and 4 GiB of wasm32 memory holds fewer than 65,536;
     * 60,000 leaves room for the measured operations (a 4 MiB chunk). Each also commits its wasm
     * page (Emscripten clears every mapping), about 3.7 GiB of Java heap at this count.
     */
    public static final int EMSCRIPTEN_MAX_LIVE_MAPPINGS = 60_000;

    /** Read and write, as the programs in the recordings map anonymous memory. */
    static final int PROT = Mman.PROT_READ | Mman.PROT_WRITE;

    /** {@code MAP_PRIVATE | MAP_ANONYMOUS}. */
    static final int FLAGS = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    /** A fresh mapper of this profile on a fresh memory, with no mappings. */
    public MemoryMapper create() {
        switch (this) {
            case LINUX:
                LinearMemory memory64 = LinearMemory.create(MemoryType.i64(1, LINUX_MAX_WASM_PAGES));
                return AddressSpace.builder(memory64)
                        .pageSizeBytes(AddressSpace.LINUX_PAGE_BYTES)
                        .maxMappingCount(Integer.MAX_VALUE)
                        .build();
            case EMSCRIPTEN:
                return EmscriptenMmap.create(LinearMemory.create(MemoryType.i32(1, EMSCRIPTEN_MAX_WASM_PAGES)));
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * A fresh mapper holding {@code liveMappings} live mappings laid out as the class comment
     * says; throws {@link UnsupportedOperationException} when EMSCRIPTEN cannot hold that many.
     */
    public MemoryMapper createWithLiveMappings(int liveMappings, long seed) {
        if (this == EMSCRIPTEN && liveMappings > EMSCRIPTEN_MAX_LIVE_MAPPINGS) {
            throw new UnsupportedOperationException(liveMappings + " live mappings are infeasible for EMSCRIPTEN: each is a"
                    + " 64 KiB-aligned dlmalloc block, so 4 GiB of wasm32 memory holds fewer than 65,536"
                    + " (largest used here: " + EMSCRIPTEN_MAX_LIVE_MAPPINGS + ")");
        }
        MemoryMapper mapper = create();
        SplittableRandom rnd = new SplittableRandom(seed);
        long address = this == LINUX ? ((AddressSpace) mapper).baseAddress() : 0;
        for (int i = 0; i < liveMappings; i++) {
            if (this == LINUX) {
                long r = mapper.mmap(address, LIVE_MAPPING_BYTES, PROT, FLAGS | Mman.MAP_FIXED_NOREPLACE);
                require(r == address, "live mapping " + i + " at 0x" + Long.toHexString(address), r);
                address += LIVE_MAPPING_BYTES * (2 + rnd.nextInt(2));
            } else {
                long r = mapper.mmap(0, LIVE_MAPPING_BYTES, PROT, FLAGS);
                require(r > 0, "live mapping " + i, r);
            }
        }
        if (mappingCount(mapper) != liveMappings) {
            throw new IllegalStateException("set up " + mappingCount(mapper) + " mappings, wanted " + liveMappings);
        }
        return mapper;
    }

    /** The number of live mappings of {@code mapper}, a mapper of this profile. */
    public int mappingCount(MemoryMapper mapper) {
        if (mapper instanceof AddressSpace) {
            return ((AddressSpace) mapper).stats().mappingCount();
        }
        EmscriptenMmapStats stats = ((EmscriptenMmap) mapper).stats();
        return stats.mappingCount();
    }

    /** Throws unless {@code ok}, naming the call and its result. */
    static void require(boolean ok, String call, long result) {
        if (!ok) {
            throw new IllegalStateException(call + " failed: " + (result < 0 ? Errno.of(result) : "result " + result));
        }
    }
}
