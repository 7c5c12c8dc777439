package dev.linmem.space;

import static dev.linmem.space.SpaceFixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The growth-aware policy's room behind growers (4 KiB pages, memory up to 64 MiB): reallocs
 * (grown with MREMAP_MAYMOVE) keep room for {@link GrowthAwarePlacement#REALLOC_ROOM_STEPS} more
 * steps, at most a twelfth of the memory; the latest realloc's room stays free, the others' are
 * holes that later mappings take from their top end; plain growers get none by default.
 */
class GrowthAwarePlacementTest {

    SpaceFixture f = SpaceFixture.withBuilder(1024, b -> b.placement(PlacementPolicy.defaultPolicy()));
    AddressSpace s = f.space;

    @AfterEach
    void invariantsHold() {
        f.check();
    }

    void use(PlacementPolicy policy) {
        f = SpaceFixture.withBuilder(1024, b -> b.placement(policy));
        s = f.space;
    }

    /** Pages of memory the address space manages now (its size above the base). */
    long memoryPages() {
        return (s.memory().sizeBytes() - s.baseAddress()) / P;
    }

    long expectedReallocRoom(long stepPages) {
        return Math.min(GrowthAwarePlacement.REALLOC_ROOM_STEPS * stepPages,
                memoryPages() / GrowthAwarePlacement.REALLOC_ROOM_MEMORY_DIVISOR);
    }

    /** A mapping at the top of memory grown in place once with {@code flags}; returns its address. */
    long growerAtTop(long pages, long grownPages, int flags) {
        long a = f.map(pages);
        assertThat(s.mremap(a, pages * P, grownPages * P, flags, 0)).as("grows in place at the top").isEqualTo(a);
        return a;
    }

    @Test
    void aReallocAtTheTopOfMemoryKeepsRoomForSixteenMoreStepsBeforeTheNextMapping() {
        f.map(1024); // 4 MiB below, so the cap (a quarter of the memory) does not bind
        long r = growerAtTop(8, 10, Mman.MREMAP_MAYMOVE); // a step of 2 pages
        long room = expectedReallocRoom(2);
        assertThat(room).isEqualTo(16 * 2);

        long next = f.map(4);

        assertThat(next).isEqualTo(r + (10 + room) * P);
        long grown = 10 + room;
        assertThat(s.mremap(r, 10 * P, grown * P, Mman.MREMAP_MAYMOVE, 0)).as("the whole room is usable").isEqualTo(r);
        assertThat(s.mremap(r, grown * P, (grown + 1) * P, Mman.MREMAP_MAYMOVE, 0)).as("then it moves")
                .isNotEqualTo(r);
    }

    @Test
    void theRoomFollowsTheLatestStep() {
        f.map(1024);
        long r = growerAtTop(8, 9, Mman.MREMAP_MAYMOVE);
        assertThat(s.mremap(r, 9 * P, 13 * P, Mman.MREMAP_MAYMOVE, 0)).isEqualTo(r); // latest step: 4 pages

        long next = f.map(4);

        assertThat(next).isEqualTo(r + (13 + expectedReallocRoom(4)) * P);
    }

    @Test
    void aMappingMovedByAGrowingMremapIsAReallocToo() {
        f.map(1024);
        long r = f.map(8);
        long blocker = f.map(1);
        long moved = s.mremap(r, 8 * P, 12 * P, Mman.MREMAP_MAYMOVE, 0);
        assertThat(moved).isNotEqualTo(r); // the blocker forced a move, to the top of memory
        assertThat(blocker).isPositive();
        long room = expectedReallocRoom(4);

        long next = f.map(300); // does not fit in the hole the move left

        assertThat(next).isEqualTo(moved + (12 + room) * P);
    }

    @Test
    void theLatestReallocsRoomIsKeptFreeEvenOnceItIsAHole() {
        f.map(1024);
        long r = growerAtTop(8, 10, Mman.MREMAP_MAYMOVE);
        long room = expectedReallocRoom(2);
        long next = f.map(4); // beyond the room, which is now a hole inside the memory

        long a = f.map(10); // would fit in the hole, but r is the latest realloc

        assertThat(a).isEqualTo(next + 4 * P);
        assertThat(s.mremap(r, 10 * P, (10 + room) * P, Mman.MREMAP_MAYMOVE, 0)).as("the whole room is left")
                .isEqualTo(r);
    }

    @Test
    void anEarlierReallocsRoomIsAHoleThatLaterMappingsFillFromItsTopEnd() {
        f.map(1024);
        long r = growerAtTop(8, 10, Mman.MREMAP_MAYMOVE);
        long room = expectedReallocRoom(2);
        long next = f.map(4);
        long later = growerAtTop(8, 9, Mman.MREMAP_MAYMOVE); // now the latest realloc
        assertThat(later).isGreaterThan(next);

        long a = f.map(10); // fits in r's room: taken from its top end, not by growing the memory

        assertThat(a).isEqualTo(next - 10 * P);
        assertThat(s.mremap(r, 10 * P, (10 + room - 10) * P, Mman.MREMAP_MAYMOVE, 0)).as("the low end is left")
                .isEqualTo(r);
    }

    @Test
    void whenTheMemoryCannotGrowTheLatestReallocsRoomIsUsedFromItsTopEnd() {
        // The type allows 1,024 wasm pages, the host only 67 (4,288 KiB): the policy cannot know.
        LinearMemory memory = LinearMemory.builder(MemoryType.i32(1, 1024)).hostLimitPages(67).build();
        f = new SpaceFixture(1024, AddressSpace.builder(memory).pageSizeBytes(P).placement(PlacementPolicy.defaultPolicy()));
        s = f.space;
        f.map(1024);
        long r = growerAtTop(8, 10, Mman.MREMAP_MAYMOVE);
        long next = f.map(4);
        long memoryEnd = s.memory().sizeBytes() / P;
        f.map(memoryEnd - (next / P + 4)); // fills the memory up to its end
        assertThat(s.memory().grow(1)).as("the host refuses to grow the memory").isEqualTo(-1);

        long a = f.map(10); // only the room fits: its top end, as if the room were not protected

        assertThat(a).isEqualTo(next - 10 * P);
        assertThat(s.mremap(r, 10 * P, 12 * P, Mman.MREMAP_MAYMOVE, 0)).as("r still grows in place").isEqualTo(r);
    }

    @Test
    void aPieceSplitOffTheLatestReallocIsNotTheLatestRealloc() {
        f.map(1024);
        long r = growerAtTop(8, 40, Mman.MREMAP_MAYMOVE);
        f.map(4);
        assertThat(s.munmap(r + 10 * P, 10 * P)).isZero(); // a 10-page hole behind r's lower piece

        long a = f.map(4);

        assertThat(a).as("the top of the hole behind the lower piece").isEqualTo(r + 16 * P);
    }

    @Test
    void aHoleLargerThanTheRoomIsUsedFromItsTopEnd() {
        f.map(1024);
        long r = growerAtTop(8, 10, Mman.MREMAP_MAYMOVE);
        long room = expectedReallocRoom(2);
        long wide = f.map(room + 40);
        long after = f.map(1);
        assertThat(wide).isEqualTo(r + (10 + room) * P); // the first mapping behind it left the room
        assertThat(s.munmap(wide, (room + 40) * P)).isZero(); // a hole of room + 40 + room pages

        long a = f.map(10);

        assertThat(a).isEqualTo(after - 10 * P); // top of the hole, well clear of the room
    }

    @Test
    void theRoomIsAtMostATwelfthOfTheMemory() {
        long r = growerAtTop(64, 128, Mman.MREMAP_MAYMOVE); // a 64-page step in a small memory
        long room = expectedReallocRoom(64);
        assertThat(room).isEqualTo(memoryPages() / GrowthAwarePlacement.REALLOC_ROOM_MEMORY_DIVISOR)
                .isLessThan(16 * 64);

        long next = f.map(4);

        assertThat(next).isEqualTo(r + (128 + room) * P);
    }

    @Test
    void aPlainGrowerAtTheTopGetsNoRoomByDefault() {
        f.map(1024);
        long g = growerAtTop(8, 16, 0); // PHP's mremap(addr, old, new, 0)

        long next = f.map(4);

        assertThat(next).isEqualTo(g + 16 * P);
    }

    @Test
    void headroomForEveryGrowerIsAnOption() {
        use(PlacementPolicy.growthAware(64 * P));
        f.map(1024);
        long g = growerAtTop(8, 16, 0);

        long next = f.map(4);

        assertThat(next).isEqualTo(g + (16 + 16) * P); // min(grower size, 64 pages)
    }

    @Test
    void withoutReallocRoomTheNextMappingGoesRightBehind() {
        use(PlacementPolicy.growthAware(0, false));
        f.map(1024);
        long r = growerAtTop(8, 16, Mman.MREMAP_MAYMOVE);

        long next = f.map(4);

        assertThat(next).isEqualTo(r + 16 * P);
        assertThat(s.mremap(r, 16 * P, 17 * P, Mman.MREMAP_MAYMOVE, 0)).isNotEqualTo(r);
    }
}
