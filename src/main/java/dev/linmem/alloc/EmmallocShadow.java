package dev.linmem.alloc;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The out-of-band shadow of an {@link Emmalloc} heap: every region (used and free) and every
 * sbrk'd area, kept in Java where guest writes cannot reach.
 *
 * <p>Regions are indexed by their start and by their end, so each neighbour of a region is one
 * hash lookup away, and every in-band size, flag and link the heap is about to follow is checked
 * against the shadow in O(1) before it is trusted. Only the error path (which live block
 * contains a bad pointer) scans.
 *
 * <p>The shadow also remembers the payload addresses of freed blocks whose memory is still free:
 * a pointer that was once returned, freed, and not returned again is reported as a double free
 * (with both sequence numbers) rather than as a pointer never returned. Records are ordered so
 * that carving a region drops those inside it; they are bounded by the free memory.
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

    /** One used region, {@code [start, start + sizeBytes)}. Resize through {@link #resizeUsed}. */
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

    /** A freed block: its allocation and free sequence numbers. */
    record Freed(long allocationSequence, long freeSequence) {
    }

    private final LongMaps.LongObjectMap<Used> usedByStart = new LongMaps.LongObjectMap<>();
    private final LongMaps.LongObjectMap<Used> usedByEnd = new LongMaps.LongObjectMap<>();
    private final LongMaps.LongLongMap freeSizeByStart = new LongMaps.LongLongMap();
    private final LongMaps.LongLongMap freeStartByEnd = new LongMaps.LongLongMap();
    private final TreeMap<Long, Area> areas = new TreeMap<>();
    private final TreeMap<Long, Freed> freed = new TreeMap<>();
    private Area newestArea;

    // ---------------------------------------------------------------- used regions

    /** The used region starting at {@code start}, or null. */
    Used usedAt(long start) {
        return usedByStart.get(start);
    }

    /** The used region ending at {@code end}, or null. */
    Used usedEndingAt(long end) {
        return usedByEnd.get(end);
    }

    /** The used region containing {@code address}, or null. A scan: for the error path only. */
    Used usedContaining(long address) {
        for (Used u : usedByStart.values()) {
            if (u.start <= address && address < u.end()) {
                return u;
            }
        }
        return null;
    }

    /** Every used region, in no particular order. */
    Collection<Used> allUsed() {
        return usedByStart.values();
    }

    int usedCount() {
        return usedByStart.size();
    }

    void addUsed(Used region) {
        Used previous = usedByStart.put(region.start, region);
        if (previous != null) {
            usedByStart.put(region.start, previous);
            throw new IllegalStateException("internal: two used regions at 0x" + Long.toHexString(region.start));
        }
        usedByEnd.put(region.end(), region);
    }

    void removeUsed(Used region) {
        if (usedByStart.remove(region.start) != region || usedByEnd.remove(region.end()) != region) {
            throw new IllegalStateException("internal: no used region " + region);
        }
    }

    void resizeUsed(Used region, long sizeBytes) {
        if (usedByEnd.remove(region.end()) != region) {
            throw new IllegalStateException("internal: no used region " + region);
        }
        region.sizeBytes = sizeBytes;
        usedByEnd.put(region.end(), region);
    }

    // ---------------------------------------------------------------- free regions

    /** The size of the free region starting at {@code start}, or -1. */
    long freeSizeAt(long start) {
        return freeSizeByStart.get(start);
    }

    /** The start of the free region ending at {@code end}, or -1. */
    long freeStartEndingAt(long end) {
        return freeStartByEnd.get(end);
    }

    /** The number of free regions. */
    int freeRegionCount() {
        return freeSizeByStart.size();
    }

    /** The size of the largest free region, or 0. */
    long largestFreeBytes() {
        long[] largest = {0};
        freeSizeByStart.forEach((start, size) -> largest[0] = Math.max(largest[0], size));
        return largest[0];
    }

    void addFree(long start, long sizeBytes) {
        freeSizeByStart.put(start, sizeBytes);
        freeStartByEnd.put(start + sizeBytes, start);
    }

    void removeFree(long start, long sizeBytes) {
        long size = freeSizeByStart.remove(start);
        if (size != sizeBytes || freeStartByEnd.remove(start + sizeBytes) != start) {
            throw new IllegalStateException("internal: no free region of " + sizeBytes + " bytes at 0x"
                    + Long.toHexString(start));
        }
    }

    /** Checks that the end index agrees with the start index (for {@code checkInvariants}). */
    void requireIndexesAgree() {
        if (usedByEnd.size() != usedByStart.size() || freeStartByEnd.size() != freeSizeByStart.size()) {
            throw new IllegalStateException("internal: shadow indexes differ in size");
        }
        for (Used u : usedByStart.values()) {
            if (usedByEnd.get(u.end()) != u) {
                throw new IllegalStateException("internal: used region " + u + " is not indexed by its end");
            }
        }
        freeSizeByStart.forEach((start, size) -> {
            if (freeStartByEnd.get(start + size) != start) {
                throw new IllegalStateException("internal: free region at 0x" + Long.toHexString(start)
                        + " is not indexed by its end");
            }
            return 0;
        });
    }

    // ---------------------------------------------------------------- areas

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
    Collection<Area> allAreas() {
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

    // ---------------------------------------------------------------- freed blocks

    /** Records that the block at {@code payload} was freed. */
    void recordFreed(long payload, long allocationSequence, long freeSequence) {
        freed.put(payload, new Freed(allocationSequence, freeSequence));
    }

    /** The freed record at {@code payload}, or null. */
    Freed freedAt(long payload) {
        return freed.get(payload);
    }

    /** Forgets the freed records in {@code [from, to)}: that memory belongs to a block again. */
    void forgetFreed(long from, long to) {
        if (from < to && !freed.isEmpty()) {
            Long first = freed.ceilingKey(from);
            if (first != null && first < to) {
                freed.subMap(from, true, to, false).clear();
            }
        }
    }
}
