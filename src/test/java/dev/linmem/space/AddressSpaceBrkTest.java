package dev.linmem.space;

import static dev.linmem.space.SpaceFixture.ANON;
import static dev.linmem.space.SpaceFixture.P;
import static dev.linmem.space.SpaceFixture.RW;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The program break: sbrk and brk over the address space. */
class AddressSpaceBrkTest {

    SpaceFixture f = SpaceFixture.withBuilder(16, b -> b.brkStartAddress(16 * P).brkReserveBytes(8 * P));

    @AfterEach
    void invariantsHold() {
        f.check();
    }

    @Test
    void sbrkReturnsTheOldBreakAndGrowsTheHeapWithZeroPages() {
        AddressSpace s = f.space;
        assertThat(s.currentBreak()).isEqualTo(16 * P);
        assertThat(s.sbrk(0)).isEqualTo(16 * P);
        assertThat(s.sbrk(100)).isEqualTo(16 * P);
        assertThat(s.currentBreak()).isEqualTo(16 * P + 100);
        assertThat(s.protectionAt(16 * P)).isEqualTo(RW);
        assertThat(s.protectionAt(17 * P)).isEqualTo(-1);
        assertThat(s.sbrk(3 * P)).isEqualTo(16 * P + 100);
        f.assertBytes(16 * P, 4, 0);
        assertThat(s.mappings()).singleElement().satisfies(m -> assertThat(m.isHeap()).isTrue());
        assertThat(s.stats().heapBytes()).isEqualTo(4 * P);
        assertThat(s.stats().mappedBytes()).isZero();
    }

    @Test
    void mmapsAvoidTheReservationSoTheHeapCanGrowLater() {
        AddressSpace s = f.space;
        long a = f.map(20); // [base, 16P) is free but only 15 pages, so this goes after the reservation
        assertThat(a).isEqualTo(24 * P);
        long small = f.map(2);
        assertThat(small).isEqualTo(P);
        assertThat(s.sbrk(8 * P)).isEqualTo(16 * P);
        assertThat(s.sbrk(1)).isEqualTo(Errno.ENOMEM.result()); // blocked by the 20-page mapping
        assertThat(s.currentBreak()).isEqualTo(24 * P);
    }

    @Test
    void shrinkingGivesPagesBackAndRegrowingReadsZero() {
        AddressSpace s = f.space;
        assertThat(s.sbrk(12 * P)).isEqualTo(16 * P); // beyond the 8-page reservation
        f.fill(16 * P, 12, 0x42);
        assertThat(s.sbrk(-10 * P)).isEqualTo(28 * P);
        assertThat(s.protectionAt(18 * P)).isEqualTo(-1);
        f.assertBytes(16 * P, 2, 0x42);
        assertThat(s.brk(30 * P)).isEqualTo(30 * P);
        f.assertBytes(18 * P, 12, 0);
        assertThat(s.sbrk(-15 * P)).isEqualTo(Errno.ENOMEM.result()); // below the start
        assertThat(s.brk(P)).isEqualTo(30 * P); // kernel brk: refused, returns the current break
        assertThat(s.brk(16 * P)).isEqualTo(16 * P);
        assertThat(s.mappings()).isEmpty();
    }

    @Test
    void theMmapFamilyLeavesTheHeapAlone() {
        AddressSpace s = f.space;
        s.sbrk(2 * P);
        assertThat(Errno.of(s.munmap(16 * P, P))).isEqualTo(Errno.EPERM);
        assertThat(Errno.of(s.mmap(16 * P, P, RW, ANON | Mman.MAP_FIXED))).isEqualTo(Errno.EPERM);
        assertThat(Errno.of(s.mmap(16 * P, P, RW, ANON | Mman.MAP_FIXED_NOREPLACE))).isEqualTo(Errno.EEXIST);
        assertThat(Errno.of(s.mremap(16 * P, P, 2 * P, Mman.MREMAP_MAYMOVE, 0))).isEqualTo(Errno.EPERM);
        assertThat(Errno.of(s.mprotect(16 * P, P, Mman.PROT_READ))).isEqualTo(Errno.EPERM);
        f.fill(16 * P, 2, 9);
        assertThat(s.madvise(16 * P, 2 * P, Mman.MADV_DONTNEED)).isZero(); // malloc_trim does this
        f.assertBytes(16 * P, 2, 0);
    }

    @Test
    void fixedMappingInsideTheReservationGivesUpItsRest() {
        AddressSpace s = f.space;
        assertThat(s.mmap(20 * P, P, RW, ANON | Mman.MAP_FIXED)).isEqualTo(20 * P);
        assertThat(s.sbrk(4 * P)).isEqualTo(16 * P);
        assertThat(s.sbrk(1)).isEqualTo(Errno.ENOMEM.result());
        assertThat(f.map(3)).isEqualTo(P); // placement may now use [21P, 24P) and everything else
    }

    @Test
    void brkWithoutReservationGrowsOnlyIntoFreePages() {
        SpaceFixture g = SpaceFixture.withBuilder(16, b -> b);
        long heap = g.space.heapStartAddress();
        assertThat(heap).isEqualTo(P);
        g.map(1); // first fit takes the heap's first page
        assertThat(g.space.sbrk(P)).isEqualTo(Errno.ENOMEM.result());
        g.check();
    }
}
