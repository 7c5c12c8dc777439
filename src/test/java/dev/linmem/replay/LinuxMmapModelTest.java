package dev.linmem.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.space.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Linux reference model in page pictures: the 12 pages just below the mmap base, one
 * character per page, {@code '.'} free, letters for mappings from the lowest up.
 */
class LinuxMmapModelTest {

    static final long P = LinuxMmapModel.PAGE_BYTES;
    static final int PICTURE_PAGES = 12;

    final LinuxMmapModel linux = new LinuxMmapModel(1L << 32);

    @AfterEach
    void invariantsHold() {
        linux.checkInvariants();
    }

    String picture() {
        return linux.picture(linux.mmapBase() - PICTURE_PAGES * P, PICTURE_PAGES);
    }

    long page(int index) {
        return linux.mmapBase() - PICTURE_PAGES * P + index * P;
    }

    @Test
    void mappingsArePlacedTopDownEachRightBelowThePrevious() {
        linux.mmap(2 * P);
        linux.mmap(3 * P);
        linux.mmap(1);

        assertThat(picture()).isEqualTo("......ABBBCC");
    }

    @Test
    void aMappingTakesTheTopOfTheHighestGapThatHoldsIt() {
        long a = linux.mmap(2 * P);
        long b = linux.mmap(3 * P);
        linux.mmap(2 * P);
        linux.munmap(a, 2 * P);
        linux.munmap(b, 3 * P);
        assertThat(picture()).isEqualTo(".....AA.....");

        linux.mmap(4 * P); // the 5 pages above A hold it: it takes their top 4
        linux.mmap(2 * P); // the page left above A is too small: below A

        assertThat(picture()).isEqualTo("...AABB.CCCC");
    }

    @Test
    void aBlockGrowsInPlaceWhenThePagesAfterItAreFree() {
        long a = linux.mmap(P);
        long b = linux.mmap(P);
        linux.munmap(a, P);
        assertThat(picture()).isEqualTo("..........A.");

        assertThat(linux.mremap(b, P, 2 * P, false)).isEqualTo(b);
        assertThat(picture()).isEqualTo("..........AA");
        assertThat(linux.mremap(b, 2 * P, 3 * P, false)).as("nothing is free above the mmap base")
                .isEqualTo(Errno.ENOMEM.result());
        assertThat(linux.mremap(page(5), P, 2 * P, false)).as("a range that is not a mapping's end")
                .isEqualTo(Errno.EFAULT.result());
    }

    @Test
    void aMovedBlockLandsRightBelowItsOldPlaceAndThenGrowsIntoIt() {
        long top = linux.mmap(2 * P);
        long r = linux.mmap(2 * P);
        assertThat(picture()).isEqualTo("........AABB");
        assertThat(top).isEqualTo(page(10));

        long moved = linux.mremap(r, 2 * P, 3 * P, true);

        assertThat(moved).as("chosen while the old range is still mapped").isEqualTo(page(5));
        assertThat(picture()).isEqualTo(".....AAA..BB");
        assertThat(linux.mremap(moved, 3 * P, 5 * P, true)).as("grows into its old place").isEqualTo(moved);
        assertThat(picture()).isEqualTo(".....AAAAABB");
        assertThat(linux.mremap(moved, 5 * P, 6 * P, false)).isEqualTo(Errno.ENOMEM.result());
    }

    @Test
    void shrinkingKeepsTheAddressAndFreesTheTail() {
        linux.mmap(P);
        long r = linux.mmap(4 * P);

        assertThat(linux.mremap(r, 4 * P, P, false)).isEqualTo(r);

        assertThat(picture()).isEqualTo(".......A...B");
        assertThat(linux.mappedBytes()).isEqualTo(2 * P);
    }

    @Test
    void munmapFreesPartOfAMappingAndSplitsIt() {
        long r = linux.mmap(5 * P);

        assertThat(linux.munmap(r + P, 2 * P)).isZero();

        assertThat(picture()).isEqualTo(".......A..BB");
        assertThat(linux.munmap(r + 1, P)).isEqualTo(Errno.EINVAL.result());
    }

    @Test
    void mmapFailsWhenNoGapHoldsTheLength() {
        LinuxMmapModel small = new LinuxMmapModel(LinuxMmapModel.MIN_ADDRESS + 4 * P);
        assertThat(small.mmap(3 * P)).isEqualTo(LinuxMmapModel.MIN_ADDRESS + P);

        assertThat(small.mmap(2 * P)).isEqualTo(Errno.ENOMEM.result());
        assertThat(small.mremap(LinuxMmapModel.MIN_ADDRESS + P, 3 * P, 5 * P, true)).isEqualTo(Errno.ENOMEM.result());
    }
}
