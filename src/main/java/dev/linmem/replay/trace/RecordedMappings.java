package dev.linmem.replay.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recorded address space of one process as its successful calls drew it: the ranges its
 * mmaps, mremaps and brk made, at recorded addresses, for {@link TraceStats}. A target-free
 * model, coarser than the kernel's: a mapping is what one call made (adjacent mappings never
 * merge, mprotect does not split), so "one munmap over several mappings" counts calls, as the
 * trace notes do.
 *
 * <p>Layout: {@code byStart} maps each mapping's start to the mapping; ranges are half-open
 * {@code [start, end)} in bytes, page-rounded by the caller.
 *
 * <p>Invariants ({@link #checkInvariants()}): every mapping has {@code start < end} and is
 * keyed by its start; mappings do not overlap; {@link #anonymousBytes()} equals the total
 * length of the ANONYMOUS and BREAK mappings.
 *
 * <p>Algorithm: {@link #remove} cuts every mapping intersecting the range, keeping the parts
 * outside it (a middle cut leaves two mappings); {@link #insert} removes the range first, as
 * {@code MAP_FIXED} replaces what was there.
 */
final class RecordedMappings {

    /** What a recorded range holds. */
    enum Kind {
        /** Anonymous memory from mmap or mremap. */
        ANONYMOUS,
        /** A file's pages, or an anonymous overlay inside a file mapping (ld.so's .bss). */
        FILE,
        /** The brk heap between its first recorded break and the current one. */
        BREAK
    }

    /** One mapping: {@code [start, end)} of {@code kind}. */
    record Mapping(long start, long end, Kind kind) {
        long lengthBytes() {
            return end - start;
        }

        boolean holdsMemory() {
            return kind != Kind.FILE;
        }
    }

    private final TreeMap<Long, Mapping> byStart = new TreeMap<>();
    private long anonymousBytes;

    /** Bytes in ANONYMOUS and BREAK mappings. */
    long anonymousBytes() {
        return anonymousBytes;
    }

    /** The mappings intersecting {@code [start, end)}, by address. */
    List<Mapping> intersecting(long start, long end) {
        List<Mapping> out = new ArrayList<>();
        Map.Entry<Long, Mapping> before = byStart.lowerEntry(start);
        if (before != null && before.getValue().end > start) {
            out.add(before.getValue());
        }
        for (Mapping m : byStart.subMap(start, true, end, false).values()) {
            out.add(m);
        }
        return out;
    }

    /** The mapping containing {@code address}, or null. */
    Mapping mappingAt(long address) {
        Map.Entry<Long, Mapping> e = byStart.floorEntry(address);
        return e != null && e.getValue().end > address ? e.getValue() : null;
    }

    /** True when some FILE mapping intersects {@code [start, end)}. */
    boolean intersectsFile(long start, long end) {
        for (Mapping m : intersecting(start, end)) {
            if (m.kind == Kind.FILE) {
                return true;
            }
        }
        return false;
    }

    /** Unmaps {@code [start, end)}, keeping the parts of cut mappings outside it. */
    void remove(long start, long end) {
        if (start >= end) {
            return;
        }
        for (Mapping m : intersecting(start, end)) {
            byStart.remove(m.start);
            account(m, -1);
            if (m.start < start) {
                put(new Mapping(m.start, start, m.kind));
            }
            if (m.end > end) {
                put(new Mapping(end, m.end, m.kind));
            }
        }
    }

    /** Maps {@code [start, end)} as {@code kind}, replacing whatever was there. */
    void insert(long start, long end, Kind kind) {
        if (start >= end) {
            return;
        }
        remove(start, end);
        put(new Mapping(start, end, kind));
    }

    private void put(Mapping m) {
        byStart.put(m.start, m);
        account(m, 1);
    }

    private void account(Mapping m, int sign) {
        if (m.holdsMemory()) {
            anonymousBytes += sign * m.lengthBytes();
        }
    }

    /** Checks the invariants of the class comment; throws IllegalStateException on a violation. */
    void checkInvariants() {
        long previousEnd = Long.MIN_VALUE;
        long anonymous = 0;
        for (Map.Entry<Long, Mapping> e : byStart.entrySet()) {
            Mapping m = e.getValue();
            if (e.getKey() != m.start || m.start >= m.end) {
                throw new IllegalStateException("bad mapping " + m + " keyed at " + e.getKey());
            }
            if (m.start < previousEnd) {
                throw new IllegalStateException("overlap at " + Long.toHexString(m.start));
            }
            previousEnd = m.end;
            if (m.holdsMemory()) {
                anonymous += m.lengthBytes();
            }
        }
        if (anonymous != anonymousBytes) {
            throw new IllegalStateException("anonymous bytes " + anonymousBytes + " but mappings hold " + anonymous);
        }
    }
}
