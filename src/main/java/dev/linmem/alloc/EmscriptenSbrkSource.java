package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.space.Errno;

/**
 * Emscripten's {@code sbrk} (system/lib/libc/sbrk.c): one break pointer over the linear memory.
 *
 * <p>Layout:
 * <pre>
 *   0 .. heapBase          static data and stack (not ours)
 *   heapBase .. break      handed out by sbrk
 *   break .. memory size   not yet handed out
 * </pre>
 *
 * <p>Invariants: {@code heapBase <= break <= memory.sizeBytes()}; {@code break} is a multiple
 * of {@link #SBRK_ALIGNMENT_BYTES} when {@code heapBase} is.
 *
 * <p>Algorithm of {@code sbrk(increment)}:
 * <ol>
 *   <li>Round the increment up to a multiple of {@link #SBRK_ALIGNMENT_BYTES}, as Emscripten
 *       does.</li>
 *   <li>Compute the new break; refuse (ENOMEM) a break below the heap base or above the
 *       address type's limit.</li>
 *   <li>If the new break passes the memory's size, grow the memory by the whole wasm pages
 *       needed ({@code emscripten_resize_heap}); a refused grow is ENOMEM with nothing
 *       changed. Emscripten may over-grow geometrically; we grow exactly what is needed, which
 *       only changes when the memory grows, not where blocks land.</li>
 *   <li>Move the break and return the old one. A negative increment only lowers the break:
 *       wasm memory never shrinks.</li>
 * </ol>
 *
 * <p>References: Emscripten {@code system/lib/libc/sbrk.c} and
 * {@code emscripten_resize_heap} in {@code src/library.js}.
 */
final class EmscriptenSbrkSource implements HeapSource {

    /** sbrk keeps the break aligned to this many bytes (Emscripten's sbrk rounds increments to 4). */
    static final long SBRK_ALIGNMENT_BYTES = 4;

    /** The lowest heap base accepted: address 0 is NULL and must never be handed out. */
    static final long MIN_HEAP_BASE = 8;

    private final LinearMemory memory;
    private final long heapBase;
    private long brk;

    EmscriptenSbrkSource(LinearMemory memory, long heapBaseAddress) {
        if (memory == null) {
            throw new IllegalArgumentException("memory must not be null");
        }
        if (heapBaseAddress < MIN_HEAP_BASE || heapBaseAddress % SBRK_ALIGNMENT_BYTES != 0) {
            throw new IllegalArgumentException("heap base 0x" + Long.toHexString(heapBaseAddress)
                    + " must be a multiple of " + SBRK_ALIGNMENT_BYTES + " and at least " + MIN_HEAP_BASE);
        }
        long limit = limitBytes(memory);
        if (heapBaseAddress > limit) {
            throw new IllegalArgumentException("heap base 0x" + Long.toHexString(heapBaseAddress)
                    + " is beyond the memory's maximum of " + limit + " bytes");
        }
        this.memory = memory;
        this.heapBase = heapBaseAddress;
        this.brk = heapBaseAddress;
    }

    /** The most bytes the memory may ever hold (its maximum pages in bytes, saturating). */
    private static long limitBytes(LinearMemory memory) {
        long pages = memory.type().effectiveMaximumPages();
        return pages > Long.MAX_VALUE / LinearMemory.PAGE_BYTES ? Long.MAX_VALUE / 2 : pages * LinearMemory.PAGE_BYTES;
    }

    @Override
    public LinearMemory memory() {
        return memory;
    }

    @Override
    public long sbrk(long incrementBytes) {
        long limit = limitBytes(memory);
        if (incrementBytes > limit || incrementBytes < -limit) {
            return Errno.ENOMEM.result();
        }
        long increment = Math.floorDiv(incrementBytes + SBRK_ALIGNMENT_BYTES - 1, SBRK_ALIGNMENT_BYTES)
                * SBRK_ALIGNMENT_BYTES;
        long oldBrk = brk;
        long newBrk = oldBrk + increment;
        if (newBrk < heapBase || newBrk > limit) {
            return Errno.ENOMEM.result();
        }
        long size = memory.sizeBytes();
        if (newBrk > size) {
            long deltaPages = (newBrk - size + LinearMemory.PAGE_BYTES - 1) / LinearMemory.PAGE_BYTES;
            if (memory.grow(deltaPages) < 0) {
                return Errno.ENOMEM.result();
            }
        }
        brk = newBrk;
        return oldBrk;
    }

    @Override
    public long breakAddress() {
        return brk;
    }

    @Override
    public long heapBaseAddress() {
        return heapBase;
    }

    @Override
    public boolean supportsMmap() {
        return false;
    }

    @Override
    public long mmapGranularityBytes() {
        return LinearMemory.PAGE_BYTES;
    }

    @Override
    public long mmap(long lengthBytes) {
        throw new UnsupportedOperationException("Emscripten's sbrk source has no mmap");
    }

    @Override
    public long munmap(long address, long lengthBytes) {
        throw new UnsupportedOperationException("Emscripten's sbrk source has no munmap");
    }

    @Override
    public String toString() {
        return "emscripten-sbrk(base 0x" + Long.toHexString(heapBase) + ", break 0x" + Long.toHexString(brk) + ")";
    }
}
