package dev.linmem.space;

import static dev.linmem.space.PagePictures.RO;
import static dev.linmem.space.PagePictures.RW;
import static dev.linmem.space.PagePictures.draw;
import static dev.linmem.space.PagePictures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The pure range logic, with plain page numbers and page pictures. */
class MappingSetTest {

    @Test
    void munmapOfMiddleAndTailSplitsAsDrawn() {
        MappingSet set = parse("AA..BBB.C");
        set.carve(1, 2);
        set.carve(5, 6);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("A...B.B.C");
        assertThat(set.count()).isEqualTo(4);
        assertThat(set.mappingAt(4).id()).isEqualTo(set.mappingAt(6).id());
    }

    @Test
    void carveAcrossSeveralMappingsAndGapsRemovesEverythingInside() {
        MappingSet set = parse("AAA.BB.CCC..DD");
        set.carve(2, 9);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AA.......C..DD");
        assertThat(set.gaps().inOrder()).hasSize(2);
        assertThat(set.mappedPages()).isEqualTo(5);
    }

    @Test
    void carveOfAGapIsANoOp() {
        MappingSet set = parse("AA....BB");
        set.carve(2, 6);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AA....BB");
    }

    @Test
    void countAfterCarvePredictsSplitsAndRemovals() {
        MappingSet set = parse("AAAA.BB.C");
        assertThat(set.countAfterCarve(1, 3)).isEqualTo(4); // middle of A: one more
        assertThat(set.countAfterCarve(0, 4)).isEqualTo(2); // all of A
        assertThat(set.countAfterCarve(3, 9)).isEqualTo(1); // tail of A, B and C
        assertThat(set.countAfterCarve(4, 5)).isEqualTo(3); // a gap
    }

    @Test
    void protectSplitsIntoThreeAndMergesBackWhenEqualAgain() {
        MappingSet set = parse("AAAAA..BB");
        set.protect(1, 3, RO);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AaaAA..BB");
        assertThat(set.count()).isEqualTo(4);
        set.protect(0, 5, RW);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AAAAA..BB");
        assertThat(set.count()).isEqualTo(2);
    }

    @Test
    void separatelyCreatedTouchingMappingsNeverMerge() {
        MappingSet set = parse("AABB");
        set.protect(0, 4, RO);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("aabb");
        assertThat(set.count()).isEqualTo(2);
        assertThat(set.withinOneMapping(0, 3)).isFalse();
        assertThat(set.fullyMapped(0, 4)).isTrue();
    }

    @Test
    void countAfterCarveBothSeesTwoCutsInOneMapping() {
        MappingSet set = parse("AAAAAA.B");
        assertThat(set.countAfterCarveBoth(1, 2, 3, 4)).isEqualTo(4); // A -> A.A.AA
        assertThat(set.countAfterCarveBoth(4, 6, 1, 4)).isEqualTo(2); // A -> A
        assertThat(set.countAfterCarveBoth(0, 6, 7, 8)).isZero();
    }

    @Test
    void countAfterProtectSplitsCountsOnlyRealSplits() {
        MappingSet set = parse("AAAAA");
        assertThat(set.countAfterProtectSplits(1, 3, RO)).isEqualTo(3);
        assertThat(set.countAfterProtectSplits(0, 3, RO)).isEqualTo(2);
        assertThat(set.countAfterProtectSplits(1, 3, RW)).isEqualTo(1);
    }

    @Test
    void lookupsSayWhatTheyReturn() {
        MappingSet set = parse("..AA...BBB");
        assertThat(set.mappingAt(1)).isNull();
        assertThat(set.mappingAt(3).id()).isEqualTo(1);
        assertThat(set.firstIntersecting(0, 2)).isNull();
        assertThat(set.firstIntersecting(0, 3).id()).isEqualTo(1);
        assertThat(set.firstIntersecting(4, 8).id()).isEqualTo(2);
        assertThat(set.nextMappingFrom(4).id()).isEqualTo(2);
        assertThat(set.mappingEndingAt(4).id()).isEqualTo(1);
        assertThat(set.mappingEndingAt(5)).isNull();
        assertThat(set.intersecting(0, 10)).hasSize(2);
        assertThat(set.fullyMapped(2, 8)).isFalse();
    }

    @Test
    void insertOverUsedPagesIsRefused() {
        MappingSet set = parse("AA..");
        assertThatThrownBy(() -> set.insert(new Mapping(1, 3, RW, 9, 0))).isInstanceOf(IllegalStateException.class);
        set.checkInvariants();
    }

    @Test
    void extendGrowsAMappingOverFreePages() {
        MappingSet set = parse("AA...B");
        Mapping a = set.mappingAt(0);
        set.extend(a, a.withRange(0, 4));
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AAAA.B");
    }

    @Test
    void extendMergesWithAFollowingPieceOfTheSameMmap() {
        MappingSet set = parse("AA.AA.");
        set.carve(2, 3);
        Mapping a = set.mappingAt(0);
        set.extend(a, a.withRange(0, 3));
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AAAAA.");
        assertThat(set.count()).isEqualTo(1);
    }

    @Test
    void heapGrowsIntoItsReservationThenFreePagesAndShrinksBack() {
        MappingSet set = new MappingSet(0, 12);
        set.reserveHeapArea(2, 6);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("..rrrr......");
        set.insert(new Mapping(0, 2, RW, 1, 0));
        set.resizeHeap(2, 2, 4, RW);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AAHHrr......");
        assertThat(set.heapCanGrow(4, 8)).isTrue();
        set.resizeHeap(2, 4, 8, RW);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AAHHHHHH....");
        set.insert(new Mapping(8, 9, RW, 2, 0));
        assertThat(set.heapCanGrow(8, 9)).isFalse();
        set.resizeHeap(2, 8, 3, RW);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AAHrrr..B...");
        set.resizeHeap(2, 3, 2, RW);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo("AArrrr..B...");
    }

    @Test
    void fixedMappingIntoTheReservationGivesUpTheRestOfIt() {
        MappingSet set = new MappingSet(0, 10);
        set.reserveHeapArea(1, 7);
        set.resizeHeap(1, 1, 3, RW);
        set.releaseReservationFrom(5);
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo(".HHrr.....");
        set.insert(new Mapping(5, 7, RW, 1, 0));
        set.checkInvariants();
        assertThat(draw(set)).isEqualTo(".HHrrAA...");
    }

    @Test
    void invariantCheckCatchesAGapIndexOutOfStep() {
        MappingSet set = parse("AA..BB");
        set.gaps().occupy(2, 3); // corrupt: a page neither mapped nor free
        assertThatThrownBy(set::checkInvariants).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gap");
    }
}
