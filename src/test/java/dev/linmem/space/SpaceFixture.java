package dev.linmem.space;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;

/**
 * A small address space for tests: 4 KiB map pages over a memory of at most {@code maxWasmPages}
 * wasm pages, base one map page, plus helpers that speak in pages.
 */
class SpaceFixture {

    static final long P = 4096;
    static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    final LinearMemory memory;
    final AddressSpace space;

    SpaceFixture(long maxWasmPages) {
        this(maxWasmPages, AddressSpace.builder(LinearMemory.create(MemoryType.i32(1, maxWasmPages)))
                .pageSizeBytes(P).placement(PlacementPolicy.firstFit()));
    }

    SpaceFixture(long maxWasmPages, AddressSpaceBuilder builder) {
        this.space = builder.build();
        this.memory = space.memory();
    }

    static SpaceFixture withBuilder(long maxWasmPages, java.util.function.UnaryOperator<AddressSpaceBuilder> customize) {
        AddressSpaceBuilder b = AddressSpace.builder(LinearMemory.create(MemoryType.i32(1, maxWasmPages)))
                .pageSizeBytes(P).placement(PlacementPolicy.firstFit());
        return new SpaceFixture(maxWasmPages, customize.apply(b));
    }

    /** Maps {@code pages} read-write pages anywhere; asserts success. */
    long map(long pages) {
        long a = space.mmap(0, pages * P, RW, ANON);
        assertThat(Errno.isError(a)).as("mmap %d pages: %s", pages, Errno.of(a)).isFalse();
        return a;
    }

    /** Maps {@code pages} pages at {@code addr} with MAP_FIXED; asserts success. */
    long mapAt(long addr, long pages) {
        long a = space.mmap(addr, pages * P, RW, ANON | Mman.MAP_FIXED);
        assertThat(a).isEqualTo(addr);
        return a;
    }

    void fill(long addr, long pages, int value) {
        memory.fill(addr, pages * P, (byte) value);
    }

    /** Asserts every byte of the pages is {@code value}. */
    void assertBytes(long addr, long pages, int value) {
        byte[] buf = new byte[(int) (pages * P)];
        memory.read(addr, buf, 0, buf.length);
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] != (byte) value) {
                throw new AssertionError(String.format("byte at 0x%x is %d, expected %d", addr + i, buf[i], (byte) value));
            }
        }
    }

    boolean mapped(long addr) {
        return space.protectionAt(addr) >= 0;
    }

    int count() {
        return space.stats().mappingCount();
    }

    static Errno err(long result) {
        return Errno.of(result);
    }

    void check() {
        space.checkInvariants();
        space.checkKnownZeroContents();
    }
}
