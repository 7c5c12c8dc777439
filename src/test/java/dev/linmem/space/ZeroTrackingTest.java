package dev.linmem.space;

import static dev.linmem.space.SpaceFixture.ANON;
import static dev.linmem.space.SpaceFixture.P;
import static dev.linmem.space.SpaceFixture.RW;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Zero-fill without waste: known-zero pages are never cleared, reused pages always are. */
class ZeroTrackingTest {

    @Test
    void freshPagesFromGrowthAreNotClearedButReusedOnesAre() {
        SpaceFixture f = SpaceFixture.withBuilder(64, b -> b.baseAddress(16 * P)); // base = end of the initial wasm page
        long a = f.map(32);
        assertThat(f.space.stats().bytesZeroed()).isZero();
        f.fill(a, 32, 0xab);
        f.space.munmap(a, 32 * P);
        assertThat(f.space.stats().bytesZeroed()).isZero(); // ON_REUSE: nothing yet
        long b = f.map(8);
        assertThat(b).isEqualTo(a);
        f.assertBytes(b, 8, 0);
        assertThat(f.space.stats().bytesZeroed()).isEqualTo(8 * P);
        f.check();
    }

    @Test
    void pagesOfTheInitialMemoryAreClearedOnceBecauseTheyMayHoldData() {
        SpaceFixture f = new SpaceFixture(16);
        f.memory.fill(f.space.baseAddress(), 4 * P, (byte) 1); // stale data in the initial memory
        long a = f.map(4);
        f.assertBytes(a, 4, 0);
        assertThat(f.space.stats().bytesZeroed()).isEqualTo(4 * P);
        f.check();
    }

    @Test
    void eagerPolicyClearsAtMunmapAndNotAgainOnReuse() {
        SpaceFixture f = SpaceFixture.withBuilder(64, b -> b.baseAddress(16 * P).zeroing(ZeroingPolicy.EAGER));
        long a = f.map(32);
        f.fill(a, 32, 0xcd);
        f.space.munmap(a, 32 * P);
        assertThat(f.space.stats().bytesZeroed()).isEqualTo(32 * P);
        f.assertBytes(a, 32, 0);
        f.map(32);
        assertThat(f.space.stats().bytesZeroed()).isEqualTo(32 * P);
        f.check();
    }

    @Test
    void eagerPolicyDiscardsWholeWasmPagesReleasingTheirBacking() {
        SpaceFixture f = SpaceFixture.withBuilder(64, b -> b.baseAddress(16 * P).zeroing(ZeroingPolicy.EAGER));
        long a = f.map(64); // four wasm pages
        f.fill(a, 64, 1);
        long committed = f.memory.stats().committedPages();
        f.space.munmap(a, 64 * P);
        assertThat(f.memory.stats().committedPages()).isEqualTo(committed - 4);
        f.check();
    }

    @Test
    void moveZeroesOnlyTheTailThatIsNotKnownZero() {
        SpaceFixture f = SpaceFixture.withBuilder(64, b -> b.baseAddress(16 * P));
        long a = f.map(2);
        f.map(1); // blocks growth in place
        f.fill(a, 2, 7);
        long b = f.space.mremap(a, 2 * P, 6 * P, Mman.MREMAP_MAYMOVE, 0);
        assertThat(b).isEqualTo(a + 3 * P);
        f.assertBytes(b, 2, 7);
        f.assertBytes(b + 2 * P, 4, 0);
        assertThat(f.space.stats().bytesZeroed()).isZero(); // the tail came from fresh growth
        assertThat(f.space.stats().bytesCopied()).isEqualTo(2 * P);
        long c = f.space.mmap(0, 2 * P, RW, ANON);
        assertThat(c).isEqualTo(a);
        assertThat(f.space.stats().bytesZeroed()).isEqualTo(2 * P);
        f.check();
    }
}
