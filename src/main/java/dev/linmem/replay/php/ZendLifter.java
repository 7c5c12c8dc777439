package dev.linmem.replay.php;

import dev.linmem.replay.php.ZendDecision.RecordedOutcome;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.Mman;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Recognises zend_alloc's OS-layer decisions in the system calls of one recorded address space
 * and hands each to a sink as soon as it is complete (streaming: a few pending calls at most).
 *
 * <h2>Layout</h2>
 * <pre>
 *   blocks: recorded start -> Block(id, start, end)      every block PHP holds, by its recorded range
 *   ends:   recorded end   -> Block                      to find the block a hint or a tail munmap names
 *   per tid: a pending sequence (map-and-trim under way, a hint placed elsewhere, trims expected)
 *   moves:  failed extensions waiting for PHP's realloc-slow (new block, then munmap of the old)
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Blocks are disjoint, chunk-aligned, whole 4 KiB pages and at least one chunk long;
 *       {@code ends} indexes exactly the blocks of {@code blocks}.</li>
 *   <li>Every pending move names a block id that is live, and at most one move per id.</li>
 *   <li>Every event read is counted once: lifted (part of a decision), not lifted, or pending.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * For each anonymous call of the tid (other calls are not lifted):
 * <ol>
 *   <li><b>Aligned allocation.</b> {@code mmap(NULL, S)} with S a block size: if the result is
 *       chunk-aligned it is {@code AlignedAlloc(S)} at once. Otherwise it is PHP's first try only
 *       if the same tid then unmaps it whole and maps {@code S + 2 MiB - 4 KiB}; the block is the
 *       chunk-aligned address inside, and the head before it and the tail beyond S (when more
 *       than a page is left) are expected as munmaps of the same tid, counted as head and tail
 *       trims. A sequence that breaks off is released as not lifted.</li>
 *   <li><b>Extension.</b> {@code mremap(start, size, N, 0)} on a whole block, or {@code mmap(end,
 *       n)} hinted at a block's end (the non-Linux build), is {@code Extend(N)}: in place when
 *       the recorded platform kept it there; otherwise (ENOMEM, or the hint placed elsewhere and
 *       unmapped again by the same tid) it moved, and PHP's realloc-slow follows: the next
 *       aligned allocation of exactly N becomes the block's new home (no decision of its own)
 *       and the munmap of the old range ends the move.</li>
 *   <li><b>Truncation.</b> {@code munmap(a, n)} ending exactly at a block's end with {@code a}
 *       inside it is {@code Truncate(a - start)}.</li>
 *   <li><b>Free.</b> {@code munmap(start, size)} of a whole block is {@code Free}: one munmap
 *       may cover several recorded mappings, a block grown by hints being several adjacent
 *       ones.</li>
 * </ol>
 * Failed calls change nothing and are not lifted, except the failed extensions above.
 *
 * <h2>References</h2>
 * PHP's Zend/zend_alloc.c (zend_mm_chunk_alloc_int, zend_mm_chunk_extend, zend_mm_mmap_fixed,
 * zend_mm_chunk_truncate, zend_mm_realloc_huge): read for behaviour; this is our own matcher.
 */
public final class ZendLifter {

    private static final int ANON_PRIVATE = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    private static final int READ_WRITE = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final long[] NONE = {};

    /** A block as the recording placed it. */
    private static final class Block {
        final int id;
        final long start;
        long end;

        Block(int id, long start, long end) {
            this.id = id;
            this.start = start;
            this.end = end;
        }

        long sizeBytes() {
            return end - start;
        }
    }

    /** A failed extension waiting for PHP's realloc-slow to finish. */
    private static final class Move {
        final Block old;
        final long newSizeBytes;
        boolean newBlockBound;

        Move(Block old, long newSizeBytes) {
            this.old = old;
            this.newSizeBytes = newSizeBytes;
        }
    }

    /** What a tid is in the middle of. */
    private enum Phase {
        /** {@code mmap(NULL, S)} came back misaligned: expecting its munmap. */
        FIRST_TRY_MISALIGNED,
        /** The first try was unmapped: expecting {@code mmap(NULL, S + 2 MiB - 4 KiB)}. */
        RETRY_EXPECTED,
        /** A hint at a block's end was placed elsewhere: expecting the munmap of that mapping. */
        HINT_MISPLACED,
        /** An aligned block was carved out: expecting the head and tail trims. */
        TRIMS_EXPECTED
    }

    private static final class Pending {
        final Phase phase;
        final long sizeBytes;
        final long address;
        final Block block;
        /** 1-based indices of the events held, waiting for the sequence to complete. */
        final long[] heldEvents;
        final List<long[]> trims;

        Pending(Phase phase, long sizeBytes, long address, Block block, long[] heldEvents, List<long[]> trims) {
            this.phase = phase;
            this.sizeBytes = sizeBytes;
            this.address = address;
            this.block = block;
            this.heldEvents = heldEvents;
            this.trims = trims;
        }

        /** The held events plus {@code index}. */
        long[] heldWith(long index) {
            long[] more = java.util.Arrays.copyOf(heldEvents, heldEvents.length + 1);
            more[heldEvents.length] = index;
            return more;
        }
    }

    private final Consumer<ZendDecision> sink;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();
    private final Map<Long, Block> ends = new HashMap<>();
    private final Map<Integer, Pending> pendingByTid = new HashMap<>();
    private final Map<Integer, Move> movesById = new LinkedHashMap<>();
    private final Map<String, Long> notLiftedByCall = new LinkedHashMap<>();
    private final List<ZendDecision> decisions = new ArrayList<>();
    private final java.util.BitSet liftedEvents = new java.util.BitSet();
    private int nextBlockId = 1;
    private long eventIndex;
    private long eventsLifted;
    private long eventsNotLifted;
    private long brokenSequences;
    private long alignedDirect;
    private long alignedMapAndTrim;
    private long headTrims;
    private long tailTrims;
    private long extendedInPlace;
    private long extendedMoved;
    private long truncations;
    private long frees;
    private long fallbackAllocations;
    private boolean finished;

    /** A lifter handing every decision to {@code sink} as soon as it is complete. */
    public ZendLifter(Consumer<ZendDecision> sink) {
        this.sink = java.util.Objects.requireNonNull(sink, "sink");
    }

    /** Lifts a whole address space's events (address-space starts are counted, never lifted). */
    public static ZendLifting lift(Iterable<? extends TraceEvent> events) {
        List<ZendDecision> out = new ArrayList<>();
        ZendLifter lifter = new ZendLifter(out::add);
        for (TraceEvent e : events) {
            lifter.accept(e);
        }
        return lifter.finish();
    }

    /** Reads the next event of the address space. */
    public void accept(TraceEvent event) {
        if (finished) {
            throw new IllegalStateException("the lifting is finished");
        }
        eventIndex++;
        Pending pending = pendingByTid.remove(event.tid());
        if (pending != null && continueSequence(pending, event)) {
            return;
        }
        Lifted lifted = event.failed() ? Lifted.NO : liftAlone(event);
        if (lifted == Lifted.YES) {
            markLifted(eventIndex);
        } else if (lifted == Lifted.NO && !liftFailedExtension(event)) {
            notLifted(event.kind().callName(), 1);
        }
    }

    /**
     * Checks the invariants listed in the class notes; throws {@link IllegalStateException}
     * naming the first broken one.
     */
    public void checkInvariants() {
        long previousEnd = Long.MIN_VALUE;
        for (Block b : blocks.values()) {
            if (!ZendConstants.isChunkAligned(b.start) || !ZendConstants.isBlockSize(b.sizeBytes())) {
                throw new IllegalStateException("block " + b.id + " [" + b.start + ", " + b.end + ") is not a block");
            }
            if (b.start < previousEnd) {
                throw new IllegalStateException("block " + b.id + " overlaps the block before it");
            }
            previousEnd = b.end;
            if (ends.get(b.end) != b) {
                throw new IllegalStateException("block " + b.id + " is not indexed by its end");
            }
        }
        if (ends.size() != blocks.size()) {
            throw new IllegalStateException(ends.size() + " ends indexed for " + blocks.size() + " blocks");
        }
        for (Map.Entry<Integer, Move> m : movesById.entrySet()) {
            if (m.getValue().old.id != m.getKey() || blocks.get(m.getValue().old.start) != m.getValue().old) {
                throw new IllegalStateException("move of block " + m.getKey() + " does not name its live old block");
            }
        }
        long held = 0;
        for (Pending p : pendingByTid.values()) {
            held += p.heldEvents.length;
        }
        if (eventsLifted + eventsNotLifted + held != eventIndex || liftedEvents.cardinality() != eventsLifted) {
            throw new IllegalStateException("events lifted " + eventsLifted + ", not lifted " + eventsNotLifted
                    + " and held " + held + " do not add up to " + eventIndex + " read");
        }
    }

    /** Ends the lifting: sequences still pending are released as not lifted. */
    public ZendLifting finish() {
        if (!finished) {
            finished = true;
            for (Pending p : pendingByTid.values()) {
                release(p);
            }
            pendingByTid.clear();
        }
        LiftCounts counts = new LiftCounts(eventIndex, eventsLifted, eventsNotLifted, notLiftedByCall,
                alignedDirect + alignedMapAndTrim - fallbackAllocations, alignedDirect, alignedMapAndTrim, headTrims, tailTrims,
                extendedInPlace, extendedMoved, fallbackAllocations, truncations, frees, brokenSequences,
                blocks.values().stream().mapToInt(b -> b.id).distinct().count());
        return new ZendLifting(decisions, counts, liftedEvents);
    }

    // ---- sequences -------------------------------------------------------------------------

    /** Feeds {@code event} to the tid's pending sequence; false when it broke off (nothing consumed). */
    private boolean continueSequence(Pending p, TraceEvent event) {
        switch (p.phase) {
            case FIRST_TRY_MISALIGNED:
                if (isMunmapOf(event, p.address, p.sizeBytes)) {
                    pendingByTid.put(event.tid(), new Pending(Phase.RETRY_EXPECTED, p.sizeBytes, 0, null,
                            p.heldWith(eventIndex), null));
                    return true;
                }
                break;
            case RETRY_EXPECTED:
                if (event instanceof TraceEvent.Mmap && isPlainAnonymousMap((TraceEvent.Mmap) event)
                        && ((TraceEvent.Mmap) event).lengthBytes()
                        == ZendConstants.oversizedMappingBytes(p.sizeBytes)) {
                    carveAlignedBlock(p, (TraceEvent.Mmap) event);
                    return true;
                }
                break;
            case HINT_MISPLACED:
                if (isMunmapOf(event, p.address, p.sizeBytes)) {
                    markLifted(p.heldWith(eventIndex));
                    extendMoved(p.block, p.block.sizeBytes() + p.sizeBytes);
                    return true;
                }
                break;
            case TRIMS_EXPECTED:
                long[] trim = p.trims.get(0);
                if (isMunmapOf(event, trim[0], trim[1])) {
                    markLifted(eventIndex);
                    if (trim[2] == 0) {
                        headTrims++;
                    } else {
                        tailTrims++;
                    }
                    if (p.trims.size() > 1) {
                        pendingByTid.put(event.tid(), new Pending(Phase.TRIMS_EXPECTED, 0, 0, null, NONE,
                                p.trims.subList(1, p.trims.size())));
                    }
                    return true;
                }
                break;
            default:
                throw new IllegalStateException("unknown phase " + p.phase);
        }
        release(p);
        return false;
    }

    /** A sequence broke off: its held calls were not PHP's after all (or not a pattern we know). */
    private void release(Pending p) {
        brokenSequences++;
        if (p.phase == Phase.RETRY_EXPECTED) {
            notLifted("mmap", 1);
            notLifted("munmap", 1);
        } else if (p.heldEvents.length > 0) {
            notLifted("mmap", p.heldEvents.length);
        }
    }

    /** Step 1, second half: the oversized mapping came back; the block is the aligned part of it. */
    private void carveAlignedBlock(Pending p, TraceEvent.Mmap retry) {
        long mapped = retry.result();
        long offset = mapped & (ZendConstants.CHUNK_BYTES - 1);
        long start = mapped;
        long leftAfter = ZendConstants.CHUNK_BYTES;
        List<long[]> trims = new ArrayList<>(2);
        if (offset != 0) {
            long head = ZendConstants.CHUNK_BYTES - offset;
            trims.add(new long[] {mapped, head, 0});
            start = mapped + head;
            leftAfter = offset;
        }
        if (leftAfter > ZendConstants.PAGE_BYTES) {
            trims.add(new long[] {start + p.sizeBytes, leftAfter - ZendConstants.PAGE_BYTES, 1});
        }
        markLifted(p.heldWith(eventIndex));
        alignedMapAndTrim++;
        newBlock(start, p.sizeBytes);
        if (!trims.isEmpty()) {
            pendingByTid.put(retry.tid(), new Pending(Phase.TRIMS_EXPECTED, 0, 0, null, NONE, trims));
        }
    }

    // ---- single calls ----------------------------------------------------------------------

    /** Whether a call was lifted on its own, or held as the start of a sequence. */
    private enum Lifted {
        YES,
        NO,
        /** Counted when its sequence completes or breaks off. */
        HELD
    }

    /** Lifts a successful call that is a decision (or starts a sequence) on its own. */
    private Lifted liftAlone(TraceEvent event) {
        switch (event.kind()) {
            case MMAP:
                return liftMmap((TraceEvent.Mmap) event);
            case MUNMAP:
                return liftMunmap((TraceEvent.Munmap) event) ? Lifted.YES : Lifted.NO;
            case MREMAP:
                return liftMremap((TraceEvent.Mremap) event) ? Lifted.YES : Lifted.NO;
            default:
                return Lifted.NO;
        }
    }

    private Lifted liftMmap(TraceEvent.Mmap m) {
        if (!isAnonymousReadWrite(m) || m.isFixed()) {
            return Lifted.NO;
        }
        if (m.addr() == 0) {
            if (!ZendConstants.isBlockSize(m.lengthBytes()) || overlapsBlock(m.result(), m.lengthBytes())) {
                return Lifted.NO;
            }
            if (ZendConstants.isChunkAligned(m.result())) {
                alignedDirect++;
                newBlock(m.result(), m.lengthBytes());
                return Lifted.YES;
            }
            pendingByTid.put(m.tid(), new Pending(Phase.FIRST_TRY_MISALIGNED, m.lengthBytes(), m.result(), null,
                    new long[] {eventIndex}, null));
            return Lifted.HELD;
        }
        Block grown = ends.get(m.addr());
        if (grown == null || movesById.containsKey(grown.id) || m.lengthBytes() % ZendConstants.PAGE_BYTES != 0) {
            return Lifted.NO;
        }
        if (m.result() == m.addr()) {
            extendInPlace(grown, grown.sizeBytes() + m.lengthBytes());
            return Lifted.YES;
        }
        pendingByTid.put(m.tid(), new Pending(Phase.HINT_MISPLACED, m.lengthBytes(), m.result(), grown,
                new long[] {eventIndex}, null));
        return Lifted.HELD;
    }

    private boolean liftMunmap(TraceEvent.Munmap u) {
        long length = roundUpToPage(u.lengthBytes());
        Block whole = blocks.get(u.addr());
        if (whole != null && whole.sizeBytes() == length) {
            removeBlock(whole);
            Move move = movesById.get(whole.id);
            if (move != null && move.old == whole) {
                movesById.remove(whole.id);
            } else {
                frees++;
                emit(new ZendDecision.Free(whole.id, eventIndex));
            }
            return true;
        }
        Block tailOf = ends.get(u.addr() + length);
        if (tailOf != null && tailOf.start < u.addr() && !movesById.containsKey(tailOf.id)
                && ZendConstants.isBlockSize(u.addr() - tailOf.start)) {
            ends.remove(tailOf.end);
            tailOf.end = u.addr();
            ends.put(tailOf.end, tailOf);
            truncations++;
            emit(new ZendDecision.Truncate(tailOf.id, tailOf.sizeBytes(), eventIndex));
            return true;
        }
        return false;
    }

    private boolean liftMremap(TraceEvent.Mremap r) {
        Block b = growableBlock(r);
        if (b == null || !r.keptInPlace()) {
            return false;
        }
        extendInPlace(b, r.newLengthBytes());
        return true;
    }

    /** A failed {@code mremap(start, size, N, 0)} or a failed hinted mmap on a block: a moved extension. */
    private boolean liftFailedExtension(TraceEvent event) {
        if (!event.failed()) {
            return false;
        }
        if (event instanceof TraceEvent.Mremap) {
            Block b = growableBlock((TraceEvent.Mremap) event);
            if (b != null) {
                markLifted(eventIndex);
                extendMoved(b, ((TraceEvent.Mremap) event).newLengthBytes());
                return true;
            }
        } else if (event instanceof TraceEvent.Mmap) {
            TraceEvent.Mmap m = (TraceEvent.Mmap) event;
            Block b = m.addr() != 0 && !m.isFixed() && isAnonymousReadWrite(m) ? ends.get(m.addr()) : null;
            if (b != null && !movesById.containsKey(b.id) && m.lengthBytes() % ZendConstants.PAGE_BYTES == 0) {
                markLifted(eventIndex);
                extendMoved(b, b.sizeBytes() + m.lengthBytes());
                return true;
            }
        }
        return false;
    }

    /** The block a flags-0 growing mremap of a whole block names, or null. */
    private Block growableBlock(TraceEvent.Mremap r) {
        Block b = blocks.get(r.oldAddr());
        if (b == null || r.flags() != 0 || b.sizeBytes() != r.oldLengthBytes()
                || r.newLengthBytes() <= r.oldLengthBytes() || !ZendConstants.isBlockSize(r.newLengthBytes())
                || movesById.containsKey(b.id)) {
            return null;
        }
        return b;
    }

    // ---- decisions -------------------------------------------------------------------------

    private void newBlock(long start, long sizeBytes) {
        Move move = moveAwaiting(sizeBytes);
        if (move != null) {
            move.newBlockBound = true;
            fallbackAllocations++;
            addBlock(new Block(move.old.id, start, start + sizeBytes));
            return;
        }
        Block b = new Block(nextBlockId++, start, start + sizeBytes);
        addBlock(b);
        emit(new ZendDecision.AlignedAlloc(b.id, sizeBytes, eventIndex));
    }

    private Move moveAwaiting(long sizeBytes) {
        for (Move m : movesById.values()) {
            if (!m.newBlockBound && m.newSizeBytes == sizeBytes) {
                return m;
            }
        }
        return null;
    }

    private void extendInPlace(Block b, long newSizeBytes) {
        ends.remove(b.end);
        b.end = b.start + newSizeBytes;
        ends.put(b.end, b);
        extendedInPlace++;
        emit(new ZendDecision.Extend(b.id, newSizeBytes, RecordedOutcome.IN_PLACE, eventIndex));
    }

    private void extendMoved(Block b, long newSizeBytes) {
        movesById.put(b.id, new Move(b, newSizeBytes));
        extendedMoved++;
        emit(new ZendDecision.Extend(b.id, newSizeBytes, RecordedOutcome.MOVED, eventIndex));
    }

    private void emit(ZendDecision d) {
        decisions.add(d);
        sink.accept(d);
    }

    private void addBlock(Block b) {
        blocks.put(b.start, b);
        ends.put(b.end, b);
    }

    private void removeBlock(Block b) {
        blocks.remove(b.start);
        ends.remove(b.end);
    }

    private void markLifted(long... indices) {
        for (long i : indices) {
            liftedEvents.set(Math.toIntExact(i - 1));
            eventsLifted++;
        }
    }

    private void notLifted(String call, long events) {
        eventsNotLifted += events;
        notLiftedByCall.merge(call, events, Long::sum);
    }

    // ---- predicates ------------------------------------------------------------------------

    private boolean overlapsBlock(long start, long lengthBytes) {
        Map.Entry<Long, Block> below = blocks.floorEntry(start + lengthBytes - 1);
        return below != null && below.getValue().end > start;
    }

    private static boolean isMunmapOf(TraceEvent e, long address, long lengthBytes) {
        return e instanceof TraceEvent.Munmap && !e.failed() && ((TraceEvent.Munmap) e).addr() == address
                && roundUpToPage(((TraceEvent.Munmap) e).lengthBytes()) == lengthBytes;
    }

    private static boolean isPlainAnonymousMap(TraceEvent.Mmap m) {
        return !m.failed() && m.addr() == 0 && isAnonymousReadWrite(m);
    }

    private static boolean isAnonymousReadWrite(TraceEvent.Mmap m) {
        return m.prot() == READ_WRITE && (m.flags() & ANON_PRIVATE) == ANON_PRIVATE
                && (m.flags() & Mman.MAP_SHARED) == 0;
    }

    private static long roundUpToPage(long bytes) {
        return (bytes + ZendConstants.PAGE_BYTES - 1) & -ZendConstants.PAGE_BYTES;
    }
}
