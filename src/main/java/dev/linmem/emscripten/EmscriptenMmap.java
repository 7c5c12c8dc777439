package dev.linmem.emscripten;

import dev.linmem.alloc.Allocator;
import dev.linmem.alloc.Dlmalloc;
import dev.linmem.alloc.Emmalloc;
import dev.linmem.alloc.HeapCorruptionException;
import dev.linmem.alloc.HeapSource;
import dev.linmem.memory.AddressType;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.Errno;
import dev.linmem.space.MappingInfo;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.Mman;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The EMSCRIPTEN profile: Emscripten's emulation of the mmap family over its malloc heap,
 * reproduced call for call, because every comparison in linmem is made against it.
 *
 * <h2>Layout</h2>
 * An anonymous mapping of {@code length} bytes is one block of the malloc heap, obtained with
 * {@code memalign(65536, length + sizeof(struct map))}; Emscripten's bookkeeping node lives in
 * the block's last bytes, right after the mapping, and the nodes form a singly linked list,
 * newest first:
 * <pre>
 *   ptr (64 KiB aligned)                  ptr + length
 *   | mapping: length bytes, cleared     | struct map (40 bytes on wasm32)            | slack |
 *                                        | addr len allocated fd flags pad offset prot next |
 *                                        |  +0   +4    +8     +12  +16       +24    +32  +36 |
 * </pre>
 * On memory64 the node is 56 bytes (8-byte pointers and longs). The list head, a static
 * variable in Emscripten, is a field here.
 *
 * <h2>Invariants</h2> ({@link #checkInvariants()})
 * <ol>
 *   <li>The in-band list, walked from the head, names exactly the live mappings, newest first,
 *       and every node holds its mapping's address, length, flags, offset and protection.</li>
 *   <li>Every mapping is a live block of the allocator, 64 KiB aligned, with room for the
 *       mapping and its node.</li>
 *   <li>Counters (mapped bytes, zero-length mappings, leaked bytes) equal what the mappings hold.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <b>mmap(addr, length, prot, flags, fd, offset)</b>, musl's wrapper then Emscripten's syscall:
 * <ol>
 *   <li>An offset that is not a multiple of 4 KiB (musl's mmap2 unit) is EINVAL.</li>
 *   <li>A length at or above {@code PTRDIFF_MAX} is ENOMEM (musl).</li>
 *   <li>Any non-NULL address, hint or {@code MAP_FIXED}, is EINVAL; with a NULL address
 *       {@code MAP_FIXED} is not looked at and the call succeeds anywhere.</li>
 *   <li>Without {@code MAP_ANONYMOUS}: EBADF for fd -1, else ENODEV (file mappings are not
 *       modelled). Flags and protection are otherwise not checked.</li>
 *   <li>{@code memalign(65536, length + node)}; NULL is ENOMEM. Clear the first {@code length}
 *       bytes (always, even when the heap's memory is fresh and already zero), write the node
 *       after them, push it on the list. Length 0 succeeds too.</li>
 * </ol>
 * <b>munmap(addr, length)</b>: find the mapping whose address is exactly {@code addr}; if none,
 * or {@code length} is 0, or {@code length} differs from the mapped length, EINVAL and nothing
 * is freed. Otherwise unlink its node and free the block. So a mapping of length 0 can never be
 * unmapped, and no part of a mapping can be given back alone.
 * <br><b>mremap</b>: ENOMEM, always (musl's own check first gives ENOMEM too).
 * <b>mprotect</b>, <b>madvise</b>: 0, and nothing happens: in particular
 * {@code MADV_DONTNEED} leaves the contents as they were.
 *
 * <h2>References</h2>
 * Emscripten {@code system/lib/libc/emscripten_mmap.c} ({@code __syscall_mmap2},
 * {@code __syscall_munmap}, {@code struct map}), {@code system/lib/libc/emscripten_syscall_stubs.c}
 * (mremap, mprotect, madvise), musl {@code src/mman/mmap.c} and {@code mremap.c}; Emscripten's
 * tests {@code test/core/test_mmap_anon.c}; docs/semantics.md, section EMSCRIPTEN.
 *
 * <p>Thread-safe: one lock, as Emscripten's list lock; the allocator has its own.
 */
public final class EmscriptenMmap implements MemoryMapper {

    /** Emscripten's {@code getpagesize()} and the alignment of every mapping: one wasm page. */
    public static final long PAGE_BYTES = LinearMemory.PAGE_BYTES;

    /** musl passes offsets to mmap2 in units of this many bytes; others are EINVAL. */
    static final long MMAP2_UNIT_BYTES = 4096;

    /** Which malloc Emscripten was linked with ({@code -sMALLOC=}). */
    public enum Malloc {
        /** {@code -sMALLOC=dlmalloc}, Emscripten's default: dlmalloc without mmap and trimming. */
        DLMALLOC,
        /** {@code -sMALLOC=emmalloc}. */
        EMMALLOC
    }

    /** One live mapping, mirrored from its in-band node. */
    private static final class Mapping {
        final long address;
        final long lengthBytes;
        final int prot;
        final int flags;
        final long offset;
        final long id;
        /** Parts some refused munmap named, start to end, merged. */
        final TreeMap<Long, Long> refused = new TreeMap<>();
        long refusedBytes;

        Mapping(long address, long lengthBytes, int prot, int flags, long offset, long id) {
            this.address = address;
            this.lengthBytes = lengthBytes;
            this.prot = prot;
            this.flags = flags;
            this.offset = offset;
            this.id = id;
        }

        long end() {
            return address + lengthBytes;
        }
    }

    private final Allocator allocator;
    private final LinearMemory memory;
    private final int w;
    private final long nodeBytes;
    private final long ptrdiffMax;
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    private long listHead;
    private long nextId = 1;

    private long mappedBytes;
    private long peakMappedBytes;
    private long bytesZeroed;
    private long refusedUnmaps;
    private long leakedBytes;
    private int unmappableMappings;
    private long failedMmaps;

    private EmscriptenMmap(Allocator allocator) {
        if (allocator == null) {
            throw new IllegalArgumentException("allocator must not be null");
        }
        this.allocator = allocator;
        this.memory = allocator.memory();
        this.w = memory.type().addressType() == AddressType.I32 ? 4 : 8;
        this.nodeBytes = w == 4 ? 40 : 56;
        this.ptrdiffMax = w == 4 ? Integer.MAX_VALUE : Long.MAX_VALUE;
    }

    /** Emscripten's mmap over {@code allocator}'s heap. */
    public static EmscriptenMmap over(Allocator allocator) {
        return new EmscriptenMmap(allocator);
    }

    /** As an Emscripten program linked with {@code malloc}: the heap on Emscripten's sbrk over {@code memory}. */
    public static EmscriptenMmap create(LinearMemory memory, Malloc malloc) {
        HeapSource source = HeapSource.emscriptenSbrk(memory);
        Allocator heap = malloc == Malloc.EMMALLOC ? Emmalloc.emscripten(source)
                : Dlmalloc.builder(source).emscripten().build();
        return new EmscriptenMmap(heap);
    }

    /** As Emscripten by default: dlmalloc in Emscripten's configuration over {@code memory}. */
    public static EmscriptenMmap create(LinearMemory memory) {
        return create(memory, Malloc.DLMALLOC);
    }

    /** The heap the mappings come from. */
    public Allocator allocator() {
        return allocator;
    }

    @Override
    public LinearMemory memory() {
        return memory;
    }

    @Override
    public long pageSizeBytes() {
        return PAGE_BYTES;
    }

    /** {@code sizeof(struct map)}: the bookkeeping bytes after each mapping. */
    public long nodeBytes() {
        return nodeBytes;
    }

    @Override
    public synchronized long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        if (offset < 0 || offset % MMAP2_UNIT_BYTES != 0 || (w == 4 && offset >= 1L << 44)) {
            return Errno.EINVAL.result();
        }
        if (length < 0 || length >= ptrdiffMax) {
            return Errno.ENOMEM.result();
        }
        if (addr != 0) {
            return Errno.EINVAL.result();
        }
        if ((flags & Mman.MAP_ANONYMOUS) == 0) {
            return fd == -1 ? Errno.EBADF.result() : Errno.ENODEV.result();
        }
        long ptr = allocator.memalign(PAGE_BYTES, length + nodeBytes);
        if (ptr == Allocator.NULL) {
            failedMmaps++;
            return Errno.ENOMEM.result();
        }
        memory.fill(ptr, length, (byte) 0);
        bytesZeroed += length;
        Mapping m = new Mapping(ptr, length, prot, flags, offset, nextId++);
        writeNode(m, listHead);
        listHead = m.end();
        mappings.put(ptr, m);
        mappedBytes += length;
        peakMappedBytes = Math.max(peakMappedBytes, mappedBytes);
        if (length == 0) {
            unmappableMappings++;
        }
        return ptr;
    }

    @Override
    public synchronized long munmap(long addr, long length) {
        Mapping m = mappings.get(addr);
        if (m == null || length == 0 || length != m.lengthBytes) {
            refuse(addr, length);
            return Errno.EINVAL.result();
        }
        long previousNode = requireListed(m);
        long next = readWord(m.end() + nextOffset());
        if (previousNode == 0) {
            listHead = next;
        } else {
            writeWord(previousNode + nextOffset(), next);
        }
        mappings.remove(addr);
        mappedBytes -= m.lengthBytes;
        leakedBytes -= m.refusedBytes;
        allocator.free(addr);
        return 0;
    }

    /** Emscripten has no mremap of its own: ENOMEM, whatever the arguments. */
    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        return Errno.ENOMEM.result();
    }

    /** Emscripten's mprotect: 0, and nothing changes ("let's not and say we did"). */
    @Override
    public long mprotect(long addr, long length, int prot) {
        return 0;
    }

    /** Emscripten's madvise: 0, and nothing changes; {@code MADV_DONTNEED} does not clear. */
    @Override
    public long madvise(long addr, long length, int advice) {
        return 0;
    }

    /** The live mappings in address order, as {@code /proc/self/maps} would list them (exact lengths). */
    public synchronized List<MappingInfo> mappings() {
        List<MappingInfo> list = new ArrayList<>(mappings.size());
        for (Mapping m : mappings.values()) {
            list.add(new MappingInfo(m.address, m.end(), m.prot, m.id));
        }
        return list;
    }

    /** A snapshot of the statistics. */
    public synchronized EmscriptenMmapStats stats() {
        long heapBlockBytes = 0;
        for (Mapping m : mappings.values()) {
            heapBlockBytes += allocator.usableSize(m.address);
        }
        return new EmscriptenMmapStats(mappedBytes, mappings.size(), peakMappedBytes, heapBlockBytes,
                nodeBytes * mappings.size(), bytesZeroed, refusedUnmaps, leakedBytes, unmappableMappings,
                failedMmaps, memory.sizeBytes());
    }

    @Override
    public synchronized void checkInvariants() {
        long node = listHead;
        long previousId = Long.MAX_VALUE;
        int listed = 0;
        while (node != 0) {
            Mapping m = mappings.get(node - readLengthAt(node));
            if (m == null || m.end() != node || ++listed > mappings.size()) {
                throw new IllegalStateException("mapping list node at 0x" + Long.toHexString(node)
                        + (m == null ? " names no live mapping" : listed > mappings.size() ? " repeats (a cycle)" : " is misplaced"));
            }
            if (m.id >= previousId) {
                throw new IllegalStateException("mapping list is not newest first at mapping #" + m.id);
            }
            previousId = m.id;
            requireNode(m);
            node = readWord(node + nextOffset());
        }
        if (listed != mappings.size()) {
            throw new IllegalStateException("mapping list names " + listed + " of " + mappings.size() + " mappings");
        }
        long mapped = 0;
        long leaked = 0;
        int zeroLength = 0;
        for (Mapping m : mappings.values()) {
            if (m.address % PAGE_BYTES != 0) {
                throw new IllegalStateException("mapping 0x" + Long.toHexString(m.address) + " is not 64 KiB aligned");
            }
            if (allocator.usableSize(m.address) < m.lengthBytes + nodeBytes) {
                throw new IllegalStateException("mapping 0x" + Long.toHexString(m.address)
                        + " does not fit its heap block");
            }
            mapped += m.lengthBytes;
            leaked += m.refusedBytes;
            zeroLength += m.lengthBytes == 0 ? 1 : 0;
        }
        if (mapped != mappedBytes || leaked != leakedBytes || zeroLength != unmappableMappings) {
            throw new IllegalStateException("counters disagree with the mappings: mapped " + mappedBytes + " vs "
                    + mapped + ", leaked " + leakedBytes + " vs " + leaked + ", zero-length "
                    + unmappableMappings + " vs " + zeroLength);
        }
        allocator.checkInvariants();
    }

    @Override
    public String toString() {
        return "emscripten-mmap(" + allocator + ")";
    }

    // ---------------------------------------------------------------- struct map in the linear memory

    private long lengthOffset() {
        return w;
    }

    private long allocatedOffset() {
        return 2L * w;
    }

    private long fdOffset() {
        return 2L * w + 4;
    }

    private long flagsOffset() {
        return 2L * w + 8;
    }

    private long offsetOffset() {
        return 2L * w + 16;
    }

    private long protOffset() {
        return 2L * w + 24;
    }

    private long nextOffset() {
        return w == 4 ? 36 : 48;
    }

    private long readWord(long address) {
        return w == 4 ? memory.getI32(address) & 0xFFFF_FFFFL : memory.getI64(address);
    }

    private void writeWord(long address, long value) {
        if (w == 4) {
            memory.putI32(address, (int) value);
        } else {
            memory.putI64(address, value);
        }
    }

    /** The length field of the node at {@code node}, or -1 when the node lies outside the memory. */
    private long readLengthAt(long node) {
        if (node < 0 || node > memory.sizeBytes() - nodeBytes) {
            return -1;
        }
        return readWord(node + lengthOffset());
    }

    private void writeNode(Mapping m, long next) {
        long node = m.end();
        writeWord(node, m.address);
        writeWord(node + lengthOffset(), m.lengthBytes);
        memory.putI32(node + allocatedOffset(), 1);
        memory.putI32(node + fdOffset(), -1);
        memory.putI32(node + flagsOffset(), m.flags);
        memory.putI32(node + flagsOffset() + 4, 0);
        memory.putI64(node + offsetOffset(), m.offset);
        memory.putI32(node + protOffset(), m.prot);
        if (w == 8) {
            memory.putI32(node + protOffset() + 4, 0);
        }
        writeWord(node + nextOffset(), next);
    }

    /** Checks the node of {@code m} against the mirror; the program may have overrun its mapping into it. */
    private void requireNode(Mapping m) {
        long node = m.end();
        if (readWord(node) != m.address || readWord(node + lengthOffset()) != m.lengthBytes
                || memory.getI32(node + allocatedOffset()) != 1 || memory.getI32(node + fdOffset()) != -1
                || memory.getI32(node + flagsOffset()) != m.flags || memory.getI64(node + offsetOffset()) != m.offset
                || memory.getI32(node + protOffset()) != m.prot) {
            throw new HeapCorruptionException("munmap: the struct map after the mapping at 0x"
                    + Long.toHexString(m.address) + " (length " + m.lengthBytes + ") was overwritten", m.address);
        }
    }

    /** The node before {@code m}'s in the list (0 when it is the head), after checking every node on the way. */
    private long requireListed(Mapping m) {
        long previous = 0;
        long node = listHead;
        for (int steps = 0; node != m.end(); steps++) {
            Mapping at = node == 0 ? null : mappings.get(node - readLengthAt(node));
            if (at == null || at.end() != node || steps >= mappings.size()) {
                throw new HeapCorruptionException("munmap: the mapping list is broken at 0x" + Long.toHexString(node)
                        + " before it reaches the mapping at 0x" + Long.toHexString(m.address), m.address);
            }
            requireNode(at);
            previous = node;
            node = readWord(node + nextOffset());
        }
        requireNode(m);
        return previous;
    }

    /** Counts a refused munmap and marks the live mapping bytes it named as leaked. */
    private void refuse(long addr, long length) {
        refusedUnmaps++;
        if (length <= 0 || addr < 0) {
            return;
        }
        long end = addr + length < addr ? Long.MAX_VALUE : addr + length;
        Map.Entry<Long, Mapping> first = mappings.floorEntry(addr);
        long from = first != null && first.getValue().end() > addr ? first.getKey() : addr;
        for (Mapping m : mappings.subMap(from, true, end, false).values()) {
            long start = Math.max(addr, m.address);
            long stop = Math.min(end, m.end());
            if (start < stop) {
                long added = addRange(m.refused, start, stop);
                m.refusedBytes += added;
                leakedBytes += added;
            }
        }
    }

    /** Adds {@code [start, stop)} to a set of disjoint ranges; returns the bytes newly covered. */
    private static long addRange(TreeMap<Long, Long> ranges, long start, long stop) {
        long newStart = start;
        long newStop = stop;
        long covered = 0;
        Map.Entry<Long, Long> below = ranges.floorEntry(start);
        if (below != null && below.getValue() >= start) {
            newStart = below.getKey();
        }
        for (Map.Entry<Long, Long> e : new ArrayList<>(ranges.subMap(newStart, true, stop, true).entrySet())) {
            long overlapStart = Math.max(e.getKey(), start);
            long overlapStop = Math.min(e.getValue(), stop);
            covered += Math.max(0, overlapStop - overlapStart);
            newStop = Math.max(newStop, e.getValue());
            ranges.remove(e.getKey());
        }
        ranges.put(newStart, newStop);
        return (stop - start) - covered;
    }
}
