package dev.linmem.space;

import static dev.linmem.space.Errno.EEXIST;
import static dev.linmem.space.Errno.EFAULT;
import static dev.linmem.space.Errno.EINVAL;
import static dev.linmem.space.Errno.ENOMEM;
import static dev.linmem.space.Mman.MAP_FIXED;
import static dev.linmem.space.Mman.MAP_FIXED_NOREPLACE;
import static dev.linmem.space.Mman.MREMAP_DONTUNMAP;
import static dev.linmem.space.Mman.MREMAP_FIXED;
import static dev.linmem.space.Mman.MREMAP_MAYMOVE;
import static dev.linmem.space.Mman.PROT_READ;
import static dev.linmem.space.SpaceFixture.ANON;
import static dev.linmem.space.SpaceFixture.P;
import static dev.linmem.space.SpaceFixture.RW;
import static dev.linmem.space.SpaceFixture.err;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The anonymous-memory cases of semantics.md sections 1.1-1.5, one named test each. P is the
 * map page (4 KiB here); the memory may grow to 16 wasm pages (1 MiB, 256 map pages).
 */
class AddressSpaceSemanticsTest {

    final SpaceFixture f = new SpaceFixture(16);
    final AddressSpace s = f.space;

    @AfterEach
    void invariantsHold() {
        f.check();
    }

    @Nested
    class Mmap {

        @Test
        void MM1_anonymousPageIsAlignedNonNullAndZero() {
            long a = s.mmap(0, P, RW, ANON);
            assertThat(a).isPositive();
            assertThat(a % P).isZero();
            f.assertBytes(a, 1, 0);
        }

        @Test
        void MM2_smallLengthMapsAWholeZeroPage() {
            long a = s.mmap(0, 128, RW, ANON);
            assertThat(a).isPositive();
            assertThat(s.protectionAt(a + P - 1)).isEqualTo(RW);
            assertThat(s.protectionAt(a + P)).isEqualTo(-1);
            f.assertBytes(a, 1, 0);
        }

        @Test
        void MM3_zeroLengthIsEinval() {
            assertThat(err(s.mmap(0, 0, RW, ANON))).isEqualTo(EINVAL);
        }

        @Test
        void MM4_neitherPrivateNorSharedIsEinval() {
            assertThat(err(s.mmap(0, P, RW, Mman.MAP_ANONYMOUS))).isEqualTo(EINVAL);
        }

        @Test
        void MM5_privateAndSharedTogetherIsEinval() {
            assertThat(err(s.mmap(0, P, RW, Mman.MAP_PRIVATE | Mman.MAP_SHARED | Mman.MAP_ANONYMOUS))).isEqualTo(EINVAL);
        }

        @Test
        void MM6_unalignedOffsetIsEinval() {
            assertThat(err(s.mmap(0, P, RW, ANON, -1, 1))).isEqualTo(EINVAL);
            assertThat(s.mappings()).isEmpty();
        }

        @Test
        void MM7_lengthWhoseRoundUpOverflowsIsEnomem() {
            assertThat(err(s.mmap(0, -P + 1, RW, ANON))).isEqualTo(ENOMEM);
            assertThat(err(s.mmap(0, Long.MAX_VALUE, RW, ANON))).isEqualTo(ENOMEM);
        }

        @Test
        void MM8_lengthBeyondTheAddressSpaceIsEnomem() {
            assertThat(err(s.mmap(0, s.limitAddress() + P, RW, ANON))).isEqualTo(ENOMEM);
            assertThat(s.memory().pages()).isEqualTo(1);
        }

        @Test
        void MM9_unalignedHintGivesAnAlignedResult() {
            long a = s.mmap(s.baseAddress() + 3 * P + 1, P, RW, ANON);
            assertThat(a % P).isZero();
            assertThat(a).isEqualTo(s.baseAddress() + 4 * P);
        }

        @Test
        void MM10_hintOnAnOccupiedRangeMapsElsewhereAndLeavesTheOldMapping() {
            long a = f.map(2);
            f.fill(a, 2, 0x5a);
            long b = s.mmap(a, P, RW, ANON);
            assertThat(b).isPositive().isNotEqualTo(a);
            assertThat(b >= a + 2 * P || b + P <= a).isTrue();
            f.assertBytes(a, 2, 0x5a);
        }

        @Test
        void MM11_fixedAtAnAlignedFreeAddressMapsExactlyThere() {
            long want = s.baseAddress() + 20 * P;
            assertThat(s.mmap(want, 2 * P, RW, ANON | MAP_FIXED)).isEqualTo(want);
            f.assertBytes(want, 2, 0);
        }

        @Test
        void MM12_fixedAtAnUnalignedAddressIsEinval() {
            assertThat(err(s.mmap(s.baseAddress() + 1, P, RW, ANON | MAP_FIXED))).isEqualTo(EINVAL);
        }

        @Test
        void MM13_fixedBeyondTheAddressSpaceIsEnomem() {
            assertThat(err(s.mmap(s.limitAddress() - P, 2 * P, RW, ANON | MAP_FIXED))).isEqualTo(ENOMEM);
            assertThat(err(s.mmap(s.limitAddress(), P, RW, ANON | MAP_FIXED))).isEqualTo(ENOMEM);
        }

        @Test
        void MM14_fixedExactlyOverAMappingReplacesItWithZeroPages() {
            long a = f.map(3);
            f.fill(a, 3, 7);
            assertThat(s.mmap(a, 3 * P, RW, ANON | MAP_FIXED)).isEqualTo(a);
            f.assertBytes(a, 3, 0);
            assertThat(f.count()).isEqualTo(1);
        }

        @Test
        void MM15_fixedOverTheMiddlePageSplitsAndKeepsHeadAndTail() {
            long a = f.map(3);
            f.fill(a, 3, 9);
            assertThat(s.mmap(a + P, P, RW, ANON | MAP_FIXED)).isEqualTo(a + P);
            f.assertBytes(a, 1, 9);
            f.assertBytes(a + P, 1, 0);
            f.assertBytes(a + 2 * P, 1, 9);
            assertThat(f.count()).isEqualTo(3);
        }

        @Test
        void MM16_fixedOverTwoMappingsAndAHoleMakesOneZeroMapping() {
            long a = f.mapAt(s.baseAddress(), 2);
            f.mapAt(a + 3 * P, 2);
            f.fill(a, 5, 3);
            assertThat(s.mmap(a, 5 * P, RW, ANON | MAP_FIXED)).isEqualTo(a);
            assertThat(s.mappings()).hasSize(1);
            assertThat(s.mappings().get(0).sizeBytes()).isEqualTo(5 * P);
            f.assertBytes(a, 5, 0);
        }

        @Test
        void MM17_noreplaceOnAFreeRangeMapsExactlyThere() {
            long want = s.baseAddress() + 8 * P;
            assertThat(s.mmap(want, P, RW, ANON | MAP_FIXED_NOREPLACE)).isEqualTo(want);
        }

        @Test
        void MM18_noreplaceOverlappingInAnyWayIsEexistAndKeepsContents() {
            long a = f.mapAt(s.baseAddress() + 4 * P, 3);
            f.fill(a, 3, 0x11);
            assertThat(err(s.mmap(a, 3 * P, RW, ANON | MAP_FIXED_NOREPLACE))).isEqualTo(EEXIST);
            assertThat(err(s.mmap(a - P, 2 * P, RW, ANON | MAP_FIXED_NOREPLACE))).isEqualTo(EEXIST);
            assertThat(err(s.mmap(a + 2 * P, 2 * P, RW, ANON | MAP_FIXED_NOREPLACE))).isEqualTo(EEXIST);
            assertThat(err(s.mmap(a + P, P, RW, ANON | MAP_FIXED_NOREPLACE))).isEqualTo(EEXIST);
            assertThat(err(s.mmap(a - P, 5 * P, RW, ANON | MAP_FIXED_NOREPLACE))).isEqualTo(EEXIST);
            f.assertBytes(a, 3, 0x11);
            assertThat(f.count()).isEqualTo(1);
        }

        @Test
        void MM19_noreplaceTouchingButNotOverlappingSucceeds() {
            long a = f.mapAt(s.baseAddress() + 4 * P, 2);
            assertThat(s.mmap(a - P, P, RW, ANON | MAP_FIXED_NOREPLACE)).isEqualTo(a - P);
            assertThat(s.mmap(a + 2 * P, P, RW, ANON | MAP_FIXED_NOREPLACE)).isEqualTo(a + 2 * P);
            assertThat(f.count()).isEqualTo(3); // separately created: three VMAs
        }

        @Test
        void MM20_noreplaceUnalignedIsEinval() {
            assertThat(err(s.mmap(s.baseAddress() + 12, P, RW, ANON | MAP_FIXED_NOREPLACE))).isEqualTo(EINVAL);
        }

        @Test
        void MM21_fixedWithNoreplaceOverAMappingIsEexist() {
            long a = f.map(1);
            assertThat(err(s.mmap(a, P, RW, ANON | MAP_FIXED | MAP_FIXED_NOREPLACE))).isEqualTo(EEXIST);
        }

        @Test
        void MM22_noRangeLargeEnoughIsEnomemWithoutStateChange() {
            long a = f.map(200);
            String before = s.procMaps();
            long pages = s.memory().pages();
            assertThat(err(s.mmap(0, 100 * P, RW, ANON))).isEqualTo(ENOMEM);
            assertThat(s.procMaps()).isEqualTo(before);
            assertThat(s.memory().pages()).isEqualTo(pages);
            assertThat(a).isPositive();
        }

        @Test
        void MM23_exceedingTheMappingCountIsEnomem() {
            SpaceFixture g = SpaceFixture.withBuilder(16, b -> b.maxMappingCount(3));
            g.map(1);
            g.map(1);
            long c = g.map(1);
            assertThat(err(g.space.mmap(0, P, RW, ANON))).isEqualTo(ENOMEM);
            assertThat(err(g.space.mmap(c + 4 * P, P, RW, ANON | MAP_FIXED))).isEqualTo(ENOMEM);
            assertThat(g.space.mmap(c, P, RW, ANON | MAP_FIXED)).isEqualTo(c); // replacing keeps the count
            g.check();
        }
    }

    @Nested
    class Munmap {

        @Test
        void MU1_unalignedAddressIsEinval() {
            long a = f.map(1);
            assertThat(err(s.munmap(a + 1, P))).isEqualTo(EINVAL);
            assertThat(f.mapped(a)).isTrue();
        }

        @Test
        void MU2_zeroLengthIsEinval() {
            long a = f.map(1);
            assertThat(err(s.munmap(a, 0))).isEqualTo(EINVAL);
        }

        @Test
        void MU3_rangeBeyondTheAddressSpaceIsEinval() {
            long a = f.map(1);
            assertThat(err(s.munmap(a, -P + 1))).isEqualTo(EINVAL);
            assertThat(err(s.munmap(-1, 1))).isEqualTo(EINVAL);
            assertThat(err(s.munmap(s.limitAddress() - P, 2 * P))).isEqualTo(EINVAL);
            assertThat(f.mapped(a)).isTrue();
        }

        @Test
        void MU4_rangeWithoutMappingsIsANoOp() {
            long a = f.map(1);
            assertThat(s.munmap(a + 10 * P, 3 * P)).isZero();
            assertThat(f.count()).isEqualTo(1);
        }

        @Test
        void MU5_unalignedLengthRoundsUp() {
            long a = f.map(3);
            assertThat(s.munmap(a, P + 1)).isZero();
            assertThat(f.mapped(a)).isFalse();
            assertThat(f.mapped(a + P)).isFalse();
            assertThat(f.mapped(a + 2 * P)).isTrue();
        }

        @Test
        void MU6_headTailAndMiddleKeepTheRestAndMiddleMakesTwo() {
            long a = f.map(7);
            for (int i = 0; i < 7; i++) {
                f.fill(a + i * P, 1, i + 1);
            }
            assertThat(s.munmap(a, P)).isZero();
            assertThat(s.munmap(a + 6 * P, P)).isZero();
            assertThat(f.count()).isEqualTo(1);
            assertThat(s.munmap(a + 3 * P, P)).isZero();
            assertThat(f.count()).isEqualTo(2);
            for (int i : new int[] {1, 2, 4, 5}) {
                f.assertBytes(a + i * P, 1, i + 1);
            }
            assertThat(f.mapped(a + 3 * P)).isFalse();
        }

        @Test
        void MU7_rangeOverSeveralMappingsAndHolesRemovesAll() {
            long a = f.mapAt(s.baseAddress(), 2);
            f.mapAt(a + 3 * P, 1);
            f.mapAt(a + 5 * P, 3);
            assertThat(s.munmap(a + P, 6 * P)).isZero();
            assertThat(s.mappings()).extracting(MappingInfo::startAddress).containsExactly(a, a + 7 * P);
        }

        @Test
        void MU8_middleUnmapAtTheCountLimitIsEnomemAndChangesNothing() {
            SpaceFixture g = SpaceFixture.withBuilder(16, b -> b.maxMappingCount(2));
            long a = g.map(3);
            g.map(1);
            g.fill(a, 3, 4);
            assertThat(err(g.space.munmap(a + P, P))).isEqualTo(ENOMEM);
            g.assertBytes(a, 3, 4);
            assertThat(g.space.munmap(a, P)).isZero(); // a head unmap needs no new mapping
            g.check();
        }

        @Test
        void MU9_accessAfterMunmapIsASegmentationFault() {
            long a = f.map(2);
            CheckedMemory checked = s.checkedMemory();
            checked.putI32(a + P, 42);
            assertThat(s.munmap(a + P, P)).isZero();
            assertThatThrownBy(() -> checked.getI32(a + P)).isInstanceOf(SegmentationFault.class)
                    .satisfies(e -> assertThat(((SegmentationFault) e).address()).isEqualTo(a + P));
            assertThat(checked.getI32(a)).isZero();
        }

        @Test
        void MU10_mappingAgainOverAnUnmappedRangeReadsZero() {
            long a = f.map(4);
            f.fill(a, 4, 0xee);
            assertThat(s.munmap(a, 4 * P)).isZero();
            long b = f.map(4); // first fit reuses the same pages
            assertThat(b).isEqualTo(a);
            f.assertBytes(b, 4, 0);
            f.fill(b, 4, 0xdd);
            assertThat(s.munmap(b + P, P)).isZero();
            assertThat(s.mmap(b + P, P, RW, ANON | MAP_FIXED)).isEqualTo(b + P);
            f.assertBytes(b + P, 1, 0);
        }
    }

    @Nested
    class Mremap {

        @Test
        void MR1_sameSizeWithoutFlagsIsANoOp() {
            long a = f.map(1);
            assertThat(s.mremap(a, P, P, 0, 0)).isEqualTo(a);
        }

        @Test
        void MR2_unknownFlagIsEinval() {
            long a = f.map(1);
            assertThat(err(s.mremap(a, P, 2 * P, 8, 0))).isEqualTo(EINVAL);
        }

        @Test
        void MR3_unalignedOldAddressIsEinval() {
            long a = f.map(1);
            assertThat(err(s.mremap(a + 1, P, 2 * P, 0, 0))).isEqualTo(EINVAL);
        }

        @Test
        void MR4_zeroNewSizeIsEinval() {
            long a = f.map(1);
            assertThat(err(s.mremap(a, P, 0, 0, 0))).isEqualTo(EINVAL);
            assertThat(err(s.mremap(a, P, -1, MREMAP_MAYMOVE, 0))).isEqualTo(EINVAL); // rounds to 0
        }

        @Test
        void MR5_fixedWithoutMaymoveIsEinval() {
            long a = f.map(1);
            assertThat(err(s.mremap(a, P, P, MREMAP_FIXED, a + 8 * P))).isEqualTo(EINVAL);
        }

        @Test
        void MR6_fixedWithAnUnalignedNewAddressIsEinval() {
            long a = f.map(1);
            assertThat(err(s.mremap(a, P, P, MREMAP_FIXED | MREMAP_MAYMOVE, a + 8 * P + 4))).isEqualTo(EINVAL);
        }

        @Test
        void MR7_fixedOverlappingTheSourceIsEinvalAndKeepsIt() {
            long a = f.map(2);
            assertThat(err(s.mremap(a, 2 * P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, a + P))).isEqualTo(EINVAL);
            assertThat(f.mapped(a)).isTrue();
            assertThat(f.mapped(a + P)).isTrue();
        }

        @Test
        void MR8_fixedBeyondTheAddressSpaceIsEinval() {
            long a = f.map(1);
            assertThat(err(s.mremap(a, P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, s.limitAddress() - P))).isEqualTo(EINVAL);
        }

        @Test
        void MR9_unmappedOldAddressIsEfault() {
            assertThat(err(s.mremap(s.baseAddress() + 4 * P, P, 2 * P, MREMAP_MAYMOVE, 0))).isEqualTo(EFAULT);
            assertThat(err(s.mremap(s.baseAddress() + 4 * P, 2 * P, P, 0, 0))).isEqualTo(EFAULT); // also for shrinks
        }

        @Test
        void MR10_growCrossingTheMappingEndIsEfault() {
            long a = f.mapAt(s.baseAddress(), 2);
            f.mapAt(a + 3 * P, 1);
            assertThat(err(s.mremap(a, 3 * P, 5 * P, MREMAP_MAYMOVE, 0))).isEqualTo(EFAULT); // a hole
            long b = f.mapAt(a + 8 * P, 2);
            assertThat(s.mprotect(b + P, P, PROT_READ)).isZero();
            assertThat(err(s.mremap(b, 2 * P, 3 * P, MREMAP_MAYMOVE, 0))).isEqualTo(EFAULT); // another prot
        }

        @Test
        void MR11_shrinkingAWholeMappingKeepsPageZero() {
            long a = f.map(2);
            f.fill(a, 2, 5);
            assertThat(s.mremap(a, 2 * P, P, 0, 0)).isEqualTo(a);
            f.assertBytes(a, 1, 5);
            assertThat(f.mapped(a + P)).isFalse();
        }

        @Test
        void MR12_shrinkingPartOfAMappingUnmapsOnlyTheCut() {
            long a = f.map(3);
            assertThat(s.mremap(a, 2 * P, P, 0, 0)).isEqualTo(a);
            assertThat(f.mapped(a + P)).isFalse();
            assertThat(f.mapped(a + 2 * P)).isTrue();
        }

        @Test
        void MR13_shrinkingAcrossTwoMappingsSucceeds() {
            long a = f.map(2);
            assertThat(s.mprotect(a + P, P, PROT_READ)).isZero();
            assertThat(s.mremap(a, 2 * P, P, 0, 0)).isEqualTo(a);
            assertThat(f.mapped(a + P)).isFalse();
            assertThat(f.mapped(a)).isTrue();
        }

        @Test
        void MR14_growingInPlaceKeepsTheBytesAndZeroesTheTail() {
            long a = f.map(2);
            f.fill(a, 2, 0x33);
            f.fill(a + 2 * P, 2, 0x44); // stale bytes in the free pages after it
            assertThat(s.mremap(a, 2 * P, 4 * P, 0, 0)).isEqualTo(a);
            f.assertBytes(a, 2, 0x33);
            f.assertBytes(a + 2 * P, 2, 0);
            assertThat(f.count()).isEqualTo(1);
            assertThat(s.stats().inPlaceGrowths()).isEqualTo(1);
        }

        @Test
        void MR15_growingInPlaceBlockedWithoutFlagsIsEnomem() {
            long a = f.map(2);
            f.map(1);
            String before = s.procMaps();
            assertThat(err(s.mremap(a, 2 * P, 3 * P, 0, 0))).isEqualTo(ENOMEM);
            assertThat(s.procMaps()).isEqualTo(before);
        }

        @Test
        void MR16_growingARangeThatDoesNotEndAtTheMappingEndIsEnomem() {
            long a = f.map(3);
            assertThat(err(s.mremap(a, P, 2 * P, 0, 0))).isEqualTo(ENOMEM);
        }

        @Test
        void MR17_blockedGrowthWithMaymoveMovesKeepsTheRestOfTheMapping() {
            long a = f.map(3);
            f.fill(a, 3, 0x21);
            long b = s.mremap(a, 2 * P, 4 * P, MREMAP_MAYMOVE, 0);
            assertThat(b).isPositive().isNotEqualTo(a);
            f.assertBytes(b, 2, 0x21);
            f.assertBytes(b + 2 * P, 2, 0);
            assertThat(f.mapped(a)).isFalse();
            assertThat(f.mapped(a + P)).isFalse();
            assertThat(f.mapped(a + 2 * P)).isTrue();
            assertThat(s.stats().bytesCopied()).isEqualTo(2 * P);
            assertThat(s.stats().movedGrowths()).isEqualTo(1);
        }

        @Test
        void MR18_fixedSameSizeMovesOntoFreeAndOccupiedDestinations() {
            long a = f.map(2);
            f.fill(a, 2, 0x61);
            long free = a + 10 * P;
            assertThat(s.mremap(a, 2 * P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, free)).isEqualTo(free);
            f.assertBytes(free, 2, 0x61);
            assertThat(f.mapped(a)).isFalse();
            long occupied = f.mapAt(a + 20 * P, 3);
            f.fill(occupied, 3, 0x77);
            assertThat(s.mremap(free, 2 * P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, occupied)).isEqualTo(occupied);
            f.assertBytes(occupied, 2, 0x61);
            f.assertBytes(occupied + 2 * P, 1, 0x77); // the rest of the old destination mapping stays
            assertThat(f.mapped(free)).isFalse();
        }

        @Test
        void MR19_fixedShrinkUnmapsTheWholeSource() {
            long a = f.map(2);
            f.fill(a, 2, 0x19);
            long dst = a + 10 * P;
            assertThat(s.mremap(a, 2 * P, P, MREMAP_FIXED | MREMAP_MAYMOVE, dst)).isEqualTo(dst);
            f.assertBytes(dst, 1, 0x19);
            assertThat(f.mapped(dst + P)).isFalse();
            assertThat(f.mapped(a)).isFalse();
            assertThat(f.mapped(a + P)).isFalse();
        }

        @Test
        void MR20_fixedShrinkAcrossTwoMappingsIsEfaultAndAtomic() {
            long a = f.map(3);
            assertThat(s.mprotect(a + P, 2 * P, PROT_READ)).isZero();
            long dst = f.mapAt(a + 10 * P, 2);
            f.fill(dst, 2, 0x20);
            String before = s.procMaps();
            // Linux unmaps the source tail and the destination before finding EFAULT; we do not.
            assertThat(err(s.mremap(a, 3 * P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, dst))).isEqualTo(EFAULT);
            assertThat(s.procMaps()).isEqualTo(before);
            f.assertBytes(dst, 2, 0x20);
        }

        @Test
        void MR21_fixedExpansionCopiesAndZeroesTheTail() {
            long a = f.map(1);
            f.fill(a, 1, 0x42);
            long dst = f.mapAt(a + 10 * P, 2);
            f.fill(dst, 2, 0x99);
            assertThat(s.mremap(a, P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, dst)).isEqualTo(dst);
            f.assertBytes(dst, 1, 0x42);
            f.assertBytes(dst + P, 1, 0);
            assertThat(f.mapped(a)).isFalse();
        }

        @Test
        void MR22_zeroOldSizeOnAPrivateMappingIsEinval() {
            long a = f.map(1);
            assertThat(err(s.mremap(a, 0, P, MREMAP_MAYMOVE, 0))).isEqualTo(EINVAL);
        }

        @Test
        void MR23_zeroOldSizeOnASharedMappingIsEinvalHereNoDuplicates() {
            // Linux duplicates a shared mapping (ENOMEM without MAYMOVE); anonymous shared memory is
            // private here (one process, no fork), so it is refused like MR22 (docs/semantics.md).
            long a = s.mmap(0, P, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS);
            assertThat(a).isPositive();
            assertThat(err(s.mremap(a, 0, P, 0, 0))).isEqualTo(EINVAL);
            assertThat(err(s.mremap(a, 0, P, MREMAP_MAYMOVE, 0))).isEqualTo(EINVAL);
        }

        @Test
        void MR24_dontunmapMovesTheDataAndLeavesTheOldRangeZero() {
            long a = f.map(2);
            f.fill(a, 2, 0x24);
            assertThat(err(s.mremap(a, 2 * P, 2 * P, MREMAP_DONTUNMAP, 0))).isEqualTo(EINVAL); // needs MAYMOVE
            assertThat(err(s.mremap(a, 2 * P, 3 * P, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0))).isEqualTo(EINVAL);
            long b = s.mremap(a, 2 * P, 2 * P, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0);
            assertThat(b).isPositive().isNotEqualTo(a);
            f.assertBytes(b, 2, 0x24);
            assertThat(f.mapped(a)).isTrue();
            f.assertBytes(a, 2, 0);
        }

        @Test
        void MR25_unalignedSizesRoundUp() {
            long a = f.map(2);
            assertThat(s.mremap(a, P + 1, 3 * P - 5, 0, 0)).isEqualTo(a);
            assertThat(f.mapped(a + 2 * P)).isTrue();
            assertThat(f.mapped(a + 3 * P)).isFalse();
            assertThat(s.mremap(a, 3 * P - 5, P + 1, 0, 0)).isEqualTo(a);
            assertThat(f.mapped(a + P)).isTrue();
            assertThat(f.mapped(a + 2 * P)).isFalse();
        }
    }

    @Nested
    class Mprotect {

        @Test
        void MP1_unalignedAddressIsEinval() {
            long a = f.map(1);
            assertThat(err(s.mprotect(a + 1, P, PROT_READ))).isEqualTo(EINVAL);
        }

        @Test
        void MP2_zeroLengthSucceedsEvenWithBadProt() {
            long a = f.map(1);
            assertThat(s.mprotect(a, 0, 0x7777)).isZero();
            assertThat(s.protectionAt(a)).isEqualTo(RW);
        }

        @Test
        void MP3_rangeThatWrapsIsEnomem() {
            long a = f.map(1);
            assertThat(err(s.mprotect(a, -1, PROT_READ))).isEqualTo(ENOMEM);
        }

        @Test
        void MP4_rangeStartingInAHoleIsEnomem() {
            long a = f.map(2);
            assertThat(err(s.mprotect(a - P, 2 * P, PROT_READ))).isEqualTo(ENOMEM);
            assertThat(s.protectionAt(a)).isEqualTo(RW);
        }

        @Test
        void MP5_holeAfterTheFirstMappingIsEnomemAndAtomicHere() {
            long a = f.mapAt(s.baseAddress(), 2);
            f.mapAt(a + 3 * P, 1);
            // Linux changes the first mapping before it meets the hole; we change nothing.
            assertThat(err(s.mprotect(a, 4 * P, PROT_READ))).isEqualTo(ENOMEM);
            assertThat(s.protectionAt(a)).isEqualTo(RW);
            assertThat(s.protectionAt(a + 3 * P)).isEqualTo(RW);
        }

        @Test
        void MP6_unknownProtBitsAreEinval() {
            long a = f.map(1);
            assertThat(err(s.mprotect(a, P, 0x80))).isEqualTo(EINVAL);
            assertThat(err(s.mprotect(a, P, Mman.PROT_GROWSUP | Mman.PROT_GROWSDOWN | PROT_READ))).isEqualTo(EINVAL);
        }

        @Test
        void MP7_middlePageReadOnlySplitsInThreeAndWritesThereFault() {
            long a = f.map(3);
            f.fill(a, 3, 0x70);
            assertThat(s.mprotect(a + P, P, PROT_READ)).isZero();
            assertThat(f.count()).isEqualTo(3);
            f.assertBytes(a, 3, 0x70);
            CheckedMemory checked = s.checkedMemory();
            assertThat(checked.getI8(a + P)).isEqualTo((byte) 0x70);
            assertThatThrownBy(() -> checked.putI8(a + P, (byte) 1)).isInstanceOf(SegmentationFault.class);
            checked.putI8(a, (byte) 1);
            assertThat(s.mprotect(a + P, P, RW)).isZero();
            assertThat(f.count()).isEqualTo(1); // pieces of one mmap merge back
        }

        @Test
        void MP8_splitBeyondTheMappingCountIsEnomem() {
            SpaceFixture g = SpaceFixture.withBuilder(16, b -> b.maxMappingCount(2));
            long a = g.map(3);
            assertThat(err(g.space.mprotect(a + P, P, PROT_READ))).isEqualTo(ENOMEM);
            assertThat(g.space.mprotect(a, P, PROT_READ)).isZero(); // one split fits
            assertThat(g.space.protectionAt(a + P)).isEqualTo(RW);
            g.check();
        }
    }

    @Nested
    class Madvise {

        @Test
        void MA1_dontneedZeroesAndKeepsTheMapping() {
            long a = f.map(3);
            f.fill(a, 3, 0x5c);
            assertThat(s.madvise(a + P, P, Mman.MADV_DONTNEED)).isZero();
            f.assertBytes(a, 1, 0x5c);
            f.assertBytes(a + P, 1, 0);
            f.assertBytes(a + 2 * P, 1, 0x5c);
            assertThat(f.count()).isEqualTo(1);
        }

        @Test
        void MA2_dontneedIgnoresProtection() {
            long a = f.map(1);
            f.fill(a, 1, 3);
            assertThat(s.mprotect(a, P, Mman.PROT_NONE)).isZero();
            assertThat(s.madvise(a, P, Mman.MADV_DONTNEED)).isZero();
            f.assertBytes(a, 1, 0);
        }

        @Test
        void MA3_unalignedAddressIsEinval() {
            long a = f.map(1);
            assertThat(err(s.madvise(a + 8, P, Mman.MADV_DONTNEED))).isEqualTo(EINVAL);
        }

        @Test
        void MA4_unknownAdviceIsEinval() {
            long a = f.map(1);
            assertThat(err(s.madvise(a, P, 999))).isEqualTo(EINVAL);
        }

        @Test
        void MA5_zeroLengthSucceedsAndAWrappingLengthIsEinval() {
            long a = f.map(1);
            assertThat(s.madvise(a, 0, Mman.MADV_DONTNEED)).isZero();
            assertThat(err(s.madvise(a, -1, Mman.MADV_DONTNEED))).isEqualTo(EINVAL);
        }

        @Test
        void MA6_rangeWithUnmappedPagesIsEnomemAndAtomicHere() {
            long a = f.mapAt(s.baseAddress(), 1);
            f.fill(a, 1, 0x66);
            // Linux zeroes the mapped part and still reports ENOMEM; we change nothing.
            assertThat(err(s.madvise(a, 3 * P, Mman.MADV_DONTNEED))).isEqualTo(ENOMEM);
            f.assertBytes(a, 1, 0x66);
        }

        @Test
        void MA7_lockedPagesAreNotModelledSoDontneedAlwaysApplies() {
            long a = f.map(2);
            f.fill(a, 2, 1);
            // There is no mlock, so no page is ever locked and the EINVAL of MA7 cannot arise.
            assertThat(s.madvise(a, 2 * P, Mman.MADV_DONTNEED)).isZero();
            f.assertBytes(a, 2, 0);
            List<MappingInfo> maps = s.mappings();
            assertThat(maps).hasSize(1);
        }
    }
}
