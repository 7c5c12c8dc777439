package dev.linmem.alloc;

import dev.linmem.memory.AddressType;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.OutOfBoundsException;
import dev.linmem.space.Errno;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Doug Lea's malloc (dlmalloc 2.8), written from its published description, with every chunk
 * header, free-list link, bin and bin map stored in the linear memory as in C. Speaks malloc.c's
 * vocabulary: chunk, bin (small bin), treebin, dv (designated victim), top, segment, mstate.
 *
 * <h2>Layout</h2>
 * The 32-bit wasm layout of Emscripten's build: 4-byte size fields and links, 8-byte alignment
 * ({@code MALLOC_ALIGNMENT 8}), no FOOTERS. A chunk at address {@code c}:
 * <pre>
 *   in use                                   free (small)            free (tree, size >= 256)
 *   c+0  prev_foot  (prev chunk's size when it is free; else the prev chunk's last user bytes)
 *   c+4  head       size | CINUSE(2) | PINUSE(1)       size | PINUSE      size | PINUSE
 *   c+8  user data ...                       fd                      fd
 *   c+12                                     bk                      bk
 *   c+16                                                             child[0]
 *   c+20                                                             child[1]
 *   c+24                                                             parent
 *   c+28                                                             index (treebin number)
 *   c+size: next chunk's prev_foot          = size (the foot)       = size
 * </pre>
 * A direct-mapped chunk has neither in-use bit; its prev_foot holds its offset from the mapping's
 * start and a fencepost head ({@code FENCEPOST_HEAD}) follows it. The user pointer is {@code c+8};
 * an in-use chunk's usable bytes run to {@code c+size+4} (into the next prev_foot).
 *
 * <p>A segment (one sbrk'd or mmapped range) is walked chunk by chunk from its first 8-aligned
 * address. The first segment starts with the mstate chunk; every segment ends either with top
 * followed by {@code TOP_FOOT_BYTES} reserved for a segment record, or, once a newer segment took
 * over top, with a segment-record chunk and a fencepost:
 * <pre>
 *   [mstate chunk][chunks ...][top ............][top foot: 40 bytes]              current segment
 *   [chunks ...][free remainder of old top][segment record][fencepost]           older segment
 * </pre>
 * The mstate chunk's payload ({@code MSTATE_BYTES}):
 * <pre>
 *   +0 smallmap  +4 treemap  +8 dvsize  +12 topsize  +16 least_addr  +20 dv  +24 top  +28 magic
 *   +32 seg {base, size, next, sflags}   +48 smallbins[32] as {fd, bk} pairs   +304 treebins[32]
 * </pre>
 * Small bin i is read as a fake chunk at {@code smallbins + 8 i - 8}, so its fd and bk sit where
 * a chunk's do (malloc.c's repositioning trick).
 *
 * <h2>Invariants</h2> (checked by {@link #checkInvariants()}, malloc.c's {@code do_check_*})
 * <ol>
 *   <li>Every segment walks from its start to top or a fencepost; chunk sizes are multiples of
 *       8, at least 16, and stay inside the segment.</li>
 *   <li>A chunk's PINUSE equals its predecessor's CINUSE; no two free chunks are adjacent; a free
 *       chunk's foot equals its size.</li>
 *   <li>The free chunks outside top and dv are exactly those in the bins; small bin i holds only
 *       size 8i; treebin i holds sizes in [min(i), min(i+1)); smallmap and treemap bits are set
 *       exactly for non-empty bins; lists are doubly linked; trees obey the bitwise-trie order
 *       with parent links.</li>
 *   <li>top is the last chunk of the current segment, free, PINUSE set; dv is free, not binned,
 *       and dvsize is 0 exactly when dv is 0.</li>
 *   <li>Every in-use chunk holding a user block matches the out-of-band shadow (address, size),
 *       and every shadow block is found; in debug mode every canary and junk fill is intact.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * malloc(n) (malloc.c's "Basic algorithm"):
 * <ol>
 *   <li>Small request (chunk size nb below 256): a chunk from bin nb or nb+8 if either has one
 *       (exact fit, no remainder).</li>
 *   <li>Else if nb exceeds dvsize: the smallest chunk from the next non-empty small bin
 *       (remainder becomes dv), else the smallest chunk of the smallest non-empty treebin.</li>
 *   <li>Large request: the best fit from the treebins (bitwise trie descent, then the next
 *       non-empty treebin), used when it fits tighter than dv.</li>
 *   <li>Else split dv if it is large enough.</li>
 *   <li>Else split top if it is larger than nb.</li>
 *   <li>Else ask the system: large requests (at or above the mmap threshold) map a chunk of their
 *       own; otherwise extend top by sbrk (contiguously, or by a new segment, from sbrk or mmap
 *       when sbrk fails), then split top.</li>
 * </ol>
 * free(p): validate p against the shadow and its header and neighbours; unmap a direct-mapped
 * chunk; otherwise coalesce with a free predecessor and successor (absorbing into dv or top),
 * then bin the result; trim top when it exceeds the trim threshold.
 * <p>realloc(p, n): shrink in place (the tail becomes a free chunk); grow in place into top, dv or
 * a following free chunk; otherwise malloc, copy, free.
 * <p>memalign(a, n): malloc n + a + 16 bytes, find the aligned chunk inside, give the leader and
 * the trailer back as free chunks.
 * <p>trim: give the page-granular tail of top back by a negative sbrk (or munmap of an mmapped
 * segment's tail), keeping the trim pad.
 *
 * <h2>Bad input</h2>
 * A TreeMap shadow of live blocks (pointer, chunk, request, sequence) and of freed pointers
 * decides double free and invalid pointers before anything is read from the heap; in-band
 * headers of the chunk and its neighbours are then checked against it, and every link followed
 * is bounds-checked, so corruption becomes {@link HeapCorruptionException} before any write.
 *
 * <h2>References</h2>
 * Doug Lea, "A Memory Allocator" (1996) and the design notes of malloc.c 2.8.6 (chunk layout,
 * bins, treebins, dv, top, segments, memalign, realloc, trimming); Emscripten's build settings
 * for it (no mmap, no trimming); semantics.md sections 1.6 and 4.
 */
public final class Dlmalloc implements Allocator {

    // ---- chunk representation ----

    /** Previous chunk in use. */
    static final int PINUSE = 1;
    /** This chunk in use. */
    static final int CINUSE = 2;
    /** Both in-use bits. */
    static final int INUSE_BITS = PINUSE | CINUSE;
    /** The head of a fencepost: size 0, both bits and bit 4 set; ends a segment walk. */
    static final int FENCEPOST_HEAD = INUSE_BITS | 4;
    /** The low head bits that are flags, not size. */
    static final int FLAG_BITS = 7;
    /** Bytes of a size field or link (32-bit layout). */
    static final int SIZE_T = 4;
    /** Chunk and user-pointer alignment (MALLOC_ALIGNMENT). */
    static final int ALIGNMENT = 8;
    /** Overhead of an in-use chunk: its head (prev_foot belongs to the previous chunk). */
    static final int CHUNK_OVERHEAD = SIZE_T;
    /** Overhead of a direct-mapped chunk: its prev_foot and head. */
    static final int MMAP_CHUNK_OVERHEAD = 2 * SIZE_T;
    /** Bytes after a direct-mapped chunk holding its fenceposts (MMAP_FOOT_PAD). */
    static final int MMAP_FOOT_PAD = 4 * SIZE_T;
    /** The smallest chunk: prev_foot, head, fd, bk. */
    static final int MIN_CHUNK_SIZE = 16;
    /** Requests below this get a minimum chunk. */
    static final int MIN_REQUEST = MIN_CHUNK_SIZE - CHUNK_OVERHEAD - 1;
    /** Offset of the user pointer from the chunk. */
    static final int MEM_OFFSET = 2 * SIZE_T;
    /** Requests at or above this fail (malloc.c's MAX_REQUEST for a 32-bit size_t). */
    static final long MAX_REQUEST = 0x1_0000_0000L - 64;

    // ---- bins ----

    /** Small bins (exact sizes 8 i). */
    static final int NSMALLBINS = 32;
    /** Treebins (bitwise tries). */
    static final int NTREEBINS = 32;
    /** log2 of the small bin spacing. */
    static final int SMALLBIN_SHIFT = 3;
    /** log2 of the smallest treebin size. */
    static final int TREEBIN_SHIFT = 8;
    /** The smallest chunk kept in a treebin. */
    static final int MIN_LARGE_SIZE = 1 << TREEBIN_SHIFT;
    /** The largest small chunk. */
    static final int MAX_SMALL_SIZE = MIN_LARGE_SIZE - 1;
    /** The largest request served from the small bins. */
    static final int MAX_SMALL_REQUEST = MAX_SMALL_SIZE - (ALIGNMENT - 1) - CHUNK_OVERHEAD;

    // ---- mstate layout ----

    static final int MS_SMALLMAP = 0;
    static final int MS_TREEMAP = 4;
    static final int MS_DVSIZE = 8;
    static final int MS_TOPSIZE = 12;
    static final int MS_LEAST_ADDR = 16;
    static final int MS_DV = 20;
    static final int MS_TOP = 24;
    static final int MS_MAGIC = 28;
    static final int MS_SEG = 32;
    static final int MS_SMALLBINS = 48;
    static final int MS_TREEBINS = MS_SMALLBINS + NSMALLBINS * 8;
    /** Bytes of the mstate. */
    static final int MSTATE_BYTES = MS_TREEBINS + NTREEBINS * 4;
    /** Marks a heap's mstate (malloc.c's mparams.magic). */
    static final int MAGIC = 0x58585858 ^ 0x1D1A_110C;

    /** Bytes of a segment record: base, size, next, sflags. */
    static final int SEGMENT_RECORD_BYTES = 16;
    /** The chunk holding a segment record. */
    static final int SEGMENT_CHUNK_SIZE = padRequest(SEGMENT_RECORD_BYTES);
    /** Bytes kept after top for a segment record chunk and a fencepost (TOP_FOOT_SIZE). */
    static final int TOP_FOOT_BYTES = SEGMENT_CHUNK_SIZE + MIN_CHUNK_SIZE;
    /** sflags: the segment came from sbrk. */
    static final int SEG_SBRK = 1;
    /** sflags: the segment was mapped by mmap. */
    static final int SEG_MMAP = 2;

    // ---- debug mode ----

    /** Canary bytes after each block in debug mode. */
    static final int CANARY_BYTES = 8;
    /** The canary byte. */
    static final byte CANARY = (byte) 0xCA;
    /** The junk byte freed memory is filled with in debug mode. */
    static final byte JUNK = (byte) 0x5A;

    /** Default mmap threshold: requests at or above it get their own mapping (256 KiB as dlmalloc). */
    public static final long DEFAULT_MMAP_THRESHOLD_BYTES = 256 * 1024;
    /** Default trim threshold: top beyond it is given back (2 MiB as dlmalloc). */
    public static final long DEFAULT_TRIM_THRESHOLD_BYTES = 2 * 1024 * 1024;
    /** Default granularity of sbrk and mmap requests: one wasm page. */
    public static final long DEFAULT_GRANULARITY_BYTES = LinearMemory.PAGE_BYTES;
    /** A threshold meaning "never" (mmap off, or trimming off). */
    public static final long DISABLED = Long.MAX_VALUE;

    /** Debug checks. */
    public enum DebugMode {
        /** No extra checks (headers are still validated against the shadow). */
        OFF,
        /** A canary after each block and junk in each binned free chunk, both verified. */
        CANARIES_AND_JUNK
    }

    private final HeapSource source;
    private final LinearMemory memory;
    private final long mmapThresholdBytes;
    private final long trimThresholdBytes;
    private final long granularityBytes;
    private final ReallocZeroPolicy reallocZeroPolicy;
    private final DebugMode debugMode;
    private final String name;
    private final Object lock = new Object();
    private final ThreadLocal<Errno> errno = new ThreadLocal<>();

    /** The mstate's address, or 0 before the first segment exists. */
    private long ms;

    // ---- out-of-band shadow ----

    /** A live block. */
    private record Live(long chunk, long chunkSize, long requestedBytes, long sequence, boolean mmapped) {
    }

    /** A freed pointer, until its memory is handed out again. */
    private record Freed(long allocationSequence, long freeSequence) {
    }

    /** A segment: [base, base + size). */
    private static final class Segment {
        final long base;
        long sizeBytes;
        final int sflags;

        Segment(long base, long sizeBytes, int sflags) {
            this.base = base;
            this.sizeBytes = sizeBytes;
            this.sflags = sflags;
        }

        long end() {
            return base + sizeBytes;
        }

        /** The segment's last 8-aligned address (where top's foot or the fencepost ends). */
        long alignedEnd() {
            return end() & ~(long) (ALIGNMENT - 1);
        }
    }

    private final TreeMap<Long, Live> live = new TreeMap<>();
    private final TreeMap<Long, Freed> freed = new TreeMap<>();
    /** Segments, oldest first; the last holds top. */
    private final List<Segment> segments = new ArrayList<>();
    /** Segment-record chunks (in use, not user blocks). */
    private final Set<Long> segmentRecordChunks = new HashSet<>();
    private long allocationCount;
    private long freeCount;
    private long liveBytes;
    private long footprintBytes;
    private long peakFootprintBytes;
    private long trimmedBytes;

    private Dlmalloc(Builder b) {
        this.source = b.source;
        this.memory = b.source.memory();
        if (memory.type().addressType() != AddressType.I32) {
            throw new IllegalArgumentException("Dlmalloc's 32-bit chunk layout needs a wasm32 memory, not "
                    + memory.type().addressType());
        }
        this.mmapThresholdBytes = b.source.supportsMmap() ? b.mmapThresholdBytes : DISABLED;
        this.trimThresholdBytes = b.trimThresholdBytes;
        this.granularityBytes = b.granularityBytes;
        this.reallocZeroPolicy = b.reallocZeroPolicy;
        this.debugMode = b.debugMode;
        this.name = b.name;
    }

    /** A builder over {@code source} with dlmalloc's defaults. */
    public static Builder builder(HeapSource source) {
        return new Builder(source);
    }

    /** Configures a {@link Dlmalloc}. */
    public static final class Builder {
        private final HeapSource source;
        private long mmapThresholdBytes = DEFAULT_MMAP_THRESHOLD_BYTES;
        private long trimThresholdBytes = DEFAULT_TRIM_THRESHOLD_BYTES;
        private long granularityBytes = DEFAULT_GRANULARITY_BYTES;
        private ReallocZeroPolicy reallocZeroPolicy = ReallocZeroPolicy.RETURN_MINIMUM_BLOCK;
        private DebugMode debugMode = DebugMode.OFF;
        private String name = "dlmalloc";

        private Builder(HeapSource source) {
            if (source == null) {
                throw new IllegalArgumentException("source must not be null");
            }
            this.source = source;
        }

        /** Requests at or above this many bytes get their own mapping; {@link #DISABLED} for never. */
        public Builder mmapThresholdBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("mmap threshold must be positive: " + bytes);
            }
            this.mmapThresholdBytes = bytes;
            return this;
        }

        /** top beyond this many bytes is given back to the source; {@link #DISABLED} for never. */
        public Builder trimThresholdBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("trim threshold must be positive: " + bytes);
            }
            this.trimThresholdBytes = bytes;
            return this;
        }

        /** sbrk and segment requests are multiples of this power of two (at least 4 KiB). */
        public Builder granularityBytes(long bytes) {
            if (bytes < 4096 || Long.bitCount(bytes) != 1) {
                throw new IllegalArgumentException("granularity must be a power of two >= 4096: " + bytes);
            }
            this.granularityBytes = bytes;
            return this;
        }

        /** What {@code realloc(p, 0)} does (default: a minimum block, as stock dlmalloc). */
        public Builder reallocZeroPolicy(ReallocZeroPolicy policy) {
            if (policy == null) {
                throw new IllegalArgumentException("policy must not be null");
            }
            this.reallocZeroPolicy = policy;
            return this;
        }

        /** Debug checks (default off). */
        public Builder debugMode(DebugMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("mode must not be null");
            }
            this.debugMode = mode;
            return this;
        }

        /**
         * Emscripten's build of dlmalloc: no mmap ({@code HAVE_MMAP 0}), no trimming
         * ({@code MORECORE_CANNOT_TRIM}), and {@code realloc(p, 0)} freeing as Emscripten's
         * other allocator (emmalloc) does.
         */
        public Builder emscripten() {
            this.mmapThresholdBytes = DISABLED;
            this.trimThresholdBytes = DISABLED;
            this.reallocZeroPolicy = ReallocZeroPolicy.FREE_AND_RETURN_NULL;
            this.name = "dlmalloc-emscripten";
            return this;
        }

        public Dlmalloc build() {
            return new Dlmalloc(this);
        }
    }

    // =====================================================================================
    // Allocator API
    // =====================================================================================

    @Override
    public LinearMemory memory() {
        return memory;
    }

    /** The source this heap draws from. */
    public HeapSource source() {
        return source;
    }

    @Override
    public long malloc(long size) {
        synchronized (lock) {
            return guarded("malloc", 0, () -> allocate(size));
        }
    }

    @Override
    public void free(long ptr) {
        if (ptr == NULL) {
            return;
        }
        synchronized (lock) {
            guarded("free", ptr, () -> {
                Live block = validatedBlock("free", ptr);
                release(ptr, block);
                return 0L;
            });
        }
    }

    @Override
    public long calloc(long count, long size) {
        synchronized (lock) {
            return guarded("calloc", 0, () -> {
                long bytes = checkedProduct(count, size);
                if (bytes < 0) {
                    return fail(Errno.ENOMEM);
                }
                long mem = allocate(bytes);
                if (mem != NULL && !live.get(mem).mmapped()) {
                    memory.fill(mem, bytes, (byte) 0);
                }
                return mem;
            });
        }
    }

    @Override
    public long realloc(long ptr, long size) {
        synchronized (lock) {
            return guarded("realloc", ptr, () -> reallocate(ptr, size));
        }
    }

    @Override
    public long reallocarray(long ptr, long count, long size) {
        synchronized (lock) {
            return guarded("reallocarray", ptr, () -> {
                if (ptr != NULL) {
                    validatedBlock("reallocarray", ptr);
                }
                long bytes = checkedProduct(count, size);
                if (bytes < 0) {
                    return fail(Errno.ENOMEM);
                }
                return reallocate(ptr, bytes);
            });
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>As POSIX says, the error is returned and errno is left unchanged. Alignment must be a
     * power of two and a multiple of 4 ({@code sizeof(void *)} in wasm32).
     */
    @Override
    public int posixMemalign(long[] result, long alignmentBytes, long size) {
        if (result == null || result.length == 0) {
            throw new IllegalArgumentException("result must hold one element");
        }
        synchronized (lock) {
            Errno saved = errno.get();
            long rc = guarded("posix_memalign", 0, () -> {
                if (alignmentBytes < SIZE_T || Long.bitCount(alignmentBytes) != 1 || alignmentBytes > MAX_REQUEST) {
                    return (long) Errno.EINVAL.number();
                }
                long mem = alignedAllocate(alignmentBytes, size);
                if (mem == NULL) {
                    return (long) Errno.ENOMEM.number();
                }
                result[0] = mem;
                return 0L;
            });
            errno.set(saved);
            return (int) rc;
        }
    }

    /** {@inheritDoc} A zero or non-power-of-two alignment is EINVAL (recent glibc); any size is allowed (C17 DR 460). */
    @Override
    public long alignedAlloc(long alignmentBytes, long size) {
        synchronized (lock) {
            return guarded("aligned_alloc", 0, () -> {
                if (alignmentBytes <= 0 || Long.bitCount(alignmentBytes) != 1 || alignmentBytes > MAX_REQUEST) {
                    return fail(Errno.EINVAL);
                }
                return alignedAllocate(alignmentBytes, size);
            });
        }
    }

    /** {@inheritDoc} A non-power-of-two alignment rounds up to the next power of two (dlmalloc, glibc); above 2^31 it is EINVAL. */
    @Override
    public long memalign(long alignmentBytes, long size) {
        synchronized (lock) {
            return guarded("memalign", 0, () -> {
                if (alignmentBytes < 0 || alignmentBytes > (1L << 31)) {
                    return fail(Errno.EINVAL);
                }
                long a = alignmentBytes <= 1 ? 1 : Long.highestOneBit(alignmentBytes - 1) << 1;
                return alignedAllocate(a, size);
            });
        }
    }

    @Override
    public long usableSize(long ptr) {
        if (ptr == NULL) {
            return 0;
        }
        synchronized (lock) {
            return guarded("usableSize", ptr, () -> usable(validatedBlock("usableSize", ptr)));
        }
    }

    @Override
    public Errno errno() {
        return errno.get();
    }

    @Override
    public AllocatorStats stats() {
        synchronized (lock) {
            long freeBytes = 0;
            long largest = 0;
            if (ms != 0) {
                for (Segment s : segments) {
                    long c = firstChunk(s);
                    long top = top();
                    while (c < s.alignedEnd()) {
                        if (c == top) {
                            long t = topsize();
                            freeBytes += t;
                            largest = Math.max(largest, t);
                            break;
                        }
                        long head = head(c);
                        long size = head & ~FLAG_BITS;
                        if (size == 0) {
                            break;
                        }
                        if ((head & CINUSE) == 0) {
                            freeBytes += size;
                            largest = Math.max(largest, size);
                        }
                        c += size;
                    }
                }
            }
            long[] classes = new long[64];
            for (Map.Entry<Long, Live> e : live.entrySet()) {
                classes[63 - Long.numberOfLeadingZeros(Math.max(1, usable(e.getValue())))]++;
            }
            return new AllocatorStats(footprintBytes, peakFootprintBytes, liveBytes, live.size(),
                    freeBytes, largest, trimmedBytes, classes);
        }
    }

    @Override
    public List<LiveBlock> liveBlocks() {
        synchronized (lock) {
            List<LiveBlock> out = new ArrayList<>(live.size());
            for (Map.Entry<Long, Live> e : live.entrySet()) {
                Live b = e.getValue();
                out.add(new LiveBlock(e.getKey(), b.requestedBytes(), usable(b), b.sequence()));
            }
            return out;
        }
    }

    @Override
    public String toString() {
        return name;
    }

    // =====================================================================================
    // Guarding: errno, and the last line of defence against a corrupted heap
    // =====================================================================================

    private interface Body {
        long run();
    }

    private long guarded(String operation, long ptr, Body body) {
        try {
            return body.run();
        } catch (OutOfBoundsException e) {
            // Every address read from the heap is checked before use; reaching here means a
            // check is missing. Report it as what it is: the heap's metadata points outside it.
            HeapCorruptionException h = new HeapCorruptionException(operation + "(" + HeapException.hex(ptr)
                    + "): heap metadata points outside memory: " + e.getMessage(), ptr);
            h.initCause(e);
            throw h;
        }
    }

    private long fail(Errno e) {
        errno.set(e);
        return NULL;
    }

    /** count * size, or -1 when it overflows or either is negative. */
    private static long checkedProduct(long count, long size) {
        if (count < 0 || size < 0) {
            return -1;
        }
        long hi = Math.multiplyHigh(count, size);
        long lo = count * size;
        return hi != 0 || lo < 0 ? -1 : lo;
    }

    // =====================================================================================
    // Memory access
    // =====================================================================================

    private long word(long address) {
        return Integer.toUnsignedLong(memory.getI32(address));
    }

    private void putWord(long address, long value) {
        memory.putI32(address, (int) value);
    }

    private long head(long c) {
        return word(c + SIZE_T);
    }

    private void setHead(long c, long value) {
        putWord(c + SIZE_T, value);
    }

    private long prevFoot(long c) {
        return word(c);
    }

    private void setFoot(long c, long size) {
        putWord(c + size, size);
    }

    private long chunkSize(long c) {
        return head(c) & ~FLAG_BITS;
    }

    private long fd(long c) {
        return word(c + 8);
    }

    private long bk(long c) {
        return word(c + 12);
    }

    private void setFd(long c, long v) {
        putWord(c + 8, v);
    }

    private void setBk(long c, long v) {
        putWord(c + 12, v);
    }

    private long child(long t, int i) {
        return word(t + 16 + 4L * i);
    }

    private void setChild(long t, int i, long v) {
        putWord(t + 16 + 4L * i, v);
    }

    private long parent(long t) {
        return word(t + 24);
    }

    private void setParent(long t, long v) {
        putWord(t + 24, v);
    }

    private int treeIndexOf(long t) {
        return (int) word(t + 28);
    }

    private void setTreeIndex(long t, int i) {
        putWord(t + 28, i);
    }

    private long smallmap() {
        return word(ms + MS_SMALLMAP);
    }

    private long treemap() {
        return word(ms + MS_TREEMAP);
    }

    private long dvsize() {
        return word(ms + MS_DVSIZE);
    }

    private long dv() {
        return word(ms + MS_DV);
    }

    private long topsize() {
        return word(ms + MS_TOPSIZE);
    }

    private long top() {
        return word(ms + MS_TOP);
    }

    private void setDv(long c, long size) {
        putWord(ms + MS_DV, c);
        putWord(ms + MS_DVSIZE, size);
    }

    private void setTop(long c, long size) {
        putWord(ms + MS_TOP, c);
        putWord(ms + MS_TOPSIZE, size);
    }

    /** Small bin i as a fake chunk whose fd and bk are the bin's. */
    private long smallbinAt(int i) {
        return ms + MS_SMALLBINS + 8L * i - 8;
    }

    /** The address of treebin i's root slot. */
    private long treebinAt(int i) {
        return ms + MS_TREEBINS + 4L * i;
    }

    private void markSmallmap(int i) {
        putWord(ms + MS_SMALLMAP, smallmap() | (1L << i));
    }

    private void clearSmallmap(int i) {
        putWord(ms + MS_SMALLMAP, smallmap() & ~(1L << i));
    }

    private void markTreemap(int i) {
        putWord(ms + MS_TREEMAP, treemap() | (1L << i));
    }

    private void clearTreemap(int i) {
        putWord(ms + MS_TREEMAP, treemap() & ~(1L << i));
    }

    // ---- head and foot updates (malloc.c's set_* macros) ----

    /** Marks c free with its foot, previous chunk in use. */
    private void setSizeAndPinuseOfFreeChunk(long c, long size) {
        setHead(c, size | PINUSE);
        setFoot(c, size);
    }

    /** As above, and clears the next chunk's PINUSE. */
    private void setFreeWithPinuse(long c, long size, long next) {
        setHead(next, head(next) & ~(long) PINUSE);
        setSizeAndPinuseOfFreeChunk(c, size);
    }

    /** Marks c in use with the given size, keeping its PINUSE, and sets the next chunk's PINUSE. */
    private void setInuse(long c, long size) {
        setHead(c, (head(c) & PINUSE) | size | CINUSE);
        setHead(c + size, head(c + size) | PINUSE);
    }

    private void setInuseAndPinuse(long c, long size) {
        setHead(c, size | PINUSE | CINUSE);
        setHead(c + size, head(c + size) | PINUSE);
    }

    private void setSizeAndPinuseOfInuseChunk(long c, long size) {
        setHead(c, size | PINUSE | CINUSE);
    }

    // ---- sizes ----

    static int padRequest(long request) {
        return (int) ((request + CHUNK_OVERHEAD + ALIGNMENT - 1) & ~(long) (ALIGNMENT - 1));
    }

    static long requestToSize(long request) {
        return request < MIN_REQUEST ? MIN_CHUNK_SIZE : (request + CHUNK_OVERHEAD + ALIGNMENT - 1) & ~(long) (ALIGNMENT - 1);
    }

    static boolean isSmall(long size) {
        return (size >>> SMALLBIN_SHIFT) < NSMALLBINS;
    }

    static int smallIndex(long size) {
        return (int) (size >>> SMALLBIN_SHIFT);
    }

    static int computeTreeIndex(long size) {
        long x = size >>> TREEBIN_SHIFT;
        if (x == 0) {
            return 0;
        }
        if (x > 0xFFFF) {
            return NTREEBINS - 1;
        }
        int k = 63 - Long.numberOfLeadingZeros(x);
        return (int) ((k << 1) + ((size >>> (k + (TREEBIN_SHIFT - 1))) & 1));
    }

    static long minsizeForTreeIndex(int i) {
        return (1L << ((i >>> 1) + TREEBIN_SHIFT)) | ((long) (i & 1) << ((i >>> 1) + TREEBIN_SHIFT - 1));
    }

    static int leftshiftForTreeIndex(int i) {
        return i == NTREEBINS - 1 ? 0 : 31 - ((i >>> 1) + TREEBIN_SHIFT - 2);
    }

    /** Bits at and above the lowest set bit of x, excluding it: malloc.c's left_bits. */
    private static long leftBits(long x) {
        return ((x << 1) | -(x << 1)) & 0xFFFF_FFFFL;
    }

    private long usable(Live b) {
        if (debugMode == DebugMode.CANARIES_AND_JUNK) {
            return b.requestedBytes();
        }
        return b.chunkSize() - (b.mmapped() ? MMAP_CHUNK_OVERHEAD : CHUNK_OVERHEAD);
    }

    /** The bytes a request needs before padding: itself, plus the canary in debug mode. */
    private long withCanary(long request) {
        return debugMode == DebugMode.CANARIES_AND_JUNK ? request + CANARY_BYTES : request;
    }

    // =====================================================================================
    // malloc
    // =====================================================================================

    /** malloc's public path: a recorded block of {@code size} bytes, or NULL with ENOMEM. */
    private long allocate(long size) {
        if (size < 0 || withCanary(size) >= MAX_REQUEST) {
            return fail(Errno.ENOMEM);
        }
        long mem = mallocChunk(requestToSize(withCanary(size)));
        if (mem == NULL) {
            return fail(Errno.ENOMEM);
        }
        record(mem, size);
        return mem;
    }

    /** Enters a new block into the shadow and writes its canary. */
    private void record(long mem, long size) {
        long c = mem - MEM_OFFSET;
        long h = head(c);
        boolean mmapped = (h & INUSE_BITS) == 0;
        Live block = new Live(c, h & ~FLAG_BITS, size, ++allocationCount, mmapped);
        live.put(mem, block);
        freed.subMap(c, true, c + block.chunkSize(), false).clear();
        liveBytes += size;
        if (debugMode == DebugMode.CANARIES_AND_JUNK) {
            memory.fill(mem + size, CANARY_BYTES, CANARY);
        }
    }

    /** malloc.c's malloc on a padded chunk size: a chunk's user pointer, or NULL. */
    private long mallocChunk(long nb) {
        if (ms == 0 && !initialize()) {
            return NULL;
        }
        if (isSmall(nb)) {
            int idx = smallIndex(nb);
            long smallbits = smallmap() >>> idx;
            if ((smallbits & 3) != 0) {                     // step 1: exact fit (or one over)
                idx += (int) (~smallbits & 1);
                long b = smallbinAt(idx);
                long p = checkedLink(fd(b), "small bin", idx);
                checkVictim(p, (long) idx << SMALLBIN_SHIFT);
                verifyJunk("malloc", p, idx << SMALLBIN_SHIFT);
                unlinkFirstSmallChunk(b, p, idx);
                setInuseAndPinuse(p, (long) idx << SMALLBIN_SHIFT);
                return p + MEM_OFFSET;
            }
            if (nb > dvsize()) {                            // step 2
                if (smallbits != 0) {
                    long leftbits = ((smallbits << idx) & leftBits(1L << idx)) & 0xFFFF_FFFFL;
                    int i = Long.numberOfTrailingZeros(leftbits);
                    long b = smallbinAt(i);
                    long p = checkedLink(fd(b), "small bin", i);
                    long size = (long) i << SMALLBIN_SHIFT;
                    checkVictim(p, size);
                    verifyJunk("malloc", p, size);
                    unlinkFirstSmallChunk(b, p, i);
                    long rsize = size - nb;
                    if (rsize < MIN_CHUNK_SIZE) {
                        setInuseAndPinuse(p, size);
                    } else {
                        setSizeAndPinuseOfInuseChunk(p, nb);
                        long r = p + nb;
                        setSizeAndPinuseOfFreeChunk(r, rsize);
                        replaceDv(r, rsize);
                    }
                    return p + MEM_OFFSET;
                }
                if (treemap() != 0) {
                    long mem = tmallocSmall(nb);
                    if (mem != NULL) {
                        return mem;
                    }
                }
            }
        } else if (treemap() != 0) {                        // step 3
            long mem = tmallocLarge(nb);
            if (mem != NULL) {
                return mem;
            }
        }
        long dvs = dvsize();
        if (nb <= dvs) {                                    // step 4: split dv
            long p = dv();
            checkVictim(p, dvs);
            verifyJunk("malloc", p, nb);
            long rsize = dvs - nb;
            if (rsize >= MIN_CHUNK_SIZE) {
                long r = p + nb;
                setDv(r, rsize);
                setSizeAndPinuseOfFreeChunk(r, rsize);
                setSizeAndPinuseOfInuseChunk(p, nb);
            } else {
                setDv(0, 0);
                setInuseAndPinuse(p, dvs);
            }
            return p + MEM_OFFSET;
        }
        if (nb < topsize()) {                               // step 5: split top
            return splitTop(nb);
        }
        return sysAlloc(nb);                                // step 6
    }

    private long splitTop(long nb) {
        long p = top();
        long ts = topsize();
        Segment s = segments.get(segments.size() - 1);
        if (head(p) != (ts | PINUSE) || p + ts != s.alignedEnd() - TOP_FOOT_BYTES) {
            throw corrupt("malloc", p, "top chunk " + HeapException.hex(p) + " has head " + HeapException.hex(head(p))
                    + ", expected " + ts + " bytes with PINUSE ending at its segment's foot");
        }
        long rsize = topsize() - nb;
        long r = p + nb;
        setTop(r, rsize);
        setHead(r, rsize | PINUSE);
        setSizeAndPinuseOfInuseChunk(p, nb);
        return p + MEM_OFFSET;
    }

    /**
     * A free chunk about to be handed out must look like one: not in use, the expected size
     * (or, for a tree chunk, {@code expectedSize < 0}, a size in its treebin's range), inside
     * its segment, its foot equal to its size. Checked before any write, so a corrupted header
     * never steers a split.
     */
    private void checkVictim(long p, long expectedSize) {
        long h = head(p);
        long size = h & ~FLAG_BITS;
        Segment s = segmentContaining(p);
        boolean ok = (h & CINUSE) == 0 && size >= MIN_CHUNK_SIZE && (size & (ALIGNMENT - 1)) == 0 && s != null
                && p + size + 2 * SIZE_T <= s.alignedEnd();
        if (ok && expectedSize >= 0) {
            ok = size == expectedSize;
        } else if (ok) {
            int idx = treeIndexOf(p);
            ok = idx == computeTreeIndex(size);
        }
        if (ok) {
            ok = prevFoot(p + size) == size;
        }
        if (!ok) {
            throw corrupt("malloc", p + MEM_OFFSET, "free chunk " + HeapException.hex(p) + " has head "
                    + HeapException.hex(h) + (expectedSize >= 0 ? ", expected size " + expectedSize : "")
                    + ": its header or foot was overwritten");
        }
    }

    /** malloc.c's tmalloc_small: the smallest chunk of the smallest non-empty treebin. */
    private long tmallocSmall(long nb) {
        int i = Long.numberOfTrailingZeros(treemap());
        long v = checkedLink(word(treebinAt(i)), "treebin", i);
        long t = v;
        long rsize = chunkSize(t) - nb;
        for (int depth = 0; (t = leftmostChild(t)) != 0; depth++) {
            checkedLink(t, "treebin", i);
            if (depth > 2 * NTREEBINS) {
                throw corrupt("malloc", t, "treebin " + i + " is deeper than a bitwise trie can be (a cycle)");
            }
            long trem = chunkSize(t) - nb;
            if (trem < rsize) {
                rsize = trem;
                v = t;
            }
        }
        checkVictim(v, -1);
        verifyJunk("malloc", v, nb);
        unlinkLargeChunk(v);
        if (rsize < MIN_CHUNK_SIZE) {
            setInuseAndPinuse(v, rsize + nb);
        } else {
            setSizeAndPinuseOfInuseChunk(v, nb);
            long r = v + nb;
            setSizeAndPinuseOfFreeChunk(r, rsize);
            replaceDv(r, rsize);
        }
        return v + MEM_OFFSET;
    }

    private long leftmostChild(long t) {
        long c0 = child(t, 0);
        return c0 != 0 ? c0 : child(t, 1);
    }

    /** malloc.c's tmalloc_large: the best fit for a large request if it beats dv, else NULL. */
    private long tmallocLarge(long nb) {
        long v = 0;
        long rsize = Long.MAX_VALUE;
        int idx = computeTreeIndex(nb);
        long t = word(treebinAt(idx));
        if (t != 0) {
            int sizebits = (int) (nb << leftshiftForTreeIndex(idx));
            long rst = 0;
            for (int depth = 0; ; depth++) {
                checkedLink(t, "treebin", idx);
                if (depth > 2 * NTREEBINS) {
                    throw corrupt("malloc", t, "treebin " + idx + " is deeper than a bitwise trie can be (a cycle)");
                }
                long trem = chunkSize(t) - nb;
                if (trem >= 0 && trem < rsize) {
                    v = t;
                    rsize = trem;
                    if (rsize == 0) {
                        break;
                    }
                }
                long rt = child(t, 1);
                t = child(t, (sizebits >>> 31) & 1);
                if (rt != 0 && rt != t) {
                    rst = rt;
                }
                if (t == 0) {
                    t = rst;
                    break;
                }
                sizebits <<= 1;
            }
        }
        if (t == 0 && v == 0) {
            long leftbits = leftBits(1L << idx) & treemap();
            if (leftbits != 0) {
                int i = Long.numberOfTrailingZeros(leftbits);
                t = word(treebinAt(i));
            }
        }
        for (int steps = 0; t != 0; steps++) {
            checkedLink(t, "treebin", -1);
            if (steps > 2 * NTREEBINS) {
                throw corrupt("malloc", t, "treebin is deeper than a bitwise trie can be (a cycle)");
            }
            long trem = chunkSize(t) - nb;
            if (trem >= 0 && trem < rsize) {
                rsize = trem;
                v = t;
            }
            t = leftmostChild(t);
        }
        long dvs = dvsize();
        if (v == 0 || (dvs >= nb && rsize >= dvs - nb)) {
            return NULL;
        }
        checkVictim(v, -1);
        verifyJunk("malloc", v, nb);
        unlinkLargeChunk(v);
        if (rsize < MIN_CHUNK_SIZE) {
            setInuseAndPinuse(v, rsize + nb);
        } else {
            setSizeAndPinuseOfInuseChunk(v, nb);
            long r = v + nb;
            setSizeAndPinuseOfFreeChunk(r, rsize);
            insertChunk(r, rsize);
        }
        return v + MEM_OFFSET;
    }

    // =====================================================================================
    // Bins
    // =====================================================================================

    private void insertChunk(long p, long size) {
        if (debugMode == DebugMode.CANARIES_AND_JUNK) {
            long from = junkStart(p, size);
            memory.fill(from, p + size - from, JUNK);
        }
        if (isSmall(size)) {
            insertSmallChunk(p, size);
        } else {
            insertLargeChunk(p, size);
        }
    }

    private void unlinkChunk(long p, long size) {
        if (isSmall(size)) {
            unlinkSmallChunk(p, size);
        } else {
            unlinkLargeChunk(p);
        }
    }

    private void insertSmallChunk(long p, long size) {
        int i = smallIndex(size);
        long b = smallbinAt(i);
        long f = b;
        if ((smallmap() & (1L << i)) == 0) {
            markSmallmap(i);
        } else {
            f = checkedLink(fd(b), "small bin", i);
        }
        setFd(b, p);
        setBk(f, p);
        setFd(p, f);
        setBk(p, b);
    }

    private void unlinkSmallChunk(long p, long size) {
        long f = fd(p);
        long b = bk(p);
        int i = smallIndex(size);
        long bin = smallbinAt(i);
        if ((f != bin && (!isChunkAddress(f) || bk(f) != p)) || (b != bin && (!isChunkAddress(b) || fd(b) != p))) {
            throw corrupt("free", p, "free chunk at " + HeapException.hex(p) + " has broken links fd "
                    + HeapException.hex(f) + " bk " + HeapException.hex(b) + " in small bin " + i);
        }
        if (f == b) {
            clearSmallmap(i);
        }
        setBk(f, b);
        setFd(b, f);
    }

    private void unlinkFirstSmallChunk(long b, long p, int i) {
        long f = fd(p);
        if (f != b && (!isChunkAddress(f) || bk(f) != p)) {
            throw corrupt("malloc", p, "free chunk at " + HeapException.hex(p) + " has a broken fd "
                    + HeapException.hex(f) + " in small bin " + i);
        }
        if (b == f) {
            clearSmallmap(i);
        }
        setFd(b, f);
        setBk(f, b);
    }

    private void insertLargeChunk(long x, long size) {
        int i = computeTreeIndex(size);
        long h = treebinAt(i);
        setTreeIndex(x, i);
        setChild(x, 0, 0);
        setChild(x, 1, 0);
        if ((treemap() & (1L << i)) == 0) {
            markTreemap(i);
            putWord(h, x);
            setParent(x, h);
            setFd(x, x);
            setBk(x, x);
            return;
        }
        long t = checkedLink(word(h), "treebin", i);
        int k = (int) (size << leftshiftForTreeIndex(i));
        for (int depth = 0; ; depth++) {
            if (depth > 2 * NTREEBINS) {
                throw corrupt("free", t, "treebin " + i + " is deeper than a bitwise trie can be (a cycle)");
            }
            if (chunkSize(t) != size) {
                int dir = (k >>> 31) & 1;
                k <<= 1;
                long c = child(t, dir);
                if (c != 0) {
                    t = checkedLink(c, "treebin", i);
                } else {
                    setChild(t, dir, x);
                    setParent(x, t);
                    setFd(x, x);
                    setBk(x, x);
                    return;
                }
            } else {
                long f = checkedLink(fd(t), "treebin", i);
                setFd(t, x);
                setBk(f, x);
                setFd(x, f);
                setBk(x, t);
                setParent(x, 0);
                return;
            }
        }
    }

    /** malloc.c's unlink_large_chunk: removes x from its treebin, promoting a replacement. */
    private void unlinkLargeChunk(long x) {
        checkTreeLinks(x);
        long xp = parent(x);
        long r;
        if (bk(x) != x) {
            long f = fd(x);
            r = bk(x);
            if (!isChunkAddress(f) || !isChunkAddress(r) || bk(f) != x || fd(r) != x) {
                throw corrupt("free", x, "tree chunk at " + HeapException.hex(x) + " has broken links fd "
                        + HeapException.hex(f) + " bk " + HeapException.hex(r));
            }
            setBk(f, r);
            setFd(r, f);
        } else {
            long rp = x + 20;
            r = word(rp);
            if (r == 0) {
                rp = x + 16;
                r = word(rp);
            }
            if (r != 0) {
                checkedLink(r, "treebin", -1);
                for (int depth = 0; ; depth++) {
                    if (depth > 2 * NTREEBINS) {
                        throw corrupt("free", x, "treebin below " + HeapException.hex(x) + " has a cycle");
                    }
                    long cp = r + 20;
                    if (word(cp) == 0) {
                        cp = r + 16;
                        if (word(cp) == 0) {
                            break;
                        }
                    }
                    rp = cp;
                    r = checkedLink(word(cp), "treebin", -1);
                }
                putWord(rp, 0);
            }
        }
        if (xp != 0) {
            int idx = treeIndexOf(x);
            if (idx < 0 || idx >= NTREEBINS) {
                throw corrupt("free", x, "tree chunk at " + HeapException.hex(x) + " names treebin " + idx);
            }
            long h = treebinAt(idx);
            if (x == word(h)) {
                putWord(h, r);
                if (r == 0) {
                    clearTreemap(idx);
                }
            } else {
                checkedLink(xp, "treebin", -1);
                if (child(xp, 0) == x) {
                    setChild(xp, 0, r);
                } else {
                    setChild(xp, 1, r);
                }
            }
            if (r != 0) {
                setParent(r, xp);
                long c0 = child(x, 0);
                if (c0 != 0) {
                    setChild(r, 0, c0);
                    setParent(c0, r);
                }
                long c1 = child(x, 1);
                if (c1 != 0) {
                    setChild(r, 1, c1);
                    setParent(c1, r);
                }
            }
        }
    }

    /** Every link unlinkLargeChunk will follow from x must point into the heap, checked before any write. */
    private void checkTreeLinks(long x) {
        long xp = parent(x);
        long c0 = child(x, 0);
        long c1 = child(x, 1);
        int idx = treeIndexOf(x);
        boolean parentOk = xp == 0 || (idx >= 0 && idx < NTREEBINS && xp == treebinAt(idx)) || isChunkAddress(xp);
        if (!parentOk || (c0 != 0 && !isChunkAddress(c0)) || (c1 != 0 && !isChunkAddress(c1))
                || (xp != 0 && (idx < 0 || idx >= NTREEBINS))) {
            throw corrupt("malloc", x, "tree chunk at " + HeapException.hex(x) + " has broken links parent "
                    + HeapException.hex(xp) + " children " + HeapException.hex(c0) + ", " + HeapException.hex(c1)
                    + " index " + idx);
        }
    }

    /** Makes r the dv, binning the old dv. */
    private void replaceDv(long r, long rsize) {
        long dvs = dvsize();
        if (dvs != 0) {
            insertChunk(dv(), dvs);
        }
        setDv(r, rsize);
    }

    // =====================================================================================
    // free
    // =====================================================================================

    /** Decides whether {@code ptr} is a live block, throwing the precise fault if not. */
    private Live validatedBlock(String operation, long ptr) {
        Live block = live.get(ptr);
        if (block == null) {
            throw invalidPointer(operation, ptr);
        }
        checkBlockHeader(operation, ptr, block);
        if (!block.mmapped()) {
            checkNeighbours(operation, ptr, block);
        }
        checkCanary(operation, ptr, block);
        return block;
    }

    private HeapException invalidPointer(String operation, long ptr) {
        Freed f = freed.get(ptr);
        if (f != null) {
            return new DoubleFreeException(operation, ptr, f.allocationSequence(), f.freeSequence());
        }
        Map.Entry<Long, Live> below = live.floorEntry(ptr);
        Live container = null;
        if (below != null) {
            Live b = below.getValue();
            if (ptr >= b.chunk() && ptr < b.chunk() + b.chunkSize() + (b.mmapped() ? 0 : SIZE_T)) {
                container = b;
            }
        }
        if (container == null && segmentContaining(ptr) == null) {
            return new InvalidPointerException(operation, ptr, InvalidPointerException.Reason.OUTSIDE_HEAP, 0,
                    "not inside any segment or mapped chunk of this heap");
        }
        if ((ptr & (ALIGNMENT - 1)) != 0) {
            return new InvalidPointerException(operation, ptr, InvalidPointerException.Reason.UNALIGNED, 0,
                    "not a multiple of " + ALIGNMENT);
        }
        if (container != null) {
            long mem = container.chunk() + MEM_OFFSET;
            return new InvalidPointerException(operation, ptr, InvalidPointerException.Reason.INTERIOR, mem,
                    (ptr - mem) + " bytes into the live block at " + HeapException.hex(mem) + " (size "
                            + container.requestedBytes() + ", allocation #" + container.sequence() + ")");
        }
        return new InvalidPointerException(operation, ptr, InvalidPointerException.Reason.NOT_ALLOCATED, 0,
                "inside the heap but never returned by it");
    }

    /** The block's own header must say what the heap handed out. */
    private void checkBlockHeader(String operation, long ptr, Live block) {
        long c = block.chunk();
        long h = head(c);
        long size = h & ~FLAG_BITS;
        boolean ok = block.mmapped()
                ? (h & FLAG_BITS) == 0 && size == block.chunkSize() && prevFoot(c) == mmapOffsetOf(block)
                : (h & CINUSE) != 0 && size == block.chunkSize();
        if (!ok) {
            throw corrupt(operation, ptr, "header of chunk " + HeapException.hex(c) + " reads size " + size
                    + " flags " + (h & FLAG_BITS) + ", but the heap handed out a "
                    + (block.mmapped() ? "mapped " : "") + "chunk of " + block.chunkSize()
                    + " bytes (allocation #" + block.sequence() + "): overwritten by an underflow or overrun");
        }
    }

    /** The mapped chunk's offset from its mapping, fixed when it was made (see {@link #mmapAlloc}). */
    private long mmapOffsetOf(Live block) {
        return mmapOffsets.getOrDefault(block.chunk(), 0L);
    }

    /** Offsets of direct-mapped chunks that memalign moved into their mapping (others are 0). */
    private final Map<Long, Long> mmapOffsets = new java.util.HashMap<>();

    /** The neighbours free() will read and may merge with must be well-formed. */
    private void checkNeighbours(String operation, long ptr, Live block) {
        long c = block.chunk();
        Segment s = segmentContaining(c);
        if (s == null) {
            throw corrupt(operation, ptr, "chunk " + HeapException.hex(c) + " lies outside every segment");
        }
        long h = head(c);
        if ((h & PINUSE) == 0) {
            long psize = prevFoot(c);
            long p = c - psize;
            if (psize < MIN_CHUNK_SIZE || (psize & (ALIGNMENT - 1)) != 0 || p < firstChunk(s)
                    || (head(p) & ~FLAG_BITS) != psize || (head(p) & CINUSE) != 0 || (head(p) & PINUSE) == 0) {
                throw corrupt(operation, ptr, "chunk " + HeapException.hex(c) + " says its predecessor is free with "
                        + psize + " bytes, but no such free chunk precedes it");
            }
            checkFreeLinks(operation, ptr, p, psize);
        }
        long next = c + block.chunkSize();
        long limit = s.alignedEnd() - MIN_CHUNK_SIZE;
        if (next > limit) {
            throw corrupt(operation, ptr, "chunk " + HeapException.hex(c) + " runs past its segment");
        }
        if (next == top()) {
            if ((head(next) & PINUSE) == 0 || (head(next) & ~FLAG_BITS) != topsize()) {
                throw corrupt(operation, ptr, "top chunk " + HeapException.hex(next) + " after the block has head "
                        + HeapException.hex(head(next)) + ", expected size " + topsize() + " with PINUSE");
            }
            return;
        }
        long nh = head(next);
        long nsize = nh & ~FLAG_BITS;
        if ((nh & PINUSE) == 0) {
            throw corrupt(operation, ptr, "chunk " + HeapException.hex(next) + " after the block says its "
                    + "predecessor is free (head " + HeapException.hex(nh) + "): overwritten by an overrun");
        }
        if ((nh & CINUSE) != 0) {
            Live n = live.get(next + MEM_OFFSET);
            boolean known = n != null ? n.chunkSize() == nsize
                    : nh == FENCEPOST_HEAD || (segmentRecordChunks.contains(next) && nsize >= SEGMENT_CHUNK_SIZE);
            if (!known) {
                throw corrupt(operation, ptr, "chunk " + HeapException.hex(next) + " after the block has head "
                        + HeapException.hex(nh) + ", which matches no block: overwritten by an overrun");
            }
            return;
        }
        if (nsize < MIN_CHUNK_SIZE || (nsize & (ALIGNMENT - 1)) != 0 || next + nsize > limit
                || prevFoot(next + nsize) != nsize || (head(next + nsize) & PINUSE) != 0) {
            throw corrupt(operation, ptr, "free chunk " + HeapException.hex(next) + " after the block has head "
                    + HeapException.hex(nh) + " and a foot that does not match: overwritten by an overrun");
        }
        checkFreeLinks(operation, ptr, next, nsize);
    }

    /** A free neighbour that free() will unlink must have intact links (malloc.c's RTCHECKs, done first). */
    private void checkFreeLinks(String operation, long ptr, long c, long size) {
        if (c == dv()) {
            return;
        }
        long f = fd(c);
        long b = bk(c);
        boolean ok;
        if (isSmall(size)) {
            long bin = smallbinAt(smallIndex(size));
            ok = (f == bin || (isChunkAddress(f) && bk(f) == c)) && (b == bin || (isChunkAddress(b) && fd(b) == c));
        } else if (b != c) {
            ok = isChunkAddress(f) && isChunkAddress(b) && bk(f) == c && fd(b) == c;
        } else {
            long parent = parent(c);
            long c0 = child(c, 0);
            long c1 = child(c, 1);
            int idx = treeIndexOf(c);
            ok = f == c && idx >= 0 && idx < NTREEBINS && (c0 == 0 || isChunkAddress(c0)) && (c1 == 0 || isChunkAddress(c1))
                    && (parent == treebinAt(idx) ? word(parent) == c
                        : isChunkAddress(parent) && (child(parent, 0) == c || child(parent, 1) == c));
        }
        if (!ok) {
            throw corrupt(operation, ptr, "free chunk " + HeapException.hex(c) + " next to the block has broken links fd "
                    + HeapException.hex(f) + " bk " + HeapException.hex(b) + ": written after free");
        }
    }

    private void checkCanary(String operation, long ptr, Live block) {
        if (debugMode != DebugMode.CANARIES_AND_JUNK) {
            return;
        }
        for (int i = 0; i < CANARY_BYTES; i++) {
            byte b = memory.getI8(ptr + block.requestedBytes() + i);
            if (b != CANARY) {
                throw new CanaryCorruptionException(operation, ptr, block.sequence(), block.requestedBytes() + i, CANARY, b);
            }
        }
    }

    /** Frees a validated block. */
    private void release(long mem, Live block) {
        long c = block.chunk();
        if (block.mmapped()) {
            forget(mem, block);
            long offset = mmapOffsets.getOrDefault(c, 0L);
            mmapOffsets.remove(c);
            long length = offset + block.chunkSize() + MMAP_FOOT_PAD;
            long rc = source.munmap(c - offset, length);
            if (Errno.isError(rc)) {
                throw new IllegalStateException("internal: munmap of a mapped chunk failed with " + Errno.of(rc));
            }
            footprintBytes -= length;
            trimmedBytes += length;
            return;
        }
        disposeChunk(c, block.chunkSize());
        forget(mem, block);
        if (topsize() > trimThresholdBytes) {
            sysTrim(0);
        }
    }

    /** Moves a block from the live shadow to the freed one. */
    private void forget(long mem, Live block) {
        live.remove(mem);
        liveBytes -= block.requestedBytes();
        freed.put(mem, new Freed(block.sequence(), ++freeCount));
    }

    /** malloc.c's dispose_chunk: frees an in-use chunk, coalescing and binning it. */
    private void disposeChunk(long p, long psize) {
        long next = p + psize;
        if ((head(p) & PINUSE) == 0) {
            long prevsize = prevFoot(p);
            long prev = p - prevsize;
            psize += prevsize;
            p = prev;
            if (p != dv()) {
                unlinkChunk(p, prevsize);
            } else if ((head(next) & INUSE_BITS) == INUSE_BITS) {
                setDv(p, psize);
                setFreeWithPinuse(p, psize, next);
                junkFree(p, psize);
                return;
            }
        }
        if ((head(next) & CINUSE) == 0) {
            if (next == top()) {
                long tsize = topsize() + psize;
                setTop(p, tsize);
                setHead(p, tsize | PINUSE);
                if (p == dv()) {
                    setDv(0, 0);
                }
                return;
            }
            if (next == dv()) {
                long dsize = dvsize() + psize;
                setDv(p, dsize);
                setSizeAndPinuseOfFreeChunk(p, dsize);
                junkFree(p, dsize);
                return;
            }
            long nsize = chunkSize(next);
            psize += nsize;
            unlinkChunk(next, nsize);
            setSizeAndPinuseOfFreeChunk(p, psize);
            if (p == dv()) {
                setDv(p, psize);
                junkFree(p, psize);
                return;
            }
        } else {
            setFreeWithPinuse(p, psize, next);
        }
        insertChunk(p, psize);
    }

    /** In debug mode, fills a free chunk's body (past its links) with junk. */
    private void junkFree(long p, long size) {
        if (debugMode == DebugMode.CANARIES_AND_JUNK) {
            long from = junkStart(p, size);
            memory.fill(from, p + size - from, JUNK);
        }
    }

    /** Where a free chunk's junk starts: after fd/bk for small chunks, after the tree fields for large. */
    private static long junkStart(long p, long size) {
        return Math.min(p + size, p + (isSmall(size) ? 16 : 32));
    }

    /** In debug mode, verifies the junk of the first {@code bytes} bytes of free chunk p before handing it out. */
    private void verifyJunk(String operation, long p, long bytes) {
        if (debugMode != DebugMode.CANARIES_AND_JUNK) {
            return;
        }
        long size = chunkSize(p);
        long to = Math.min(p + size, p + bytes);
        for (long a = junkStart(p, size); a < to; ) {
            int n = (int) Math.min(junkBuffer.length, to - a);
            memory.read(a, junkBuffer, 0, n);
            for (int i = 0; i < n; i++) {
                if (junkBuffer[i] != JUNK) {
                    throw new WriteAfterFreeException(operation, p + MEM_OFFSET, a + i, JUNK, junkBuffer[i]);
                }
            }
            a += n;
        }
    }

    /** Scratch for {@link #verifyJunk}, used under the heap's lock. */
    private final byte[] junkBuffer = new byte[4096];

    // =====================================================================================
    // realloc and memalign
    // =====================================================================================

    private long reallocate(long ptr, long size) {
        if (ptr == NULL) {
            return allocate(size);
        }
        Live block = validatedBlock("realloc", ptr);
        if (size == 0 && reallocZeroPolicy == ReallocZeroPolicy.FREE_AND_RETURN_NULL) {
            release(ptr, block);
            return NULL;
        }
        if (size < 0 || withCanary(size) >= MAX_REQUEST) {
            return fail(Errno.ENOMEM);
        }
        long nb = requestToSize(withCanary(size));
        if (!block.mmapped() && resizeInPlace(block.chunk(), block.chunkSize(), nb)) {
            rerecord(ptr, block, size);
            return ptr;
        }
        if (block.mmapped() && !isSmall(nb) && block.chunkSize() >= nb + SIZE_T
                && block.chunkSize() - nb <= 2 * granularityBytes) {
            rerecord(ptr, block, size);
            return ptr;
        }
        long mem = mallocChunk(nb);
        if (mem == NULL) {
            return fail(Errno.ENOMEM);
        }
        memory.copy(mem, ptr, Math.min(usable(block), size));
        release(ptr, block);
        record(mem, size);
        return mem;
    }

    /** Updates the shadow of a block resized in place. */
    private void rerecord(long ptr, Live old, long size) {
        long h = head(old.chunk());
        Live block = new Live(old.chunk(), h & ~FLAG_BITS, size, ++allocationCount, old.mmapped());
        live.put(ptr, block);
        freed.subMap(block.chunk(), true, block.chunk() + block.chunkSize(), false).clear();
        liveBytes += size - old.requestedBytes();
        if (debugMode == DebugMode.CANARIES_AND_JUNK) {
            memory.fill(ptr + size, CANARY_BYTES, CANARY);
        }
    }

    /** malloc.c's try_realloc_chunk for a heap chunk: shrink, or grow into top, dv or a free successor. */
    private boolean resizeInPlace(long p, long oldsize, long nb) {
        long next = p + oldsize;
        if (oldsize >= nb) {
            long rsize = oldsize - nb;
            if (rsize >= MIN_CHUNK_SIZE) {
                long r = p + nb;
                setInuse(p, nb);
                setInuse(r, rsize);
                disposeChunk(r, rsize);
            }
            return true;
        }
        if (next == top()) {
            long newtopsize = oldsize + topsize() - nb;
            if (oldsize + topsize() > nb) {
                long newtop = p + nb;
                setInuse(p, nb);
                setHead(newtop, newtopsize | PINUSE);
                setTop(newtop, newtopsize);
                return true;
            }
            return false;
        }
        if (next == dv()) {
            long dvs = dvsize();
            if (oldsize + dvs >= nb) {
                verifyJunk("realloc", next, nb - oldsize);
                long dsize = oldsize + dvs - nb;
                if (dsize >= MIN_CHUNK_SIZE) {
                    long r = p + nb;
                    long n = r + dsize;
                    setInuse(p, nb);
                    setSizeAndPinuseOfFreeChunk(r, dsize);
                    setHead(n, head(n) & ~(long) PINUSE);
                    setDv(r, dsize);
                } else {
                    setInuse(p, oldsize + dvs);
                    setDv(0, 0);
                }
                return true;
            }
            return false;
        }
        long nh = head(next);
        if ((nh & CINUSE) == 0) {
            long nextsize = nh & ~FLAG_BITS;
            if (oldsize + nextsize >= nb) {
                verifyJunk("realloc", next, nb - oldsize);
                long rsize = oldsize + nextsize - nb;
                unlinkChunk(next, nextsize);
                if (rsize < MIN_CHUNK_SIZE) {
                    setInuse(p, oldsize + nextsize);
                } else {
                    long r = p + nb;
                    setInuse(p, nb);
                    setInuse(r, rsize);
                    disposeChunk(r, rsize);
                }
                return true;
            }
        }
        return false;
    }

    /** memalign's core: {@code alignment} a power of two. */
    private long alignedAllocate(long alignment, long size) {
        if (alignment <= ALIGNMENT) {
            return allocate(size);
        }
        if (size < 0 || withCanary(size) >= MAX_REQUEST - alignment - MIN_CHUNK_SIZE) {
            return fail(Errno.ENOMEM);
        }
        long nb = requestToSize(withCanary(size));
        long req = nb + alignment + MIN_CHUNK_SIZE - CHUNK_OVERHEAD;
        long mem = mallocChunk(requestToSize(req));
        if (mem == NULL) {
            return fail(Errno.ENOMEM);
        }
        long p = mem - MEM_OFFSET;
        boolean mmapped = (head(p) & INUSE_BITS) == 0;
        if ((mem & (alignment - 1)) != 0) {
            long br = ((mem + alignment - 1) & -alignment) - MEM_OFFSET;
            if (br - p < MIN_CHUNK_SIZE) {
                br += alignment;
            }
            long leadsize = br - p;
            long newsize = chunkSize(p) - leadsize;
            if (mmapped) {
                long offset = mmapOffsets.getOrDefault(p, 0L) + leadsize;
                mmapOffsets.remove(p);
                mmapOffsets.put(br, offset);
                putWord(br, offset);
                setHead(br, newsize);
            } else {
                setInuse(br, newsize);
                setInuse(p, leadsize);
                disposeChunk(p, leadsize);
            }
            p = br;
        }
        if (!mmapped) {
            long psize = chunkSize(p);
            if (psize > nb + MIN_CHUNK_SIZE) {
                long rsize = psize - nb;
                long r = p + nb;
                setInuse(p, nb);
                setInuse(r, rsize);
                disposeChunk(r, rsize);
            }
        }
        record(p + MEM_OFFSET, size);
        return p + MEM_OFFSET;
    }

    // =====================================================================================
    // System allocation: segments, direct mapping, trimming
    // =====================================================================================

    private boolean initialize() {
        long msChunkSize = padRequest(MSTATE_BYTES);
        long need = ALIGNMENT + msChunkSize + MIN_CHUNK_SIZE + TOP_FOOT_BYTES;
        long asize = granularityRound(need);
        long base = source.sbrk(asize);
        int sflags = SEG_SBRK;
        if (Errno.isError(base)) {
            if (!source.supportsMmap()) {
                return false;
            }
            asize = granularityRound(need);
            base = source.mmap(asize);
            sflags = SEG_MMAP;
            if (Errno.isError(base)) {
                return false;
            }
        }
        checkSourceAddress(base, asize);
        gainFootprint(asize);
        Segment s = new Segment(base, asize, sflags);
        segments.add(s);
        long msChunk = firstChunk(s);
        ms = msChunk + MEM_OFFSET;
        memory.fill(ms, MSTATE_BYTES, (byte) 0);
        setSizeAndPinuseOfInuseChunk(msChunk, msChunkSize);
        putWord(ms + MS_MAGIC, MAGIC);
        putWord(ms + MS_LEAST_ADDR, base);
        writeSegmentHead(s, 0);
        for (int i = 0; i < NSMALLBINS; i++) {
            long b = smallbinAt(i);
            setFd(b, b);
            setBk(b, b);
        }
        initTop(msChunk + msChunkSize, s);
        return true;
    }

    /** The address of a segment's first chunk. */
    private static long firstChunk(Segment s) {
        return (s.base + ALIGNMENT - 1) & ~(long) (ALIGNMENT - 1);
    }

    private void writeSegmentHead(Segment s, long next) {
        putWord(ms + MS_SEG, s.base);
        putWord(ms + MS_SEG + 4, s.sizeBytes);
        putWord(ms + MS_SEG + 8, next);
        putWord(ms + MS_SEG + 12, s.sflags);
    }

    /** Makes [t, segment end - TOP_FOOT) the top chunk, its predecessor in use. */
    private void initTop(long t, Segment s) {
        long tsize = s.alignedEnd() - TOP_FOOT_BYTES - t;
        setTop(t, tsize);
        setHead(t, tsize | PINUSE);
        setHead(t + tsize, TOP_FOOT_BYTES);
    }

    private long granularityRound(long bytes) {
        return (bytes + granularityBytes - 1) & -granularityBytes;
    }

    private void gainFootprint(long bytes) {
        footprintBytes += bytes;
        peakFootprintBytes = Math.max(peakFootprintBytes, footprintBytes);
    }

    private void checkSourceAddress(long base, long size) {
        if (base <= 0 || base + size > 0x1_0000_0000L) {
            throw new IllegalStateException("internal: the source returned [" + HeapException.hex(base) + ", +"
                    + size + ") outside the wasm32 range");
        }
    }

    /** malloc.c's sys_alloc: memory from the source for a chunk of nb bytes, or NULL. */
    private long sysAlloc(long nb) {
        if (nb >= mmapThresholdBytes) {
            long mem = mmapAlloc(nb);
            if (mem != NULL) {
                return mem;
            }
        }
        Segment current = segments.get(segments.size() - 1);
        boolean contiguous = (current.sflags & SEG_SBRK) != 0 && source.breakAddress() == current.end();
        long asize = contiguous
                ? granularityRound(nb - topsize() + TOP_FOOT_BYTES + ALIGNMENT + 1)
                : granularityRound(nb + TOP_FOOT_BYTES + 2 * ALIGNMENT + MIN_CHUNK_SIZE);
        if (asize <= 0 || asize >= 0x1_0000_0000L) {
            return NULL;
        }
        long base = source.sbrk(asize);
        if (!Errno.isError(base)) {
            checkSourceAddress(base, asize);
            gainFootprint(asize);
            if ((current.sflags & SEG_SBRK) != 0 && base == current.end()) {
                current.sizeBytes += asize;                 // contiguous: extend top's segment
                putWord(ms + MS_SEG + 4, current.sizeBytes);
                initTop(top(), current);
            } else {
                addSegment(base, asize, SEG_SBRK);
            }
        } else if (source.supportsMmap()) {
            asize = granularityRound(nb + TOP_FOOT_BYTES + 2 * ALIGNMENT + MIN_CHUNK_SIZE);
            if (asize >= 0x1_0000_0000L) {
                return NULL;
            }
            base = source.mmap(asize);
            if (Errno.isError(base)) {
                return NULL;
            }
            checkSourceAddress(base, asize);
            gainFootprint(asize);
            addSegment(base, asize, SEG_MMAP);
        } else {
            return NULL;
        }
        if (nb < topsize()) {
            return splitTop(nb);
        }
        return NULL;
    }

    /**
     * malloc.c's add_segment: the old top becomes a free chunk followed by a segment record and a
     * fencepost, and the new segment's space becomes top.
     */
    private void addSegment(long base, long size, int sflags) {
        long oldTop = top();
        long oldTopSize = topsize();
        boolean keepOldTop = oldTopSize >= MIN_CHUNK_SIZE;
        long rec = keepOldTop ? oldTop + oldTopSize : oldTop;
        long recSize = keepOldTop ? SEGMENT_CHUNK_SIZE : SEGMENT_CHUNK_SIZE + oldTopSize;
        for (int i = 0; i < SEGMENT_RECORD_BYTES; i += SIZE_T) {      // the record: the old segment head
            putWord(rec + MEM_OFFSET + i, word(ms + MS_SEG + i));
        }
        setHead(rec, recSize | CINUSE | (keepOldTop ? 0 : PINUSE));
        setHead(rec + recSize, FENCEPOST_HEAD);
        segmentRecordChunks.add(rec);
        Segment s = new Segment(base, size, sflags);
        segments.add(s);
        writeSegmentHead(s, rec + MEM_OFFSET);
        if (base < word(ms + MS_LEAST_ADDR)) {
            putWord(ms + MS_LEAST_ADDR, base);
        }
        initTop(firstChunk(s), s);
        if (keepOldTop) {
            setSizeAndPinuseOfFreeChunk(oldTop, oldTopSize);
            insertChunk(oldTop, oldTopSize);
        }
    }

    /** malloc.c's mmap_alloc: a chunk in a mapping of its own, or NULL. */
    private long mmapAlloc(long nb) {
        long mmsize = granularityRoundTo(nb + MMAP_FOOT_PAD + ALIGNMENT, source.mmapGranularityBytes());
        if (mmsize <= nb || mmsize >= 0x1_0000_0000L) {
            return NULL;
        }
        long mm = source.mmap(mmsize);
        if (Errno.isError(mm)) {
            return NULL;
        }
        checkSourceAddress(mm, mmsize);
        gainFootprint(mmsize);
        long psize = mmsize - MMAP_FOOT_PAD;
        putWord(mm, 0);
        setHead(mm, psize);
        setHead(mm + psize, FENCEPOST_HEAD);
        setHead(mm + psize + SIZE_T, 0);
        return mm + MEM_OFFSET;
    }

    private static long granularityRoundTo(long bytes, long granule) {
        return (bytes + granule - 1) / granule * granule;
    }

    /** malloc.c's sys_trim: gives top's tail back when top exceeds pad + a granule. */
    private void sysTrim(long pad) {
        Segment s = segments.get(segments.size() - 1);
        long tsize = topsize();
        if (tsize <= pad + TOP_FOOT_BYTES + granularityBytes) {
            return;
        }
        long extra = ((tsize - pad - TOP_FOOT_BYTES - 1) / granularityBytes - 1) * granularityBytes;
        // keep the segment's first page: a segment is never released whole here
        extra = Math.min(extra, s.end() - (top() + MIN_CHUNK_SIZE + TOP_FOOT_BYTES + ALIGNMENT));
        extra &= -granularityBytes;
        if (extra <= 0) {
            return;
        }
        long rc;
        if ((s.sflags & SEG_SBRK) != 0) {
            if (source.breakAddress() != s.end()) {
                return;
            }
            rc = source.sbrk(-extra);
        } else {
            long tail = s.end() - extra;
            if (tail % source.mmapGranularityBytes() != 0) {
                return;
            }
            rc = source.munmap(tail, extra);
        }
        if (Errno.isError(rc)) {
            return;
        }
        s.sizeBytes -= extra;
        putWord(ms + MS_SEG + 4, s.sizeBytes);
        footprintBytes -= extra;
        trimmedBytes += extra;
        initTop(top(), s);
    }

    /** Gives back what it can of the top chunk beyond {@code padBytes}: malloc_trim. Returns whether any memory was released. */
    public boolean trim(long padBytes) {
        synchronized (lock) {
            if (ms == 0) {
                return false;
            }
            long before = trimmedBytes;
            sysTrim(Math.max(0, padBytes));
            return trimmedBytes != before;
        }
    }

    // =====================================================================================
    // Validation helpers
    // =====================================================================================

    private Segment segmentContaining(long address) {
        for (Segment s : segments) {
            if (address >= s.base && address < s.end()) {
                return s;
            }
        }
        return null;
    }

    /** Whether a is an aligned chunk address inside a segment or the mstate's bins. */
    private boolean isChunkAddress(long a) {
        if ((a & (ALIGNMENT - 1)) != 0) {
            return false;
        }
        if (a >= smallbinAt(0) && a < ms + MS_TREEBINS) {
            return true;
        }
        Segment s = segmentContaining(a);
        return s != null && a + MIN_CHUNK_SIZE <= s.end();
    }

    /** Returns a, a chunk address read from a link, after checking it points into the heap. */
    private long checkedLink(long a, String bin, int index) {
        if (!isChunkAddress(a)) {
            throw corrupt("malloc", a, bin + (index >= 0 ? " " + index : "") + " links to " + HeapException.hex(a)
                    + ", which is not a chunk of this heap");
        }
        return a;
    }

    private static HeapCorruptionException corrupt(String operation, long ptr, String what) {
        return new HeapCorruptionException(operation + "(" + HeapException.hex(ptr) + "): " + what, ptr);
    }

    // =====================================================================================
    // checkInvariants: malloc.c's do_check_malloc_state
    // =====================================================================================

    @Override
    public void checkInvariants() {
        synchronized (lock) {
            guarded("checkInvariants", 0, () -> {
                new Checker().run();
                return 0L;
            });
        }
    }

    /** One full heap walk. */
    private final class Checker {
        private final Set<Long> binned = new HashSet<>();
        private final long bound = memory.sizeBytes() / MIN_CHUNK_SIZE + 2;

        void run() {
            if (ms == 0) {
                if (!(live.isEmpty())) {
                    throw failure(0, "blocks are live but the heap has no segment");
                }
                return;
            }
            if (!(word(ms + MS_MAGIC) == MAGIC)) {
                throw failure(ms, "the mstate's magic is overwritten");
            }
            checkSmallBins();
            checkTreeBins();
            long dv = dv();
            long dvsize = dvsize();
            if (!((dv == 0) == (dvsize == 0))) {
                throw failure(dv, "dv " + HeapException.hex(dv) + " with dvsize " + dvsize);
            }
            if (!(dv == 0 || !binned.contains(dv))) {
                throw failure(dv, "dv is also in a bin");
            }
            long liveFound = 0;
            long freeFound = 0;
            boolean topFound = false;
            for (int si = 0; si < segments.size(); si++) {
                Segment s = segments.get(si);
                boolean last = si == segments.size() - 1;
                long c = firstChunk(s);
                boolean prevInuse = true;
                for (long steps = 0; ; steps++) {
                    if (!(steps < bound)) {
                        throw failure(c, "segment walk does not end");
                    }
                    if (!(c + 2 * SIZE_T <= s.alignedEnd())) {
                        throw failure(c, "chunk " + HeapException.hex(c) + " runs past segment end");
                    }
                    long h = head(c);
                    long size = h & ~FLAG_BITS;
                    if (!(((h & PINUSE) != 0) == prevInuse)) {
                        throw failure(c, "chunk " + HeapException.hex(c)
                            + " has PINUSE " + (h & PINUSE) + " but its predecessor is " + (prevInuse ? "in use" : "free"));
                    }
                    if (last && c == top()) {
                        if (!(size == topsize() && (h & CINUSE) == 0)) {
                            throw failure(c, "top's head " + HeapException.hex(h)
                                + " does not match topsize " + topsize());
                        }
                        if (!(c + size == s.alignedEnd() - TOP_FOOT_BYTES)) {
                            throw failure(c, "top does not end at its segment's foot");
                        }
                        if (!(prevInuse)) {
                            throw failure(c, "top follows a free chunk");
                        }
                        topFound = true;
                        break;
                    }
                    if (h == FENCEPOST_HEAD) {
                        if (!(!last)) {
                            throw failure(c, "a fencepost in the current segment before top");
                        }
                        break;
                    }
                    if (!(size >= MIN_CHUNK_SIZE && (size & (ALIGNMENT - 1)) == 0 && c + size <= s.alignedEnd())) {
                        throw failure(c, "chunk " + HeapException.hex(c) + " has an impossible size " + size);
                    }
                    if ((h & CINUSE) != 0) {
                        Live b = live.get(c + MEM_OFFSET);
                        if (b != null) {
                            if (!(!b.mmapped() && b.chunkSize() == size)) {
                                throw failure(c, "header of chunk " + HeapException.hex(c)
                                    + " reads size " + size + " but the block #" + b.sequence() + " has " + b.chunkSize());
                            }
                            checkCanary("checkInvariants", c + MEM_OFFSET, b);
                            liveFound++;
                        } else {
                            if (!(c + MEM_OFFSET == ms || segmentRecordChunks.contains(c))) {
                                throw failure(c, "in-use chunk " + HeapException.hex(c) + " of " + size + " bytes is no live block");
                            }
                        }
                        prevInuse = true;
                    } else {
                        if (!(prevInuse)) {
                            throw failure(c, "two adjacent free chunks at " + HeapException.hex(c));
                        }
                        if (!(prevFoot(c + size) == size)) {
                            throw failure(c, "free chunk " + HeapException.hex(c) + " has foot "
                                + prevFoot(c + size) + ", not its size " + size);
                        }
                        if (!(c == dv ? size == dvsize : binned.contains(c))) {
                            throw failure(c, "free chunk " + HeapException.hex(c)
                                + " of " + size + " bytes is neither dv nor in a bin");
                        }
                        verifyJunk("checkInvariants", c, size);
                        freeFound++;
                        prevInuse = false;
                    }
                    c += size;
                }
            }
            if (!(topFound)) {
                throw failure(top(), "top " + HeapException.hex(top()) + " not found in the current segment");
            }
            if (!(freeFound == binned.size() + (dv != 0 ? 1 : 0))) {
                throw failure(0, "the walk found " + freeFound
                    + " free chunks, the bins and dv hold " + (binned.size() + (dv != 0 ? 1 : 0)));
            }
            long mmappedLive = 0;
            for (Map.Entry<Long, Live> e : live.entrySet()) {
                Live b = e.getValue();
                if (b.mmapped()) {
                    checkBlockHeader("checkInvariants", e.getKey(), b);
                    if (!(head(b.chunk() + b.chunkSize()) == FENCEPOST_HEAD)) {
                        throw failure(b.chunk(), "mapped chunk "
                            + HeapException.hex(b.chunk()) + " lost its fencepost");
                    }
                    checkCanary("checkInvariants", e.getKey(), b);
                    mmappedLive++;
                }
            }
            if (!(liveFound + mmappedLive == live.size())) {
                throw failure(0, "the walk found " + (liveFound + mmappedLive)
                    + " live blocks, the shadow holds " + live.size());
            }
        }

        private void checkSmallBins() {
            long map = smallmap();
            for (int i = 0; i < NSMALLBINS; i++) {
                long b = smallbinAt(i);
                long first = fd(b);
                boolean empty = first == b;
                if (!(empty == ((map & (1L << i)) == 0))) {
                    throw failure(b, "smallmap bit " + i + " disagrees with bin " + i);
                }
                if (empty) {
                    if (!(bk(b) == b)) {
                        throw failure(b, "empty small bin " + i + " has a bk");
                    }
                    continue;
                }
                long prev = b;
                long p = first;
                for (long steps = 0; p != b; steps++) {
                    if (!(steps < bound)) {
                        throw failure(b, "small bin " + i + " does not end (a cycle)");
                    }
                    if (!(isChunkAddress(p))) {
                        throw failure(p, "small bin " + i + " links to " + HeapException.hex(p));
                    }
                    if (!(bk(p) == prev)) {
                        throw failure(p, "small bin " + i + ": chunk " + HeapException.hex(p) + " has a wrong bk");
                    }
                    long h = head(p);
                    if (!((h & CINUSE) == 0 && (h & ~FLAG_BITS) == (long) i << SMALLBIN_SHIFT)) {
                        throw failure(p, "chunk " + HeapException.hex(p) + " in small bin " + i + " has head " + HeapException.hex(h));
                    }
                    if (!(binned.add(p))) {
                        throw failure(p, "chunk " + HeapException.hex(p) + " is binned twice");
                    }
                    prev = p;
                    p = fd(p);
                }
                if (!(bk(b) == prev)) {
                    throw failure(b, "small bin " + i + "'s bk is not its last chunk");
                }
            }
        }

        private void checkTreeBins() {
            long map = treemap();
            for (int i = 0; i < NTREEBINS; i++) {
                long root = word(treebinAt(i));
                if (!((root == 0) == ((map & (1L << i)) == 0))) {
                    throw failure(treebinAt(i), "treemap bit " + i + " disagrees with treebin " + i);
                }
                if (root != 0) {
                    if (!(isChunkAddress(root) && parent(root) == treebinAt(i))) {
                        throw failure(root, "treebin " + i + "'s root has a wrong parent");
                    }
                    checkTree(root, i, 0);
                }
            }
        }

        private void checkTree(long t, int index, int depth) {
            if (!(depth <= NTREEBINS + 1)) {
                throw failure(t, "treebin " + index + " is too deep (a cycle)");
            }
            if (!(isChunkAddress(t))) {
                throw failure(t, "treebin " + index + " links to " + HeapException.hex(t));
            }
            long size = chunkSize(t);
            if (!(treeIndexOf(t) == index && size >= minsizeForTreeIndex(index)
                    && (index == NTREEBINS - 1 || size < minsizeForTreeIndex(index + 1)))) {
                throw failure(t, "tree chunk " + HeapException.hex(t) + " of " + size + " bytes is in treebin " + index);
            }
            int shift = leftshiftForTreeIndex(index);
            long u = t;
            for (long steps = 0; ; steps++) {
                if (!(steps < bound)) {
                    throw failure(t, "same-size list at " + HeapException.hex(t) + " does not end");
                }
                if (!(isChunkAddress(u) && (head(u) & CINUSE) == 0 && chunkSize(u) == size)) {
                    throw failure(u, "tree list of " + HeapException.hex(t) + " holds " + HeapException.hex(u));
                }
                if (!(isChunkAddress(fd(u)) && bk(fd(u)) == u)) {
                    throw failure(u, "tree list link broken at " + HeapException.hex(u));
                }
                if (!(binned.add(u))) {
                    throw failure(u, "chunk " + HeapException.hex(u) + " is binned twice");
                }
                u = fd(u);
                if (u == t) {
                    break;
                }
            }
            for (int dir = 0; dir < 2; dir++) {
                long c = child(t, dir);
                if (c != 0) {
                    if (!(isChunkAddress(c) && parent(c) == t)) {
                        throw failure(c, "tree child " + HeapException.hex(c) + " has a wrong parent");
                    }
                    long csize = chunkSize(c);
                    if (shift + depth < 32) {
                        long bit = ((csize << (shift + depth)) >>> 31) & 1;
                        if (!(bit == dir)) {
                            throw failure(c, "tree chunk " + HeapException.hex(c) + " of " + csize
                                + " bytes is on the wrong side at depth " + depth);
                        }
                    }
                    checkTree(c, index, depth + 1);
                }
            }
        }

        private HeapCorruptionException failure(long at, String what) {
            return new HeapCorruptionException("checkInvariants: " + what, at);
        }
    }
}
