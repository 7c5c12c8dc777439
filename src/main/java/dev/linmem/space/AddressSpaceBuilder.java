package dev.linmem.space;

import dev.linmem.memory.LinearMemory;

/**
 * Builds an {@link AddressSpace}. Obtain one from {@link AddressSpace#builder(LinearMemory)}.
 *
 * <p>Defaults: map page 64 KiB (what Emscripten's {@code getpagesize()} reports; use
 * {@link AddressSpace#LINUX_PAGE_BYTES} to replay Linux recordings faithfully), base address one
 * map page (so address 0 is never mapped), growth step 1 wasm page, the default placement
 * policy, {@link ZeroingPolicy#ON_REUSE}, at most 65,530 mappings (Linux's default
 * {@code vm.max_map_count}), limit = the largest memory the memory's type allows, brk heap at the
 * base address with no reservation.
 */
public final class AddressSpaceBuilder {

    /** Linux's default {@code vm.max_map_count}. */
    public static final int DEFAULT_MAX_MAPPING_COUNT = 65_530;

    private final LinearMemory memory;
    private long pageSizeBytes = AddressSpace.WASM_PAGE_BYTES;
    private long baseAddress = -1;
    private long growthStepWasmPages = 1;
    private PlacementPolicy placement = PlacementPolicy.defaultPolicy();
    private ZeroingPolicy zeroing = ZeroingPolicy.ON_REUSE;
    private int maxMappingCount = DEFAULT_MAX_MAPPING_COUNT;
    private long limitBytes = -1;
    private long brkStartAddress = -1;
    private long brkReserveBytes;

    AddressSpaceBuilder(LinearMemory memory) {
        if (memory == null) {
            throw new IllegalArgumentException("memory must not be null");
        }
        this.memory = memory;
    }

    /** The map page (granule): a power of two from 4 KiB to 64 KiB. */
    public AddressSpaceBuilder pageSizeBytes(long pageSizeBytes) {
        if (Long.bitCount(pageSizeBytes) != 1 || pageSizeBytes < 4096 || pageSizeBytes > LinearMemory.PAGE_BYTES) {
            throw new IllegalArgumentException("page size " + pageSizeBytes + " is not a power of two in [4096, 65536]");
        }
        this.pageSizeBytes = pageSizeBytes;
        return this;
    }

    /**
     * The first address managed: below it lie the program's static data and stack. A positive
     * multiple of the page size; default one page.
     */
    public AddressSpaceBuilder baseAddress(long baseAddress) {
        if (baseAddress <= 0) {
            throw new IllegalArgumentException("base address must be positive (address 0 is never mapped): " + baseAddress);
        }
        this.baseAddress = baseAddress;
        return this;
    }

    /** The least number of wasm pages one memory growth adds (a larger step means fewer grow calls). */
    public AddressSpaceBuilder growthStepWasmPages(long growthStepWasmPages) {
        if (growthStepWasmPages < 1) {
            throw new IllegalArgumentException("growth step must be at least 1 wasm page: " + growthStepWasmPages);
        }
        this.growthStepWasmPages = growthStepWasmPages;
        return this;
    }

    /** Where new mappings go. */
    public AddressSpaceBuilder placement(PlacementPolicy placement) {
        if (placement == null) {
            throw new IllegalArgumentException("placement must not be null");
        }
        this.placement = placement;
        return this;
    }

    /** When freed pages are cleared. */
    public AddressSpaceBuilder zeroing(ZeroingPolicy zeroing) {
        if (zeroing == null) {
            throw new IllegalArgumentException("zeroing must not be null");
        }
        this.zeroing = zeroing;
        return this;
    }

    /** The {@code vm.max_map_count} analogue: operations that would exceed it fail with ENOMEM. */
    public AddressSpaceBuilder maxMappingCount(int maxMappingCount) {
        if (maxMappingCount < 1) {
            throw new IllegalArgumentException("max mapping count must be positive: " + maxMappingCount);
        }
        this.maxMappingCount = maxMappingCount;
        return this;
    }

    /**
     * The end of the address space ("TASK_SIZE"), a multiple of the page size; default and upper
     * bound: the largest memory the memory's type allows.
     */
    public AddressSpaceBuilder limitBytes(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limitBytes);
        }
        this.limitBytes = limitBytes;
        return this;
    }

    /** Where the brk heap starts: a multiple of the page size at or above the base; default the base. */
    public AddressSpaceBuilder brkStartAddress(long brkStartAddress) {
        if (brkStartAddress <= 0) {
            throw new IllegalArgumentException("brk start must be positive: " + brkStartAddress);
        }
        this.brkStartAddress = brkStartAddress;
        return this;
    }

    /**
     * Bytes after the brk start kept free of mmap placement, so the heap can grow there even
     * when mappings are placed before it grows (MAP_FIXED may still take them). Default 0: the
     * heap grows only into pages that happen to be free.
     */
    public AddressSpaceBuilder brkReserveBytes(long brkReserveBytes) {
        if (brkReserveBytes < 0) {
            throw new IllegalArgumentException("brk reserve must not be negative: " + brkReserveBytes);
        }
        this.brkReserveBytes = brkReserveBytes;
        return this;
    }

    /** Creates the address space. */
    public AddressSpace build() {
        long typeLimit = Math.multiplyHigh(memory.type().effectiveMaximumPages(), LinearMemory.PAGE_BYTES) != 0
                ? Long.MAX_VALUE & -LinearMemory.PAGE_BYTES
                : memory.type().effectiveMaximumPages() * LinearMemory.PAGE_BYTES;
        if (limitBytes < 0) {
            limitBytes = typeLimit;
        }
        if (baseAddress < 0) {
            baseAddress = pageSizeBytes;
        }
        if (brkStartAddress < 0) {
            brkStartAddress = baseAddress;
        }
        requireAligned("base address", baseAddress);
        requireAligned("limit", limitBytes);
        requireAligned("brk start", brkStartAddress);
        if (limitBytes > typeLimit) {
            throw new IllegalArgumentException("limit " + limitBytes + " exceeds the memory type's maximum " + typeLimit);
        }
        if (baseAddress >= limitBytes) {
            throw new IllegalArgumentException("base address " + baseAddress + " is not below the limit " + limitBytes);
        }
        if (brkStartAddress < baseAddress || brkStartAddress > limitBytes) {
            throw new IllegalArgumentException("brk start " + brkStartAddress + " is outside [" + baseAddress + ", " + limitBytes + "]");
        }
        return new AddressSpace(this);
    }

    private void requireAligned(String what, long value) {
        if ((value & (pageSizeBytes - 1)) != 0) {
            throw new IllegalArgumentException(what + " " + value + " is not a multiple of the page size " + pageSizeBytes);
        }
    }

    LinearMemory memory() {
        return memory;
    }

    long pageSizeBytes() {
        return pageSizeBytes;
    }

    long baseAddress() {
        return baseAddress;
    }

    long growthStepWasmPages() {
        return growthStepWasmPages;
    }

    PlacementPolicy placement() {
        return placement;
    }

    ZeroingPolicy zeroing() {
        return zeroing;
    }

    int maxMappingCount() {
        return maxMappingCount;
    }

    long limitBytes() {
        return limitBytes;
    }

    long brkStartAddress() {
        return brkStartAddress;
    }

    long brkReserveBytes() {
        return brkReserveBytes;
    }
}
