package dev.linmem.space;

import static dev.linmem.space.SpaceFixture.ANON;
import static dev.linmem.space.SpaceFixture.P;
import static dev.linmem.space.SpaceFixture.RW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import org.junit.jupiter.api.Test;

/** The maps listing, the statistics and the builder's argument checks. */
class AddressSpaceIntrospectionTest {

    @Test
    void procMapsListsMappingsInOrderWithProtections() {
        SpaceFixture f = new SpaceFixture(16);
        long a = f.map(2);
        long b = f.map(1);
        f.space.mprotect(b, P, Mman.PROT_READ);
        String maps = f.space.procMaps();
        assertThat(maps).isEqualTo(String.format("%08x-%08x rw-p 8192 [anon:1]%n", a, a + 2 * P).replace(System.lineSeparator(), "\n")
                + String.format("%08x-%08x r--p 4096 [anon:2]%n", b, b + P).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void statisticsCountMappedGapAndLargestGapInsideTheMemory() {
        SpaceFixture f = new SpaceFixture(16); // one wasm page initially: 16 map pages, base 1 page
        long a = f.map(3);
        f.map(2);
        f.space.munmap(a + P, P);
        AddressSpaceStats st = f.space.stats();
        assertThat(st.mappedBytes()).isEqualTo(4 * P);
        assertThat(st.mappingCount()).isEqualTo(3);
        assertThat(st.memoryBytes()).isEqualTo(LinearMemory.PAGE_BYTES);
        assertThat(st.gapBytes()).isEqualTo((15 - 4) * P);
        assertThat(st.largestGapBytes()).isEqualTo((15 - 5) * P);
        assertThat(st.peakMappedBytes()).isEqualTo(5 * P);
        f.check();
    }

    @Test
    void zeroRecordCheckCatchesAStrayWriteIntoAKnownZeroPage() {
        SpaceFixture f = SpaceFixture.withBuilder(16, b -> b.baseAddress(16 * P));
        f.map(20); // pages [16, 36); the memory grows to 48 pages, so [36, 48) are known zero
        f.check();
        f.memory.putI8(40 * P + 7, (byte) 1); // a guest writing where nothing is mapped
        assertThatThrownBy(f.space::checkKnownZeroContents).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("known-zero page 40");
    }

    @Test
    void memoryThatCannotGrowGivesEnomemAndNoChange() {
        AddressSpace s = AddressSpace.builder(LinearMemory.create(MemoryType.i32(1, 2)))
                .pageSizeBytes(P).build();
        assertThat(s.mmap(0, 20 * P, RW, ANON)).isPositive(); // grows to 2 wasm pages
        assertThat(Errno.of(s.mmap(0, 20 * P, RW, ANON))).isEqualTo(Errno.ENOMEM);
        assertThat(s.memory().pages()).isEqualTo(2);
        s.checkInvariants();
    }

    @Test
    void growthStepGrowsByAtLeastThatManyWasmPages() {
        AddressSpace s = AddressSpace.builder(LinearMemory.create(MemoryType.i32(1, 64)))
                .pageSizeBytes(P).growthStepWasmPages(8).build();
        s.mmap(0, 20 * P, RW, ANON);
        assertThat(s.memory().pages()).isEqualTo(9);
        s.checkInvariants();
    }

    @Test
    void defaultMapPageIsTheWasmPage() {
        AddressSpace s = AddressSpace.builder(LinearMemory.create(MemoryType.i32(1, 64))).build();
        assertThat(s.pageSizeBytes()).isEqualTo(AddressSpace.WASM_PAGE_BYTES);
        long a = s.mmap(0, 100, RW, ANON);
        assertThat(a).isEqualTo(AddressSpace.WASM_PAGE_BYTES);
        assertThat(s.placement()).isSameAs(PlacementPolicy.defaultPolicy());
    }

    @Test
    void builderRejectsBadArguments() {
        LinearMemory m = LinearMemory.create(MemoryType.i32(1, 4));
        assertThatThrownBy(() -> AddressSpace.builder(m).pageSizeBytes(8192 + 4096)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressSpace.builder(m).pageSizeBytes(2048)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressSpace.builder(m).baseAddress(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressSpace.builder(m).pageSizeBytes(P).baseAddress(P + 1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressSpace.builder(m).limitBytes(1L << 40).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressSpace.builder(m).maxMappingCount(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
