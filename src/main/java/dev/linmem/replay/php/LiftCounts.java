package dev.linmem.replay.php;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the lifting of one address space found.
 *
 * @param events              events read (address-space starts included)
 * @param eventsLifted        events that are part of a decision
 * @param eventsNotLifted     events that are not PHP's OS layer (the loader's and libc's mappings,
 *                            brk, heap calls, sequences that broke off)
 * @param notLiftedByCall     the same by call name ({@code "mmap"}, {@code "brk"}, {@code "malloc"}), first-seen order
 * @param alignedAllocations  {@code AlignedAlloc} decisions (fallback allocations of moves not included)
 * @param alignedDirect       aligned allocations (fallback ones included) whose first mmap came back chunk-aligned
 * @param alignedMapAndTrim   aligned allocations (fallback ones included) that needed PHP's second try
 *                            (map 2 MiB - 4 KiB more, then trim)
 * @param headTrims           munmaps of the misaligned head of a second try
 * @param tailTrims           munmaps of the tail beyond the block of a second try
 * @param extendedInPlace     extensions the recorded platform kept in place
 * @param extendedMoved       extensions the recorded platform refused (PHP then moved the block)
 * @param fallbackAllocations aligned allocations that were a move's new block (realloc-slow)
 * @param truncations         {@code Truncate} decisions
 * @param frees               {@code Free} decisions
 * @param brokenSequences     sequences that began like PHP's and then broke off (their calls are not lifted)
 * @param blocksLiveAtEnd     blocks PHP still held when the recording ended
 */
public record LiftCounts(long events, long eventsLifted, long eventsNotLifted, Map<String, Long> notLiftedByCall,
                         long alignedAllocations, long alignedDirect, long alignedMapAndTrim, long headTrims,
                         long tailTrims, long extendedInPlace, long extendedMoved, long fallbackAllocations,
                         long truncations, long frees, long brokenSequences, long blocksLiveAtEnd) {

    public LiftCounts {
        notLiftedByCall = Collections.unmodifiableMap(new LinkedHashMap<>(notLiftedByCall));
    }

    /** Extensions of either outcome. */
    public long extensions() {
        return extendedInPlace + extendedMoved;
    }
}
