package dev.linmem.alloc;

import dev.linmem.alloc.EmmallocShadow.Used;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.Errno;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An emmalloc-style heap: Emscripten's compact allocator, written from its design, with every
 * region header, footer, free-list link and bucket head in the linear memory.
 *
 * <h2>Layout</h2>
 * W is the word size ({@code sizeof(size_t) == sizeof(void*)}): 4 bytes on a wasm32 memory, 8
 * on memory64. A <em>region</em> carries its size at both ends; bit 0 of the ceiling size is
 * set when the region is free. A used region's payload starts one word in:
 * <pre>
 *   used region                          free region
 *   +--------+------------+--------+     +--------+------+------+---------+------------+
 *   | size   | payload    | size   |     | size   | prev | next | (junk)  | size | 1   |
 *   +--------+------------+--------+     +--------+------+------+---------+------------+
 *   r        r+W          r+size-W       r        r+W    r+2W   r+3W      r+size-W
 * </pre>
 * The heap's first sbrk holds the bucket table: 64 sentinel regions (empty circular lists point
 * at themselves), the 64-bit availability mask and the head of the root region list. Each
 * further sbrk'd span is an <em>area</em>, framed by two used regions of 4W bytes:
 * <pre>
 *   [bucket table][root region | region | region | ... | end sentinel]   [root | ... | sentinel]
 *                 ^ size, next root, area end, size                      a non-contiguous area
 * </pre>
 * When an sbrk returns memory right after the newest area, that area grows instead: its end
 * sentinel moves up and the free region below it grows (or a new one takes the old sentinel's
 * place). Emscripten keeps the bucket table in static data; here it is the heap's first 1 KiB
 * (2 KiB on memory64).
 *
 * <h2>Assumptions</h2>
 * <ul>
 *   <li>The payload alignment is 2W (8 bytes on wasm32, {@code alignof(max_align_t)} in
 *       Emscripten); any power-of-two alignment can be requested.</li>
 *   <li>Region sizes are multiples of W and at least 4W (a free region must hold its links).</li>
 *   <li>The source's break is W-aligned when only this heap moves it; if another user leaves it
 *       unaligned, the next area skips the odd bytes (counted in the footprint).</li>
 *   <li>Requests above {@code 0xFFFFFFC7} bytes (wasm32) fail, so that adding the overheads can
 *       never wrap a 32-bit size.</li>
 * </ul>
 *
 * <h2>Invariants</h2> ({@link #checkInvariants()} checks each, walking every area and bucket)
 * <ol>
 *   <li>Each area is a gapless sequence of regions from its root region to its end sentinel;
 *       every region's size fields agree and the size is a multiple of W, at least 4W.</li>
 *   <li>No two free regions are adjacent.</li>
 *   <li>Each free region is in exactly one bucket list, the bucket of its size; each list is a
 *       doubly linked circle through its sentinel; mask bit b is set iff bucket b is non-empty.</li>
 *   <li>The used regions are exactly the shadow's: root regions, live blocks, end sentinels;
 *       every live block's payload is aligned as requested.</li>
 *   <li>The root region list, newest first, names every area once with its true end.</li>
 *   <li>Counters (free bytes, live bytes, footprint) equal what the walk finds; in debug mode
 *       every canary and every free byte's junk is intact.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <b>malloc(n)</b> = memalign(2W, n):
 * <ol>
 *   <li>Round n up to a multiple of W, at least 2W (debug mode adds a canary first).</li>
 *   <li>From the bucket of n upwards, for each bucket the mask marks non-empty, try its first
 *       region: it fits if the payload, aligned up, plus n still ends a word before the region's
 *       end. A region that does not fit moves to the back of its bucket.</li>
 *   <li>If none fits and some bucket of 1 KiB or more is non-empty, try up to 99 regions of the
 *       largest non-empty bucket.</li>
 *   <li>Otherwise sbrk n + 3 regions (plus the alignment when it exceeds 2W) and retry once.</li>
 *   <li>If sbrk fails, try the rest of the largest bucket; then fail.</li>
 *   <li>To carve a region: unlink it; if the aligned payload does not start at the region's
 *       first word, give the slack to the used region below (it grows); if at least one whole
 *       region remains after the payload, split it off as a new free region; else the used
 *       region keeps all of it.</li>
 * </ol>
 * <b>free(p)</b>: look p up in the shadow (refusing anything but a live block) and check its
 * size fields; merge with the free region below and the free region above, if any; link the
 * result into the bucket of its size.
 * <br><b>realloc(p, n)</b>: resize in place when the region above is free (grow into it, or
 * shrink and grow it downwards) or, with a used region above, when shrinking leaves room for a
 * whole free region (a smaller shrink changes nothing); otherwise malloc, copy, free.
 * <br><b>trim(pad)</b>: if the newest area ends at the break and its last region is free,
 * shrink that region to {@code pad} (or remove it), move the end sentinel down and give the rest
 * back with a negative sbrk.
 *
 * <h2>Bad input</h2>
 * Beside the in-band metadata, an out-of-band shadow ({@link EmmallocShadow}) records every
 * region, used and free, by its start and its end. Every pointer a caller passes is looked up
 * there first ({@link
 * InvalidPointerException}, {@link DoubleFreeException}), and every in-band size, flag and link
 * an operation is about to rely on is checked against it ({@link HeapCorruptionException})
 * before anything is written. The optional {@link Checking#DEBUG} mode adds an 8-byte canary
 * after each block and fills free memory with junk, checked when it is handed out again.
 *
 * <h2>Modes</h2>
 * {@link Mode#POSIX} (default) follows POSIX and C17 for the entry points where emmalloc departs
 * from them; {@link Mode#EMSCRIPTEN} reproduces emmalloc's own behaviour. docs/allocators.md
 * lists each departure.
 *
 * <h2>References</h2>
 * Emscripten {@code system/lib/emmalloc.c} (Jukka Jylänki's design: regions, buckets, root
 * regions, validate_memory_regions, emmalloc_trim) and its tests {@code test/test_emmalloc.c};
 * Emscripten {@code system/lib/libc/sbrk.c}; ../shared/docs/semantics.md section 1.6.
 *
 * <p>Thread-safe: one lock per heap, as in Emscripten.
 */
public final class Emmalloc implements Allocator {

    /** Which semantics the entry points follow where emmalloc departs from POSIX. */
    public enum Mode {
        /**
         * POSIX and C17: calloc checks its product for overflow, posix_memalign returns EINVAL for
         * any alignment that is not a power-of-two multiple of {@code sizeof(void*)}, aligned_alloc
         * accepts sizes that are not multiples of the alignment (DR 460), every failure sets errno.
         */
        POSIX,
        /** Emscripten's emmalloc, departures included (docs/allocators.md). */
        EMSCRIPTEN
    }

    /** How much checking beyond the always-on shadow. */
    public enum Checking {
        /** The shadow checks of pointers and in-band metadata. */
        STANDARD,
        /** Also a canary after each block and junk in free memory (write-after-free detection). */
        DEBUG
    }

    /** {@link Builder#trimThresholdBytes}: never trim on free. */
    public static final long NO_AUTO_TRIM = Long.MAX_VALUE;

    private final EmmallocHeap heap;
    private final Mode mode;
    private final ReallocZeroPolicy reallocZeroPolicy;
    private final long trimThresholdBytes;
    private final long trimPadBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final ThreadLocal<Errno> errno = new ThreadLocal<>();

    private Emmalloc(Builder b) {
        this.heap = new EmmallocHeap(b.source, b.checking);
        this.mode = b.mode;
        this.reallocZeroPolicy = b.reallocZeroPolicy;
        this.trimThresholdBytes = b.trimThresholdBytes;
        this.trimPadBytes = b.trimPadBytes;
    }

    /** A POSIX-mode heap over {@code source}, without debug checks or automatic trimming. */
    public static Emmalloc create(HeapSource source) {
        return builder(source).build();
    }

    /** A heap in Emscripten's configuration: emmalloc's semantics, growing by sbrk, never trimming on its own. */
    public static Emmalloc emscripten(HeapSource source) {
        return builder(source).mode(Mode.EMSCRIPTEN).build();
    }

    /** A builder for a heap over {@code source}. */
    public static Builder builder(HeapSource source) {
        return new Builder(source);
    }

    /** Configures an {@link Emmalloc}. */
    public static final class Builder {
        private final HeapSource source;
        private Mode mode = Mode.POSIX;
        private Checking checking = Checking.STANDARD;
        private ReallocZeroPolicy reallocZeroPolicy = ReallocZeroPolicy.FREE_AND_RETURN_NULL;
        private long trimThresholdBytes = NO_AUTO_TRIM;
        private long trimPadBytes;

        private Builder(HeapSource source) {
            if (source == null) {
                throw new IllegalArgumentException("source must not be null");
            }
            this.source = source;
        }

        /** POSIX (default) or Emscripten's semantics. */
        public Builder mode(Mode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("mode must not be null");
            }
            this.mode = mode;
            return this;
        }

        /** Standard (default) or debug checks. */
        public Builder checking(Checking checking) {
            if (checking == null) {
                throw new IllegalArgumentException("checking must not be null");
            }
            this.checking = checking;
            return this;
        }

        /** What {@code realloc(p, 0)} does; default: free and return NULL, as emmalloc. */
        public Builder reallocZeroPolicy(ReallocZeroPolicy policy) {
            if (policy == null) {
                throw new IllegalArgumentException("policy must not be null");
            }
            this.reallocZeroPolicy = policy;
            return this;
        }

        /**
         * Trim after a free when the free region at the top reaches {@code thresholdBytes},
         * keeping {@code padBytes}; default {@link #NO_AUTO_TRIM}, as emmalloc, which trims only
         * when asked ({@link Emmalloc#trim}).
         */
        public Builder trimThresholdBytes(long thresholdBytes, long padBytes) {
            if (thresholdBytes <= 0 || padBytes < 0) {
                throw new IllegalArgumentException("threshold must be positive and pad non-negative");
            }
            this.trimThresholdBytes = thresholdBytes;
            this.trimPadBytes = padBytes;
            return this;
        }

        public Emmalloc build() {
            return new Emmalloc(this);
        }
    }

    /** The semantics this heap follows. */
    public Mode mode() {
        return mode;
    }

    /** The heap's source of memory. */
    public HeapSource source() {
        return heap.source();
    }

    @Override
    public LinearMemory memory() {
        return heap.memory();
    }

    @Override
    public long malloc(long size) {
        lock.lock();
        try {
            return allocateBlock("malloc", heap.mallocAlignment, size);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void free(long ptr) {
        if (ptr == NULL) {
            return;
        }
        lock.lock();
        try {
            heap.free("free", heap.requireLiveBlock("free", ptr));
            autoTrim();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long calloc(long count, long size) {
        long bytes;
        if (mode == Mode.EMSCRIPTEN) {
            bytes = wrappedProduct(count, size); // emmalloc: size_t bytes = num * size, unchecked
        } else {
            bytes = count < 0 || size < 0 ? -1 : multiplyOrMinusOne(count, size);
        }
        lock.lock();
        try {
            long p = allocateBlock("calloc", heap.mallocAlignment, bytes);
            if (p != NULL) {
                heap.zero(p, bytes);
            }
            return p;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long realloc(long ptr, long size) {
        lock.lock();
        try {
            return reallocLocked("realloc", ptr, size);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long reallocarray(long ptr, long count, long size) {
        long bytes = count < 0 || size < 0 ? -1 : multiplyOrMinusOne(count, size);
        lock.lock();
        try {
            if (bytes < 0 || bytes > heap.maxAllocBytes) {
                if (ptr != NULL) {
                    heap.requireLiveBlock("reallocarray", ptr);
                }
                setErrno(Errno.ENOMEM); // musl's reallocarray checks the product in both modes
                return NULL;
            }
            return reallocLocked("reallocarray", ptr, bytes);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int posixMemalign(long[] result, long alignmentBytes, long size) {
        if (result == null || result.length == 0) {
            throw new IllegalArgumentException("posix_memalign needs a result slot (memptr)");
        }
        lock.lock();
        try {
            if (mode == Mode.EMSCRIPTEN) {
                if (alignmentBytes % heap.w != 0) {
                    return Errno.EINVAL.number();
                }
                long p = emscriptenMemalign("posix_memalign", alignmentBytes, size);
                result[0] = p; // emmalloc stores NULL on failure too
                return p != NULL ? 0 : Errno.ENOMEM.number();
            }
            if (!isPowerOfTwo(alignmentBytes) || alignmentBytes % heap.w != 0) {
                return Errno.EINVAL.number();
            }
            Errno before = errno.get();
            long p = allocateBlock("posix_memalign", Math.max(alignmentBytes, heap.mallocAlignment), size);
            errno.set(before); // posix_memalign reports by its result, errno untouched
            if (p == NULL) {
                return Errno.ENOMEM.number();
            }
            result[0] = p;
            return 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long alignedAlloc(long alignmentBytes, long size) {
        lock.lock();
        try {
            if (mode == Mode.EMSCRIPTEN) {
                // emmalloc: NULL unless the alignment is a multiple of sizeof(void*) and divides the
                // size; an alignment of 0 divides by zero, a trap in wasm (ArithmeticException here)
                if (alignmentBytes % heap.w != 0 || Long.remainderUnsigned(size, alignmentBytes) != 0) {
                    return NULL;
                }
                return emscriptenMemalign("aligned_alloc", alignmentBytes, size);
            }
            if (!isPowerOfTwo(alignmentBytes)) {
                setErrno(Errno.EINVAL);
                return NULL;
            }
            return allocateBlock("aligned_alloc", Math.max(alignmentBytes, heap.mallocAlignment), size);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long memalign(long alignmentBytes, long size) {
        lock.lock();
        try {
            if (mode == Mode.EMSCRIPTEN) {
                return emscriptenMemalign("memalign", alignmentBytes, size);
            }
            if (alignmentBytes < 0 || (heap.w == 4 && alignmentBytes > 1L << 31)) {
                setErrno(Errno.EINVAL); // glibc: beyond SIZE_MAX / 2 + 1 cannot be rounded to a power of two
                return NULL;
            }
            long alignment = alignmentBytes <= heap.mallocAlignment ? heap.mallocAlignment
                    : Long.highestOneBit(alignmentBytes - 1) << 1; // glibc and dlmalloc round up
            return allocateBlock("memalign", alignment, size);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long usableSize(long ptr) {
        if (ptr == NULL) {
            return 0;
        }
        lock.lock();
        try {
            return heap.usableBytes(heap.requireLiveBlock("usableSize", ptr));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Errno errno() {
        return errno.get();
    }

    /**
     * {@code emmalloc_trim(pad)} (also {@code malloc_trim}): gives the free memory at the top of
     * the heap back to the source by a negative sbrk, keeping at most {@code padBytes} free.
     *
     * @return the bytes given back; 0 when nothing could be (the top region is in use, or
     *     another user of the source moved the break past the heap)
     */
    public long trim(long padBytes) {
        lock.lock();
        try {
            return heap.trim("trim", padBytes);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public AllocatorStats stats() {
        lock.lock();
        try {
            return heap.stats();
        } finally {
            lock.unlock();
        }
    }

    /** Emmalloc's own statistics: dynamic heap size, free memory, free memory by bucket. */
    public EmmallocStats emmallocStats() {
        lock.lock();
        try {
            return heap.emmallocStats();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<LiveBlock> liveBlocks() {
        lock.lock();
        try {
            return heap.liveBlocks();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void checkInvariants() {
        lock.lock();
        try {
            heap.checkInvariants();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "emmalloc(" + mode.name().toLowerCase() + ", " + heap.source() + ")";
    }

    // ---------------------------------------------------------------- internals (under the lock)

    /**
     * Allocates {@code size} bytes aligned to {@code alignmentBytes} (a power of two, at least
     * the malloc alignment), or fails: in POSIX mode always with ENOMEM; in Emscripten mode
     * errno is set only when sbrk failed (Emscripten's sbrk sets it; emmalloc never does).
     */
    private long allocateBlock(String op, long alignmentBytes, long size) {
        if (size < 0 || size > heap.maxAllocBytes) {
            if (mode == Mode.POSIX) {
                setErrno(Errno.ENOMEM);
            }
            return NULL;
        }
        if (alignmentBytes > heap.maxAllocBytes) {
            setErrno(Errno.ENOMEM); // the sbrk for such an alignment fails in both modes
            return NULL;
        }
        long p = heap.allocate(op, alignmentBytes, payloadBytes(size), size);
        if (p == NULL && (mode == Mode.POSIX || heap.lastFailureAtSource())) {
            setErrno(Errno.ENOMEM);
        }
        return p;
    }

    /** emmalloc_memalign: NULL (errno untouched) for an alignment that is not a power of two; 0 counts as one. */
    private long emscriptenMemalign(String op, long alignmentBytes, long size) {
        if ((alignmentBytes & (alignmentBytes - 1)) != 0) {
            return NULL;
        }
        long alignment = alignmentBytes < 0 ? Long.MAX_VALUE : Math.max(alignmentBytes, heap.mallocAlignment);
        return allocateBlock(op, alignment, size);
    }

    private long reallocLocked(String op, long ptr, long size) {
        if (ptr == NULL) {
            return allocateBlock(op, heap.mallocAlignment, size);
        }
        Used b = heap.requireLiveBlock(op, ptr);
        long request = size;
        if (size == 0) {
            if (reallocZeroPolicy == ReallocZeroPolicy.FREE_AND_RETURN_NULL) {
                heap.free(op, b);
                autoTrim();
                return NULL;
            }
            request = 0; // a minimum block, resized like any other
        }
        if (request < 0 || request > heap.maxAllocBytes) {
            if (mode == Mode.POSIX) {
                setErrno(Errno.ENOMEM);
            }
            return NULL;
        }
        long oldUsable = heap.usableBytes(b);
        if (heap.resizeInPlace(op, b, payloadBytes(request) + heap.headerBytes, request)) {
            autoTrim();
            return ptr;
        }
        long q = allocateBlock(op, heap.mallocAlignment, request);
        if (q == NULL) {
            return NULL;
        }
        heap.memory().copy(q, ptr, Math.min(oldUsable, request));
        heap.free(op, heap.requireLiveBlock(op, ptr));
        autoTrim();
        return q;
    }

    /** The payload size for a request: at least two words, a multiple of the word, room for the debug canary. */
    private long payloadBytes(long size) {
        long n = heap.debug() ? size + EmmallocHeap.CANARY_BYTES : size;
        long w = heap.w;
        return Math.max(2 * w, (n + w - 1) & -w);
    }

    private void autoTrim() {
        if (trimThresholdBytes != NO_AUTO_TRIM && heap.topFreeBytes() >= trimThresholdBytes) {
            heap.trim("trim", trimPadBytes);
        }
    }

    /** {@code count * size} in a size_t of the heap's word size, wrapping as C does; -1 when either is not a size_t. */
    private long wrappedProduct(long count, long size) {
        if (heap.w == 4) {
            if (count < 0 || count > 0xFFFF_FFFFL || size < 0 || size > 0xFFFF_FFFFL) {
                return -1;
            }
            return (count * size) & 0xFFFF_FFFFL;
        }
        return count * size; // wraps modulo 2^64; a result with the top bit set reads as too large
    }

    private static long multiplyOrMinusOne(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? -1 : low;
    }

    private static boolean isPowerOfTwo(long x) {
        return x > 0 && (x & (x - 1)) == 0;
    }

    private void setErrno(Errno e) {
        errno.set(e);
    }
}
