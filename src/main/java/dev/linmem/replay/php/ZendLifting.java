package dev.linmem.replay.php;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The decisions lifted from one address space of a PHP recording, in order, with the counts.
 *
 * @param decisions the decisions, in the order PHP made them
 * @param counts    what the lifting found and what it left
 * @param lifted    bit {@code i} set when event {@code i + 1} (1-based, as {@link ZendDecision#eventIndex()}) was lifted
 */
public record ZendLifting(List<ZendDecision> decisions, LiftCounts counts, java.util.BitSet lifted) {

    public ZendLifting {
        decisions = List.copyOf(decisions);
        lifted = (java.util.BitSet) lifted.clone();
    }

    /** True when event {@code eventIndex} (1-based) is part of a decision. */
    public boolean isLifted(long eventIndex) {
        return lifted.get(Math.toIntExact(eventIndex - 1));
    }

    @Override
    public java.util.BitSet lifted() {
        return (java.util.BitSet) lifted.clone();
    }

    /**
     * Checks that the decisions form a valid history: each block is allocated once before any
     * other decision on it, extended only upwards, truncated only downwards, freed at most once
     * and never used after; and that the counts agree with the decisions.
     */
    public void checkInvariants() {
        Map<Integer, Long> live = new HashMap<>();
        java.util.Set<Integer> freed = new java.util.HashSet<>();
        long allocs = 0;
        long extends_ = 0;
        long truncates = 0;
        long frees = 0;
        for (ZendDecision d : decisions) {
            Long size = live.get(d.blockId());
            if (d instanceof ZendDecision.AlignedAlloc) {
                if (size != null || freed.contains(d.blockId())) {
                    throw new IllegalStateException("block " + d.blockId() + " allocated twice: " + d);
                }
                live.put(d.blockId(), ((ZendDecision.AlignedAlloc) d).sizeBytes());
                allocs++;
                continue;
            }
            if (size == null) {
                throw new IllegalStateException("decision on a block not live: " + d);
            }
            if (d instanceof ZendDecision.Extend) {
                long n = ((ZendDecision.Extend) d).newSizeBytes();
                if (n <= size) {
                    throw new IllegalStateException("extension that does not grow: " + d + " from " + size);
                }
                live.put(d.blockId(), n);
                extends_++;
            } else if (d instanceof ZendDecision.Truncate) {
                long n = ((ZendDecision.Truncate) d).newSizeBytes();
                if (n >= size) {
                    throw new IllegalStateException("truncation that does not shrink: " + d + " from " + size);
                }
                live.put(d.blockId(), n);
                truncates++;
            } else {
                live.remove(d.blockId());
                freed.add(d.blockId());
                frees++;
            }
        }
        if (allocs != counts.alignedAllocations() || extends_ != counts.extensions()
                || truncates != counts.truncations() || frees != counts.frees()
                || live.size() != counts.blocksLiveAtEnd()) {
            throw new IllegalStateException("counts " + counts + " disagree with the decisions");
        }
        if (lifted.cardinality() != counts.eventsLifted()) {
            throw new IllegalStateException(lifted.cardinality() + " events marked lifted, counts say " + counts);
        }
        if (counts.eventsLifted() + counts.eventsNotLifted() != counts.events()) {
            throw new IllegalStateException("events lifted and not lifted do not add up to the events read: " + counts);
        }
    }
}
