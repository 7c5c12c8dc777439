package dev.linmem.alloc;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The out-of-band shadow of an {@link Emmalloc} heap: every used region (root regions, live
 * blocks, end sentinels) and every sbrk'd area, kept in Java where guest writes cannot reach.
 *
 * <p>Free regions are not recorded: emmalloc never leaves two free regions side by side nor a
 * gap smaller than a whole region, so the free regions are exactly the non-empty gaps between
 * consecutive used regions of an area. That makes every in-band size, flag and link checkable
 * against the shadow in O(log n) before the heap trusts it.
 *
 * <p>The shadow also remembers blocks that were freed and whose memory no allocation has reused
 * since, so a second free of the same pointer is reported as a double free (with both sequence
 * numbers) rather than as a pointer never returned.
 *
 * <p>Not thread-safe; the heap's lock guards it.
 */
final class EmmallocShadow {

    /** What a used region is. */
    enum Kind {
        /** The first region of an area: links the areas together (emmalloc's root region). */
        ROOT,
        /** A live allocation. */
        BLOCK,
        /** The last region of an area: a used region that stops merges past the area's end. */
        SENTINEL
    }

    /** One used region, {@code [start, start + sizeBytes)}. Sizes change when a region is resized in place. */
    static final class Used {
        final long start;
        final Kind kind;
        long sizeBytes;
        long requestedBytes;
        long sequence;

        Used(long start, long sizeBytes, Kind kind, long requestedBytes, long sequence) {
            this.start = start;
            this.sizeBytes = sizeBytes;
            this.kind = kind;
            this.requestedBytes = requestedBytes;
            this.sequence = sequence;
        }

        long end() {
            return start + sizeBytes;
        }

        @Override
        public String toString() {
            return kind + "[0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end()) + ")";
        }
    }

    /** One area obtained by sbrk: {@code [start, end)}, beginning with a root region, ending with a sentinel. */
    static final class Area {
        final long start;
        long end;
        /** Bytes skipped below {@code start} to align the break (counted in the footprint). */
        final long padBytes;

        Area(long start, long end, long padBytes) {
            this.start = start;
            this.end = end;
            this.padBytes = padBytes;
        }
    }

    /** A block freed and not reused since: its allocation and free sequence numbers. */
    record Freed(long allocationSequence, long freeSequence) {
    }

    private final TreeMap<Long, Used> used = new TreeMap<>();
    private final TreeMap<Long, Area> areas = new TreeMap<>();
    private final TreeMap<Long, Freed> freed = new TreeMap<>();
    private Area newestArea;

    /** The used region starting at {@code start}, or null. */
    Used usedAt(long start) {
        return used.get(start);
    }

    /** The used region with the greatest start below {@code address}, or null. */
    Used usedBefore(long address) {
        Map.Entry<Long, Used> e = used.lowerEntry(address);
        return e == null ? null : e.getValue();
    }

    /** The used region with the least start at or above {@code address}, or null. */
    Used usedFrom(long address) {
        Map.Entry<Long, Used> e = used.ceilingEntry(address);
        return e == null ? null : e.getValue();
    }

    /** The used region with the least start above {@code address}, or null. */
    Used usedAfter(long address) {
        Map.Entry<Long, Used> e = used.higherEntry(address);
        return e == null ? null : e.getValue();
    }

    /** The used region containing {@code address}, or null. */
    Used usedContaining(long address) {
        Map.Entry<Long, Used> e = used.floorEntry(address);
        return e != null && address < e.getValue().end() ? e.getValue() : null;
    }

    /** The used regions whose start lies in {@code [from, to)}, in address order. */
    NavigableMap<Long, Used> usedIn(long from, long to) {
        return used.subMap(from, true, to, false);
    }

    /** Every used region in address order. */
    Iterable<Used> allUsed() {
        return used.values();
    }

    int usedCount() {
        return used.size();
    }

    void addUsed(Used region) {
        Used previous = used.put(region.start, region);
        if (previous != null) {
            throw new IllegalStateException("internal: two used regions at 0x" + Long.toHexString(region.start));
        }
    }

    void removeUsed(Used region) {
        if (used.remove(region.start) != region) {
            throw new IllegalStateException("internal: no used region " + region);
        }
    }

    /** The area containing {@code address}, or null. */
    Area areaContaining(long address) {
        Map.Entry<Long, Area> e = areas.floorEntry(address);
        return e != null && address < e.getValue().end ? e.getValue() : null;
    }

    /** The area starting at {@code start}, or null. */
    Area areaAt(long start) {
        return areas.get(start);
    }

    /** Every area in address order. */
    Iterable<Area> allAreas() {
        return areas.values();
    }

    int areaCount() {
        return areas.size();
    }

    /** The most recently created area: the head of the in-band root region list, or null. */
    Area newestArea() {
        return newestArea;
    }

    void addArea(Area area) {
        areas.put(area.start, area);
        newestArea = area;
    }

    /** Records that the block at {@code payload} was freed. */
    void recordFreed(long payload, long allocationSequence, long freeSequence) {
        freed.put(payload, new Freed(allocationSequence, freeSequence));
    }

    /** The freed-and-not-reused record at {@code payload}, or null. */
    Freed freedAt(long payload) {
        return freed.get(payload);
    }

    /** Forgets the freed records in {@code [from, to)}: that memory now belongs to something else. */
    void forgetFreed(long from, long to) {
        if (from < to) {
            freed.subMap(from, true, to, false).clear();
        }
    }

    /** Every freed-and-not-reused payload address, in order. */
    Iterable<Long> freedPayloads() {
        return freed.keySet();
    }
}
