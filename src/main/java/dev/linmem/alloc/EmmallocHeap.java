package dev.linmem.alloc;

import dev.linmem.alloc.EmmallocShadow.Area;
import dev.linmem.alloc.EmmallocShadow.Kind;
import dev.linmem.alloc.EmmallocShadow.Used;
import dev.linmem.memory.AddressType;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.Errno;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emmalloc's regions, root regions and buckets in the linear memory: the algorithm behind
 * {@link Emmalloc}, which documents the layout, invariants and steps. This class takes sizes
 * already validated and rounded by the facade and is called under its lock.
 *
 * <p>Every operation runs in two phases. The check phase reads the in-band metadata it is about
 * to rely on and compares it with the {@link EmmallocShadow}: sizes at both ends of each region
 * it touches, the free flag, the free-list links around every region it unlinks or links, the
 * bucket mask. Any disagreement throws {@link HeapCorruptionException} before anything is
 * written. The mutate phase then writes without further checks. Every address read from the
 * memory is checked against the shadow before it is dereferenced, so corrupted metadata can
 * never cause an out-of-bounds access, and every list walk is bounded by the number of free
 * regions, so it cannot loop.
 */
final class EmmallocHeap {

    /** Bit 0 of a region's ceiling size word: set when the region is free. */
    static final long FREE_FLAG = 1;

    /** Debug mode: the byte every free region's body is filled with. */
    static final byte JUNK = (byte) 0xDF;

    /** Debug mode: the byte of the canary after each block. */
    static final byte CANARY = (byte) 0xFD;

    /** Debug mode: canary bytes after each block's requested size. */
    static final int CANARY_BYTES = 8;

    /** Free regions tried in the largest bucket before sbrk is preferred (emmalloc's bound). */
    static final int LARGEST_BUCKET_TRIES = 99;

    /** Only scan the largest bucket when some bucket at or above this one has free regions (about 1 KiB). */
    static final int SCRAP_BUCKETS = 30;

    /** The size of a bucket-mask word in memory. */
    private static final int MASK_BYTES = 8;

    private final LinearMemory memory;
    private final HeapSource source;
    private final Emmalloc.Checking checking;
    private final EmmallocShadow shadow = new EmmallocShadow();

    /** sizeof(size_t) == sizeof(void*): 4 on wasm32, 8 on memory64. */
    final int w;
    /** sizeof(Region): size, prev, next, size at the end. The smallest region. */
    final long regionMinBytes;
    /** REGION_HEADER_SIZE: the two size words of a used region. */
    final long headerBytes;
    /** alignof(max_align_t): the alignment of every payload. */
    final long mallocAlignment;
    /** The largest request emmalloc accepts, such that adding its overheads cannot wrap a size_t. */
    final long maxAllocBytes;

    private long controlBase;
    private long controlBytes;
    private long controlPadBytes;

    private long footprintBytes;
    private long peakFootprintBytes;
    private long trimmedBytes;
    private long freeBytes;
    private long freeRegionCount;
    private long liveBytes;
    private long liveBlockCount;
    private long allocationSequence;
    private long freeSequence;
    private boolean lastFailureAtSource;

    EmmallocHeap(HeapSource source, Emmalloc.Checking checking) {
        this.source = source;
        this.memory = source.memory();
        this.checking = checking;
        this.w = memory.type().addressType() == AddressType.I32 ? 4 : 8;
        this.regionMinBytes = 4L * w;
        this.headerBytes = 2L * w;
        this.mallocAlignment = 2L * w;
        this.maxAllocBytes = w == 4 ? 0xFFFF_FFC7L : 1L << 56;
    }

    LinearMemory memory() {
        return memory;
    }

    HeapSource source() {
        return source;
    }

    boolean debug() {
        return checking == Emmalloc.Checking.DEBUG;
    }

    /** Whether the last failed allocation failed because the source refused to grow (sbrk set ENOMEM). */
    boolean lastFailureAtSource() {
        return lastFailureAtSource;
    }

    // ---------------------------------------------------------------- words and lists

    private long word(long address) {
        return w == 4 ? memory.getI32(address) & 0xFFFF_FFFFL : memory.getI64(address);
    }

    private void putWord(long address, long value) {
        if (w == 4) {
            memory.putI32(address, (int) value);
        } else {
            memory.putI64(address, value);
        }
    }

    private long sentinel(int bucket) {
        return controlBase + bucket * regionMinBytes;
    }

    private boolean isSentinel(long address) {
        long offset = address - controlBase;
        return controlBase != 0 && offset >= 0 && offset < EmmallocBuckets.BUCKET_COUNT * regionMinBytes
                && offset % regionMinBytes == 0;
    }

    private long maskAddress() {
        return controlBase + EmmallocBuckets.BUCKET_COUNT * regionMinBytes;
    }

    private long rootListAddress() {
        return maskAddress() + MASK_BYTES;
    }

    private long mask() {
        return memory.getI64(maskAddress());
    }

    private void putMask(long mask) {
        memory.putI64(maskAddress(), mask);
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    private HeapCorruptionException corrupt(String op, long at, String what) {
        return new HeapCorruptionException(op + ": heap corruption at " + HeapException.hex(at) + ": " + what, at);
    }

    // ---------------------------------------------------------------- check phase helpers (read only)

    /** The size of the free region at {@code r}, which the shadow says must span the gap from {@code r} to the next used region. */
    private long requireFreeRegion(String op, long r) {
        long size = shadow.freeSizeAt(r);
        if (size < 0) {
            throw corrupt(op, r, "a free-list link points at " + HeapException.hex(r) + ", which is not a free region");
        }
        long header = word(r);
        long ceiling = word(r + size - w);
        if (header != size || ceiling != (size | FREE_FLAG)) {
            throw corrupt(op, r, "free region [" + HeapException.hex(r) + ", " + HeapException.hex(r + size)
                    + ") has size " + header + " at its start and " + (ceiling & ~FREE_FLAG)
                    + ((ceiling & FREE_FLAG) != 0 ? " (free)" : " (used)") + " at its end, expected " + size
                    + " (free)");
        }
        return size;
    }

    /** A list node of bucket {@code bucket}: its sentinel, or a free region filed there. Returns its size, or -1 for the sentinel. */
    private long requireListNode(String op, long node, int bucket) {
        if (node == sentinel(bucket)) {
            return -1;
        }
        long size = requireFreeRegion(op, node);
        if (EmmallocBuckets.bucketOf(size) != bucket) {
            throw corrupt(op, node, "free region of " + size + " bytes is listed in bucket " + bucket
                    + " instead of " + EmmallocBuckets.bucketOf(size));
        }
        return size;
    }

    /** Checks the links around free region {@code r} so that it can be unlinked. */
    private void requireUnlinkable(String op, long r, long size) {
        int bucket = EmmallocBuckets.bucketOf(size);
        long prev = word(r + w);
        long next = word(r + 2L * w);
        requireListNode(op, prev, bucket);
        requireListNode(op, next, bucket);
        if (word(prev + 2L * w) != r || word(next + w) != r) {
            throw corrupt(op, r, "the free-list links around the free region at " + HeapException.hex(r)
                    + " do not point back at it");
        }
    }

    /**
     * Checks that a region can be linked at the head of {@code bucket} once {@code unlinkedA} and
     * {@code unlinkedB} (0 for none) are unlinked: the head left then must be a node of the bucket.
     */
    private void requireLinkable(String op, int bucket, long unlinkedA, long unlinkedB) {
        long s = sentinel(bucket);
        long head = word(s + 2L * w);
        if (head != 0 && (head == unlinkedA || head == unlinkedB)) {
            return; // the head left after unlinking is a neighbour's link, already checked
        }
        requireListNode(op, head, bucket);
        if (word(head + w) != s) {
            throw corrupt(op, head, "the first free region of bucket " + bucket + " does not link back to the bucket");
        }
    }

    /** Checks that the used region's size words (header and ceiling) hold its size. */
    private void requireUsedTags(String op, Used u) {
        long header = word(u.start);
        long ceiling = word(u.end() - w);
        if (header != u.sizeBytes || ceiling != u.sizeBytes) {
            String what = u.kind == Kind.BLOCK ? "block " + HeapException.hex(u.start + w) : u.kind.name().toLowerCase() + " region";
            throw corrupt(op, u.start, "the size fields of the " + what + " were overwritten: " + header
                    + " at its start and " + (ceiling & ~FREE_FLAG) + ((ceiling & FREE_FLAG) != 0 ? " (free)" : "")
                    + " at its end, expected " + u.sizeBytes);
        }
    }

    /** Debug: checks that the body of free region {@code [fs, fs + size)} within {@code [from, to)} still holds junk. */
    private void requireJunk(String op, long fs, long size, long from, long to) {
        long start = Math.max(from, fs + 3L * w);
        long end = Math.min(to, fs + size - w);
        byte[] buffer = new byte[(int) Math.min(4096, Math.max(0, end - start))];
        for (long a = start; a < end; a += buffer.length) {
            int n = (int) Math.min(buffer.length, end - a);
            memory.read(a, buffer, 0, n);
            for (int i = 0; i < n; i++) {
                if (buffer[i] != JUNK) {
                    throw new WriteAfterFreeException(op, fs, a + i, JUNK, buffer[i]);
                }
            }
        }
    }

    /** Debug: checks the canary after block {@code b}. */
    private void requireCanary(String op, Used b) {
        byte[] canary = new byte[CANARY_BYTES];
        long payload = b.start + w;
        memory.read(payload + b.requestedBytes, canary, 0, CANARY_BYTES);
        for (int i = 0; i < CANARY_BYTES; i++) {
            if (canary[i] != CANARY) {
                throw new CanaryCorruptionException(op, payload, b.sequence, b.requestedBytes + i, CANARY, canary[i]);
            }
        }
    }

    // ---------------------------------------------------------------- mutate phase primitives (no checks)

    private void putUsedTags(long r, long size) {
        putWord(r, size);
        putWord(r + size - w, size);
    }

    private void putFreeTags(long r, long size) {
        putWord(r, size);
        putWord(r + size - w, size | FREE_FLAG);
    }

    /** Makes {@code [r, r + size)} a free region at the head of its bucket. */
    private void linkFree(long r, long size) {
        putFreeTags(r, size);
        int bucket = EmmallocBuckets.bucketOf(size);
        long s = sentinel(bucket);
        long head = word(s + 2L * w);
        putWord(r + w, s);
        putWord(r + 2L * w, head);
        putWord(head + w, r);
        putWord(s + 2L * w, r);
        putMask(mask() | (1L << bucket));
        shadow.addFree(r, size);
        freeBytes += size;
        freeRegionCount++;
    }

    private void unlinkFree(long r, long size) {
        int bucket = EmmallocBuckets.bucketOf(size);
        long prev = word(r + w);
        long next = word(r + 2L * w);
        putWord(prev + 2L * w, next);
        putWord(next + w, prev);
        long s = sentinel(bucket);
        if (word(s + 2L * w) == s) {
            putMask(mask() & ~(1L << bucket));
        }
        shadow.removeFree(r, size);
        freeBytes -= size;
        freeRegionCount--;
    }

    /** Debug: fills the body of free region {@code [fs, fs + size)} within {@code [from, to)} with junk. */
    private void fillJunk(long fs, long size, long from, long to) {
        long start = Math.max(from, fs + 3L * w);
        long end = Math.min(to, fs + size - w);
        if (start < end) {
            memory.fill(start, end - start, JUNK);
        }
    }

    private void putCanary(Used b) {
        memory.fill(b.start + w + b.requestedBytes, CANARY_BYTES, CANARY);
    }

    // ---------------------------------------------------------------- allocation

    /**
     * Allocates {@code payloadBytes} (a multiple of the word size, at least two words) aligned to
     * {@code alignmentBytes} (a power of two at least {@link #mallocAlignment}); registers a live
     * block of {@code requestedBytes}. Returns the payload address, or 0.
     */
    long allocate(String op, long alignmentBytes, long payloadBytes, long requestedBytes) {
        lastFailureAtSource = false;
        if (controlBase == 0 && !claimControlBlock()) {
            return 0;
        }
        long regionStart = 0;
        for (int claims = 0; regionStart == 0; claims++) {
            regionStart = searchBuckets(op, alignmentBytes, payloadBytes);
            if (regionStart != 0) {
                break;
            }
            int largest = 63 - Long.numberOfLeadingZeros(mask());
            long resume = largest < 0 ? 0 : word(sentinel(largest) + 2L * w);
            if (largest >= 0 && (mask() >>> SCRAP_BUCKETS) != 0) {
                for (int tries = 0; tries < LARGEST_BUCKET_TRIES && resume != sentinel(largest); tries++) {
                    regionStart = attemptAllocate(op, resume, requireListNode(op, resume, largest), alignmentBytes, payloadBytes);
                    if (regionStart != 0) {
                        break;
                    }
                    resume = nextListNode(op, resume, largest);
                }
                if (regionStart != 0) {
                    break;
                }
            }
            long claimBytes = payloadBytes + 3 * regionMinBytes + (alignmentBytes > mallocAlignment ? alignmentBytes : 0);
            if (claims == 0 && claimMoreMemory(op, claimBytes)) {
                continue;
            }
            regionStart = largest < 0 ? 0 : scanRestOfBucket(op, resume, largest, alignmentBytes, payloadBytes);
            if (regionStart == 0) {
                return 0;
            }
        }
        return registerBlock(regionStart, requestedBytes);
    }

    private long registerBlock(long regionStart, long requestedBytes) {
        long size = word(regionStart);
        Used b = new Used(regionStart, size, Kind.BLOCK, requestedBytes, ++allocationSequence);
        shadow.addUsed(b);
        liveBytes += requestedBytes;
        liveBlockCount++;
        if (debug()) {
            putCanary(b);
        }
        return regionStart + w;
    }

    /** Tries the first free region of each non-empty bucket from the request's own bucket up; 0 if none fits. */
    private long searchBuckets(String op, long alignmentBytes, long payloadBytes) {
        int bucket = EmmallocBuckets.bucketOf(payloadBytes);
        long pending = mask() >>> bucket;
        while (pending != 0) {
            int skip = Long.numberOfTrailingZeros(pending);
            bucket += skip;
            pending >>>= skip;
            long s = sentinel(bucket);
            long head = word(s + 2L * w);
            long size = requireListNode(op, head, bucket);
            if (size < 0) {
                throw corrupt(op, maskAddress(), "the bucket mask marks bucket " + bucket + " used but its list is empty");
            }
            long regionStart = attemptAllocate(op, head, size, alignmentBytes, payloadBytes);
            if (regionStart != 0) {
                return regionStart;
            }
            moveToBack(op, head, size, bucket);
            pending ^= 1;
        }
        return 0;
    }

    /** The node after {@code node} in bucket {@code bucket}'s list, checked to link back. */
    private long nextListNode(String op, long node, int bucket) {
        long next = word(node + 2L * w);
        requireListNode(op, next, bucket);
        if (word(next + w) != node) {
            throw corrupt(op, next, "free list of bucket " + bucket + " is broken: the node after "
                    + HeapException.hex(node) + " does not link back to it");
        }
        return next;
    }

    /** Last resort after sbrk failed: every remaining region of the largest bucket, from {@code node} on. */
    private long scanRestOfBucket(String op, long node, int bucket, long alignmentBytes, long payloadBytes) {
        long steps = 0;
        for (long n = node; n != sentinel(bucket); n = nextListNode(op, n, bucket)) {
            if (++steps > freeRegionCount + 1) {
                throw corrupt(op, sentinel(bucket), "free list of bucket " + bucket + " does not end (a cycle)");
            }
            long regionStart = attemptAllocate(op, n, requireListNode(op, n, bucket), alignmentBytes, payloadBytes);
            if (regionStart != 0) {
                return regionStart;
            }
        }
        return 0;
    }

    /** Emmalloc's penalty for a region that could not satisfy a request: move it to the back of its bucket. */
    private void moveToBack(String op, long r, long size, int bucket) {
        long s = sentinel(bucket);
        long tail = word(s + w);
        if (tail == r) {
            return;
        }
        requireUnlinkable(op, r, size);
        requireListNode(op, tail, bucket);
        if (word(tail + 2L * w) != s) {
            throw corrupt(op, tail, "the last free region of bucket " + bucket + " does not link back to the bucket");
        }
        long prev = word(r + w);
        long next = word(r + 2L * w);
        putWord(prev + 2L * w, next);
        putWord(next + w, prev);
        putWord(r + w, tail);
        putWord(r + 2L * w, s);
        putWord(tail + 2L * w, r);
        putWord(s + w, r);
    }

    /**
     * Carves an aligned used region of {@code payloadBytes} from free region {@code r} of
     * {@code size} bytes; returns the used region's start, or 0 when it does not fit.
     */
    private long attemptAllocate(String op, long r, long size, long alignmentBytes, long payloadBytes) {
        long payload = r + w;
        long aligned = alignUp(payload, alignmentBytes);
        long payloadEnd = r + size - w;
        if (aligned + payloadBytes > payloadEnd) {
            return 0;
        }
        long bump = aligned - payload;
        long start = r + bump;
        long available = size - bump;
        long rest = available - headerBytes - payloadBytes;
        boolean split = rest >= regionMinBytes;
        Used before = shadow.usedEndingAt(r);
        // check phase
        requireUnlinkable(op, r, size);
        if (bump > 0) {
            requireUsedTags(op, before);
        }
        if (split) {
            requireLinkable(op, EmmallocBuckets.bucketOf(rest), r, 0);
        }
        if (debug()) {
            requireJunk(op, r, size, aligned, aligned + payloadBytes);
        }
        // mutate phase
        unlinkFree(r, size);
        if (bump > 0) {
            shadow.resizeUsed(before, before.sizeBytes + bump); // the slack before an aligned payload joins the region below
            putUsedTags(before.start, before.sizeBytes);
        }
        long used = available;
        if (split) {
            used = headerBytes + payloadBytes;
            linkFree(start + used, rest);
        }
        putUsedTags(start, used);
        shadow.forgetFreed(r, start + used);
        return start;
    }

    // ---------------------------------------------------------------- sbrk

    private boolean claimControlBlock() {
        long bytes = alignUp(EmmallocBuckets.BUCKET_COUNT * regionMinBytes + MASK_BYTES + w, mallocAlignment);
        long brk = source.breakAddress();
        long pad = alignUp(brk, w) - brk;
        long start = sbrk(pad + bytes);
        if (start < 0) {
            return false;
        }
        controlBase = start + pad;
        controlBytes = bytes;
        controlPadBytes = pad;
        grewBy(pad + bytes);
        for (int b = 0; b < EmmallocBuckets.BUCKET_COUNT; b++) {
            long s = sentinel(b);
            putWord(s, regionMinBytes);
            putWord(s + w, s);
            putWord(s + 2L * w, s);
            putWord(s + 3L * w, regionMinBytes);
        }
        putMask(0);
        putWord(rootListAddress(), 0);
        return true;
    }

    /** The source's sbrk; -1 (and {@link #lastFailureAtSource}) when it refuses with ENOMEM. */
    private long sbrk(long incrementBytes) {
        long result = source.sbrk(incrementBytes);
        if (Errno.isError(result)) {
            if (Errno.of(result) != Errno.ENOMEM) {
                throw new IllegalStateException("internal: the heap source answered sbrk(" + incrementBytes
                        + ") with " + Errno.of(result) + "; only ENOMEM is expected");
            }
            lastFailureAtSource = true;
            return -1;
        }
        return result;
    }

    private void grewBy(long bytes) {
        footprintBytes += bytes;
        peakFootprintBytes = Math.max(peakFootprintBytes, footprintBytes);
    }

    /**
     * Emmalloc's claim_more_memory: sbrk {@code numBytes} more and make them one free region,
     * extending the newest area when the new bytes follow it, else starting a new area with its
     * own root region and end sentinel.
     */
    private boolean claimMoreMemory(String op, long numBytes) {
        long bytes = alignUp(numBytes, w);
        long brk = source.breakAddress();
        long pad = alignUp(brk, w) - brk;
        Area top = shadow.newestArea();
        requireRootList(op);
        if (top != null && pad == 0 && top.end == brk) {
            return extendNewestArea(op, top, bytes);
        }
        requireLinkable(op, EmmallocBuckets.bucketOf(bytes - 2 * regionMinBytes), 0, 0);
        long start = sbrk(pad + bytes);
        if (start < 0) {
            return false;
        }
        grewBy(pad + bytes);
        start += pad;
        long end = start + bytes;
        putUsedTags(start, regionMinBytes);
        putWord(start + w, top == null ? 0 : top.start);
        putWord(start + 2L * w, end);
        putWord(rootListAddress(), start);
        putUsedTags(end - regionMinBytes, regionMinBytes);
        Area area = new Area(start, end, pad);
        shadow.addArea(area);
        shadow.addUsed(new Used(start, regionMinBytes, Kind.ROOT, 0, 0));
        shadow.addUsed(new Used(end - regionMinBytes, regionMinBytes, Kind.SENTINEL, 0, 0));
        long freeStart = start + regionMinBytes;
        long freeSize = bytes - 2 * regionMinBytes;
        linkFree(freeStart, freeSize);
        if (debug()) {
            fillJunk(freeStart, freeSize, freeStart, end);
        }
        return true;
    }

    /** The new bytes follow the newest area: move its end sentinel up, growing or creating the last free region. */
    private boolean extendNewestArea(String op, Area top, long bytes) {
        Used oldSentinel = shadow.usedAt(top.end - regionMinBytes);
        requireUsedTags(op, oldSentinel);
        long lastFreeStart = shadow.freeStartEndingAt(oldSentinel.start);
        long lastFreeSize = lastFreeStart < 0 ? 0 : oldSentinel.start - lastFreeStart;
        long freeStart = lastFreeSize > 0 ? lastFreeStart : oldSentinel.start;
        long newEnd = top.end + bytes;
        long freeSize = newEnd - regionMinBytes - freeStart;
        if (lastFreeSize > 0) {
            requireFreeRegion(op, freeStart);
            requireUnlinkable(op, freeStart, lastFreeSize);
        }
        requireLinkable(op, EmmallocBuckets.bucketOf(freeSize), lastFreeSize > 0 ? freeStart : 0, 0);
        if (sbrk(bytes) < 0) {
            return false;
        }
        grewBy(bytes);
        if (lastFreeSize > 0) {
            unlinkFree(freeStart, lastFreeSize);
        }
        shadow.removeUsed(oldSentinel);
        long oldSentinelStart = oldSentinel.start;
        top.end = newEnd;
        putWord(top.start + 2L * w, newEnd);
        putUsedTags(newEnd - regionMinBytes, regionMinBytes);
        shadow.addUsed(new Used(newEnd - regionMinBytes, regionMinBytes, Kind.SENTINEL, 0, 0));
        linkFree(freeStart, freeSize);
        if (debug()) {
            fillJunk(freeStart, freeSize, oldSentinelStart - w, newEnd);
        }
        return true;
    }

    /** Checks that the in-band root region list names the newest area first and records its end. */
    private void requireRootList(String op) {
        Area top = shadow.newestArea();
        long head = word(rootListAddress());
        if (head != (top == null ? 0 : top.start)) {
            throw corrupt(op, rootListAddress(), "the root region list starts at " + HeapException.hex(head)
                    + ", expected " + (top == null ? "NULL" : HeapException.hex(top.start)));
        }
        if (top != null && word(top.start + 2L * w) != top.end) {
            throw corrupt(op, top.start, "the root region's end pointer is " + HeapException.hex(word(top.start + 2L * w))
                    + ", expected " + HeapException.hex(top.end));
        }
    }

    // ---------------------------------------------------------------- free, resize, trim

    /**
     * The live block whose payload is {@code ptr}, its in-band size fields (and debug canary)
     * checked; otherwise throws the exception that names what {@code ptr} is.
     */
    Used requireLiveBlock(String op, long ptr) {
        Used b = shadow.usedAt(ptr - w);
        if (b != null && b.kind == Kind.BLOCK && ptr - w < ptr) {
            requireUsedTags(op, b);
            if (debug()) {
                requireCanary(op, b);
            }
            return b;
        }
        throw invalidPointer(op, ptr);
    }

    private HeapException invalidPointer(String op, long ptr) {
        if (shadow.areaContaining(ptr) == null) {
            boolean control = controlBase != 0 && ptr >= controlBase && ptr < controlBase + controlBytes;
            return new InvalidPointerException(op, ptr, control ? InvalidPointerException.Reason.NOT_ALLOCATED
                    : InvalidPointerException.Reason.OUTSIDE_HEAP,
                    0, control ? "it lies in the heap's bucket table" : "no area of the heap contains it");
        }
        Used containing = shadow.usedContaining(ptr);
        long block = containing != null && containing.kind == Kind.BLOCK ? containing.start + w : 0;
        if ((ptr & (mallocAlignment - 1)) != 0) {
            return new InvalidPointerException(op, ptr, InvalidPointerException.Reason.UNALIGNED, block,
                    "blocks are aligned to " + mallocAlignment + " bytes"
                            + (block != 0 ? "; it lies inside the block at " + HeapException.hex(block) : ""));
        }
        if (block != 0) {
            return new InvalidPointerException(op, ptr, InvalidPointerException.Reason.INTERIOR, block,
                    "it lies " + (ptr - block) + " bytes into the block at " + HeapException.hex(block));
        }
        EmmallocShadow.Freed freed = shadow.freedAt(ptr);
        if (freed != null) {
            return new DoubleFreeException(op, ptr, freed.allocationSequence(), freed.freeSequence());
        }
        String where = containing == null ? "it lies in a free region"
                : "it lies in " + (containing.kind == Kind.ROOT ? "a root region" : "an end sentinel region");
        return new InvalidPointerException(op, ptr, InvalidPointerException.Reason.NOT_ALLOCATED, 0, where);
    }

    /** Frees live block {@code b} (from {@link #requireLiveBlock}), merging it with free neighbours. */
    void free(String op, Used b) {
        Used before = shadow.usedEndingAt(b.start);
        long leftStart = before != null ? b.start : shadow.freeStartEndingAt(b.start);
        long leftSize = b.start - leftStart;
        Used after = shadow.usedAt(b.end());
        long rightSize = after != null ? 0 : shadow.freeSizeAt(b.end());
        if ((before == null && leftStart < 0) || (after == null && rightSize < 0)) {
            throw new IllegalStateException("internal: the shadow has no neighbour of " + b);
        }
        // check phase
        if (leftSize > 0) {
            requireFreeRegion(op, leftStart);
            requireUnlinkable(op, leftStart, leftSize);
        } else if (word(b.start - w) != before.sizeBytes) {
            throw corrupt(op, b.start - w, "the region below the block at " + HeapException.hex(b.start + w)
                    + " ends with size " + word(b.start - w) + ", expected " + before.sizeBytes + " (used)");
        }
        if (rightSize > 0) {
            requireFreeRegion(op, b.end());
            requireUnlinkable(op, b.end(), rightSize);
        } else if (word(after.start) != after.sizeBytes) {
            throw corrupt(op, after.start, "the region above the block at " + HeapException.hex(b.start + w)
                    + " starts with size " + word(after.start) + ", expected " + after.sizeBytes);
        }
        long mergedStart = leftStart;
        long mergedSize = b.end() + rightSize - mergedStart;
        requireLinkable(op, EmmallocBuckets.bucketOf(mergedSize), leftSize > 0 ? mergedStart : 0,
                rightSize > 0 ? b.end() : 0);
        // mutate phase
        if (leftSize > 0) {
            unlinkFree(mergedStart, leftSize);
        }
        if (rightSize > 0) {
            unlinkFree(b.end(), rightSize);
        }
        shadow.removeUsed(b);
        shadow.recordFreed(b.start + w, b.sequence, ++freeSequence);
        liveBytes -= b.requestedBytes;
        liveBlockCount--;
        linkFree(mergedStart, mergedSize);
        if (debug()) {
            long from = leftSize > 0 ? b.start - w : b.start;
            long to = rightSize > 0 ? b.end() + 3L * w : b.end();
            fillJunk(mergedStart, mergedSize, from, to);
        }
    }

    /**
     * Emmalloc's attempt_region_resize: makes live block {@code b}'s region {@code newSizeBytes}
     * long (a multiple of the word size) without moving it, by growing into or shrinking towards
     * the region above. Returns false, changing nothing, when that cannot be done.
     */
    boolean resizeInPlace(String op, Used b, long newSizeBytes, long requestedBytes) {
        long nextStart = b.end();
        Used after = shadow.usedAt(nextStart);
        long nextSize = after != null ? 0 : shadow.freeSizeAt(nextStart);
        if (after == null && nextSize < 0) {
            throw new IllegalStateException("internal: the shadow has no region after " + b);
        }
        boolean resized;
        if (nextSize > 0) {
            resized = resizeIntoFreeRegion(op, b, newSizeBytes, nextStart, nextSize);
        } else {
            resized = resizeBeforeUsedRegion(op, b, newSizeBytes, after);
        }
        if (resized) {
            liveBytes += requestedBytes - b.requestedBytes;
            b.requestedBytes = requestedBytes;
            if (debug()) {
                putCanary(b);
            }
        }
        return resized;
    }

    private boolean resizeIntoFreeRegion(String op, Used b, long newSizeBytes, long nextStart, long nextSize) {
        long newNextStart = b.start + newSizeBytes;
        long nextEnd = nextStart + nextSize;
        if (newNextStart > nextEnd) {
            return false;
        }
        requireFreeRegion(op, nextStart);
        requireUnlinkable(op, nextStart, nextSize);
        boolean keepFree = newNextStart + regionMinBytes <= nextEnd;
        if (keepFree) {
            requireLinkable(op, EmmallocBuckets.bucketOf(nextEnd - newNextStart), nextStart, 0);
        }
        long absorbedEnd = keepFree ? newNextStart : nextEnd;
        if (debug()) {
            requireJunk(op, nextStart, nextSize, nextStart, absorbedEnd);
        }
        unlinkFree(nextStart, nextSize);
        shadow.forgetFreed(nextStart, absorbedEnd);
        shadow.resizeUsed(b, absorbedEnd - b.start);
        putUsedTags(b.start, b.sizeBytes);
        if (keepFree) {
            linkFree(newNextStart, nextEnd - newNextStart);
            if (debug()) {
                fillJunk(newNextStart, nextEnd - newNextStart, newNextStart, nextStart + 3L * w);
            }
        }
        return true;
    }

    private boolean resizeBeforeUsedRegion(String op, Used b, long newSizeBytes, Used after) {
        if (word(after.start) != after.sizeBytes) {
            throw corrupt(op, after.start, "the region above the block at " + HeapException.hex(b.start + w)
                    + " starts with size " + word(after.start) + ", expected " + after.sizeBytes);
        }
        if (newSizeBytes + regionMinBytes <= b.sizeBytes) {
            long freeStart = b.start + newSizeBytes;
            long freeSize = b.sizeBytes - newSizeBytes;
            requireLinkable(op, EmmallocBuckets.bucketOf(freeSize), 0, 0);
            shadow.resizeUsed(b, newSizeBytes);
            putUsedTags(b.start, newSizeBytes);
            linkFree(freeStart, freeSize);
            if (debug()) {
                fillJunk(freeStart, freeSize, freeStart, freeStart + freeSize);
            }
            return true;
        }
        return newSizeBytes <= b.sizeBytes; // too small a shrink to leave a region behind: nothing to do
    }

    /**
     * Emmalloc's trim: gives the free memory at the top of the newest area back to the source by
     * a negative sbrk, keeping at most {@code padBytes} (rounded up to a whole region) free.
     * Returns the bytes given back; 0 when the top region is used, the break has moved past the
     * area (another sbrk user), or the source refuses.
     */
    long trim(String op, long padBytes) {
        Area top = shadow.newestArea();
        if (top == null) {
            return 0;
        }
        requireRootList(op);
        if (source.breakAddress() != top.end) {
            return 0;
        }
        Used sentinelRegion = shadow.usedAt(top.end - regionMinBytes);
        long freeStart = shadow.freeStartEndingAt(sentinelRegion.start);
        long freeSize = freeStart < 0 ? 0 : sentinelRegion.start - freeStart;
        long keep = padBytes <= 0 ? 0 : Math.max(regionMinBytes, alignUp(Math.min(padBytes, maxAllocBytes), w));
        if (freeSize == 0 || keep >= freeSize) {
            return 0;
        }
        long release = freeSize - keep;
        requireUsedTags(op, sentinelRegion);
        requireFreeRegion(op, freeStart);
        requireUnlinkable(op, freeStart, freeSize);
        if (keep > 0) {
            requireLinkable(op, EmmallocBuckets.bucketOf(keep), freeStart, 0);
        }
        if (sbrk(-release) < 0) {
            return 0;
        }
        unlinkFree(freeStart, freeSize);
        shadow.removeUsed(sentinelRegion);
        long newEnd = top.end - release;
        if (keep > 0) {
            linkFree(freeStart, keep);
        }
        putUsedTags(newEnd - regionMinBytes, regionMinBytes);
        shadow.addUsed(new Used(newEnd - regionMinBytes, regionMinBytes, Kind.SENTINEL, 0, 0));
        top.end = newEnd;
        putWord(top.start + 2L * w, newEnd);
        footprintBytes -= release;
        trimmedBytes += release;
        return release;
    }

    /** The size of the free region at the top of the newest area, or 0. */
    long topFreeBytes() {
        Area top = shadow.newestArea();
        if (top == null) {
            return 0;
        }
        long sentinelStart = top.end - regionMinBytes;
        long freeStart = shadow.freeStartEndingAt(sentinelStart);
        return freeStart < 0 ? 0 : sentinelStart - freeStart;
    }

    /** Zeroes the first {@code bytes} of block {@code payload}. */
    void zero(long payload, long bytes) {
        memory.fill(payload, bytes, (byte) 0);
    }

    /** What {@code usableSize} reports: the payload (debug: the requested size, so canaries stay untouched). */
    long usableBytes(Used b) {
        return debug() ? b.requestedBytes : b.sizeBytes - headerBytes;
    }

    // ---------------------------------------------------------------- statistics and validation

    List<LiveBlock> liveBlocks() {
        List<LiveBlock> blocks = new ArrayList<>((int) Math.min(liveBlockCount, 1 << 20));
        for (Used u : shadow.allUsed()) {
            if (u.kind == Kind.BLOCK) {
                blocks.add(new LiveBlock(u.start + w, u.requestedBytes, usableBytes(u), u.sequence));
            }
        }
        blocks.sort(java.util.Comparator.comparingLong(LiveBlock::address));
        return blocks;
    }

    /** Statistics from the counters and the shadow alone, so they can be taken even of a corrupted heap. */
    AllocatorStats stats() {
        long[] sizeClasses = new long[64];
        long largestFree = 0;
        for (Used u : shadow.allUsed()) {
            if (u.kind == Kind.BLOCK) {
                long usable = usableBytes(u);
                sizeClasses[usable == 0 ? 0 : 63 - Long.numberOfLeadingZeros(usable)]++;
            }
        }
        largestFree = shadow.largestFreeBytes();
        return new AllocatorStats(footprintBytes, peakFootprintBytes, liveBytes, liveBlockCount, freeBytes,
                largestFree, trimmedBytes, sizeClasses);
    }

    EmmallocStats emmallocStats() {
        long[] bytesByBucket = new long[EmmallocBuckets.BUCKET_COUNT];
        long[] regionsByBucket = new long[EmmallocBuckets.BUCKET_COUNT];
        long dynamicHeap = 0;
        for (Area a : shadow.allAreas()) {
            dynamicHeap += a.end - a.start;
        }
        if (controlBase != 0) {
            for (int b = 0; b < EmmallocBuckets.BUCKET_COUNT; b++) {
                long steps = 0;
                for (long n = word(sentinel(b) + 2L * w); n != sentinel(b); n = nextListNode("stats", n, b)) {
                    if (++steps > freeRegionCount + 1) {
                        throw corrupt("stats", sentinel(b), "free list of bucket " + b + " does not end (a cycle)");
                    }
                    bytesByBucket[b] += requireListNode("stats", n, b);
                    regionsByBucket[b]++;
                }
            }
        }
        return new EmmallocStats(dynamicHeap, freeBytes, freeRegionCount, bytesByBucket, regionsByBucket,
                shadow.areaCount(), controlBytes);
    }

    /** emmalloc's validate_memory_regions, strengthened: a full walk of every area and every bucket, checked against the shadow. */
    void checkInvariants() {
        String op = "checkInvariants";
        if (controlBase == 0) {
            if (shadow.usedCount() != 0 || shadow.areaCount() != 0 || footprintBytes != 0) {
                throw new IllegalStateException("internal: a heap without a bucket table holds regions");
            }
            return;
        }
        requireRootListWalk(op);
        Map<Long, Long> freeRegions = new HashMap<>();
        long footprint = controlBytes + controlPadBytes;
        long usedVisited = 0;
        long live = 0;
        long liveCount = 0;
        for (Area a : shadow.allAreas()) {
            footprint += a.end - a.start + a.padBytes;
            usedVisited += walkArea(op, a, freeRegions);
        }
        for (Used u : shadow.allUsed()) {
            if (u.kind == Kind.BLOCK) {
                live += u.requestedBytes;
                liveCount++;
            }
        }
        if (usedVisited != shadow.usedCount()) {
            throw new IllegalStateException("internal: the shadow records " + shadow.usedCount()
                    + " used regions, the walk found " + usedVisited);
        }
        long listed = walkBuckets(op, freeRegions);
        long freeTotal = 0;
        for (long size : freeRegions.values()) {
            freeTotal += size;
        }
        if (freeRegions.size() != shadow.freeRegionCount()) {
            throw new IllegalStateException("internal: the shadow records " + shadow.freeRegionCount()
                    + " free regions, the walk found " + freeRegions.size());
        }
        if (listed != freeRegions.size()) {
            throw corrupt(op, controlBase, freeRegions.size() + " free regions in the heap but " + listed
                    + " in the buckets: some free region is in no bucket");
        }
        requireCounter("free bytes", freeBytes, freeTotal);
        requireCounter("free regions", freeRegionCount, freeRegions.size());
        requireCounter("live bytes", liveBytes, live);
        requireCounter("live blocks", liveBlockCount, liveCount);
        requireCounter("footprint", footprintBytes, footprint);
        if (peakFootprintBytes < footprintBytes) {
            throw new IllegalStateException("internal: peak footprint " + peakFootprintBytes + " below footprint " + footprintBytes);
        }
        shadow.requireIndexesAgree();
    }

    private static void requireCounter(String name, long counted, long walked) {
        if (counted != walked) {
            throw new IllegalStateException("internal: " + name + " counter " + counted + " but the walk finds " + walked);
        }
    }

    private void requireRootListWalk(String op) {
        requireRootList(op);
        long root = word(rootListAddress());
        int visited = 0;
        while (root != 0) {
            Area a = shadow.areaAt(root);
            if (a == null || ++visited > shadow.areaCount()) {
                throw corrupt(op, root, "the root region list reaches " + HeapException.hex(root)
                        + ", which does not start an area" + (a != null ? " (a cycle)" : ""));
            }
            if (word(root + 2L * w) != a.end) {
                throw corrupt(op, root, "the root region's end pointer is " + HeapException.hex(word(root + 2L * w))
                        + ", expected " + HeapException.hex(a.end));
            }
            root = word(root + w);
        }
        if (visited != shadow.areaCount()) {
            throw corrupt(op, rootListAddress(), "the root region list names " + visited + " of "
                    + shadow.areaCount() + " areas");
        }
    }

    /** Walks one area region by region using only in-band sizes; returns the used regions met. */
    private long walkArea(String op, Area a, Map<Long, Long> freeRegions) {
        long usedMet = 0;
        boolean previousFree = false;
        long r = a.start;
        while (r < a.end) {
            long size = word(r);
            if (size < regionMinBytes || size % w != 0 || size > a.end - r) {
                throw corrupt(op, r, "region size " + size + " is impossible (area [" + HeapException.hex(a.start)
                        + ", " + HeapException.hex(a.end) + "))");
            }
            long ceiling = word(r + size - w);
            if ((ceiling & ~FREE_FLAG) != size) {
                throw corrupt(op, r, "region of size " + size + " ends with size " + (ceiling & ~FREE_FLAG));
            }
            boolean free = (ceiling & FREE_FLAG) != 0;
            Used u = shadow.usedAt(r);
            if (free) {
                if (previousFree) {
                    throw corrupt(op, r, "two free regions are adjacent");
                }
                if (u != null) {
                    throw corrupt(op, r, "the " + u + " is marked free");
                }
                if (shadow.freeSizeAt(r) != size) {
                    throw corrupt(op, r, "a free region of " + size + " bytes that the heap never made");
                }
                freeRegions.put(r, size);
                if (debug()) {
                    requireJunk(op, r, size, r, r + size);
                }
            } else {
                requireWalkedUsed(op, a, r, size, u);
                usedMet++;
            }
            previousFree = free;
            r += size;
        }
        return usedMet;
    }

    private void requireWalkedUsed(String op, Area a, long r, long size, Used u) {
        if (u == null || u.sizeBytes != size) {
            throw corrupt(op, r, "a used region of " + size + " bytes that the heap never made"
                    + (u != null ? " (expected " + u.sizeBytes + " bytes)" : ""));
        }
        Kind expected = r == a.start ? Kind.ROOT : r + size == a.end ? Kind.SENTINEL : Kind.BLOCK;
        if (u.kind != expected || (expected == Kind.SENTINEL && size != regionMinBytes)) {
            throw corrupt(op, r, "found " + u + " where a " + expected + " region belongs");
        }
        if (u.kind == Kind.BLOCK && debug()) {
            requireCanary(op, u);
        }
    }

    /** Walks every bucket's list; returns the nodes listed. */
    private long walkBuckets(String op, Map<Long, Long> freeRegions) {
        long listed = 0;
        long mask = mask();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int b = 0; b < EmmallocBuckets.BUCKET_COUNT; b++) {
            long s = sentinel(b);
            long previous = s;
            long node = word(s + 2L * w);
            while (node != s) {
                Long size = freeRegions.get(node);
                if (size == null || !seen.add(node)) {
                    throw corrupt(op, s, "bucket " + b + " lists " + HeapException.hex(node) + ", which "
                            + (size == null ? "is not a free region" : "is listed twice"));
                }
                if (EmmallocBuckets.bucketOf(size) != b) {
                    throw corrupt(op, node, "free region of " + size + " bytes listed in bucket " + b);
                }
                if (word(node + w) != previous) {
                    throw corrupt(op, node, "free region's prev link does not name its predecessor in bucket " + b);
                }
                previous = node;
                node = word(node + 2L * w);
                listed++;
            }
            if (word(s + w) != previous) {
                throw corrupt(op, s, "bucket " + b + "'s last link does not name its last free region");
            }
            boolean marked = (mask & (1L << b)) != 0;
            if (marked != (previous != s)) {
                throw corrupt(op, maskAddress(), "bucket mask bit " + b + " is " + (marked ? "set" : "clear")
                        + " but the bucket is " + (previous != s ? "not empty" : "empty"));
            }
        }
        return listed;
    }
}
