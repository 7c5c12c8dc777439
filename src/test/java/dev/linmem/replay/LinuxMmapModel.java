package dev.linmem.replay;

import dev.linmem.space.Errno;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reference model of where Linux (x86-64, the default top-down mmap layout) places anonymous
 * mappings, for synthetic recordings: only addresses, no contents, no protections.
 *
 * <h2>Layout</h2>
 * <pre>
 *   MIN_ADDRESS                                     mmapBase          TASK_SIZE (2^47)
 *   |  ... free ...  [C ][ B  ]   [    A    ]       |   (stack, not modelled) |
 *                    &lt;-- new mappings are placed top-down, below mmapBase
 * </pre>
 * Mappings are kept as {@code start -> end} (bytes, half-open, page-aligned), one entry per
 * mapping the program made; adjacent mappings are not merged (Linux merges compatible anonymous
 * VMAs, but a merged VMA grows in place exactly when the pages after the grown part are free,
 * which is what this model checks, so merging changes no answer here).
 *
 * <h2>Invariants</h2>
 * Entries are page-aligned, non-empty, disjoint, and lie in {@code [MIN_ADDRESS, mmapBase)}.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>mmap(NULL, len): the highest gap below {@code mmapBase} that holds {@code len}; the
 *       mapping takes the top of it (the kernel's top-down unmapped-area search).</li>
 *   <li>mremap(old, oldLen, newLen, flags): shrinking keeps the address and frees the tail;
 *       growing stays in place when the pages after the mapping are free; otherwise, with
 *       MREMAP_MAYMOVE, a new range is chosen by step 1 <em>while the old one is still
 *       mapped</em>, then the old one is unmapped; without it the call fails with ENOMEM.</li>
 *   <li>munmap(addr, len): frees every mapped page in the range; mappings it cuts are split.</li>
 * </ol>
 * The consequence the study is about: a block that mremap moves usually lands right below its
 * old place, which the move then frees, so it can grow upward into it again.
 *
 * <h2>References</h2>
 * Linux mm/mmap.c (the top-down unmapped-area search), mm/mremap.c (expand in place, else move
 * to a fresh range from the same search); read for behaviour, nothing copied.
 */
final class LinuxMmapModel {

    static final long PAGE_BYTES = 4096;
    /** The top of a 47-bit user address space. */
    static final long TASK_SIZE = 1L << 47;
    /** The lowest address mmap hands out (Linux's default {@code mmap_min_addr}). */
    static final long MIN_ADDRESS = 0x10000;

    private final long mmapBase;
    private final TreeMap<Long, Long> mappings = new TreeMap<>();

    /** A model whose mmap area starts just below {@code mmapBase} (page-aligned, below TASK_SIZE). */
    LinuxMmapModel(long mmapBase) {
        if (mmapBase % PAGE_BYTES != 0 || mmapBase <= MIN_ADDRESS || mmapBase > TASK_SIZE) {
            throw new IllegalArgumentException("bad mmap base: 0x" + Long.toHexString(mmapBase));
        }
        this.mmapBase = mmapBase;
    }

    /** A model with the mmap base where a typical x86-64 process has it (128 MiB of stack gap, no randomisation). */
    LinuxMmapModel() {
        this(TASK_SIZE - (128L << 20) - (1L << 30));
    }

    long mmapBase() {
        return mmapBase;
    }

    /** mmap(NULL, lengthBytes) of anonymous memory: the address, or -ENOMEM. */
    long mmap(long lengthBytes) {
        long len = pages(lengthBytes);
        if (len <= 0) {
            return Errno.EINVAL.result();
        }
        long at = highestFit(len);
        if (at < 0) {
            return Errno.ENOMEM.result();
        }
        mappings.put(at, at + len);
        return at;
    }

    /** munmap(addr, lengthBytes): 0, or -EINVAL for a misaligned address or an empty length. */
    long munmap(long addr, long lengthBytes) {
        long len = pages(lengthBytes);
        if (addr % PAGE_BYTES != 0 || len <= 0) {
            return Errno.EINVAL.result();
        }
        free(addr, addr + len);
        return 0;
    }

    /**
     * mremap(oldAddr, oldLengthBytes, newLengthBytes, mayMove ? MREMAP_MAYMOVE : 0): the new
     * address, or -EFAULT when the old range is not the end part of one mapping, or -ENOMEM.
     */
    long mremap(long oldAddr, long oldLengthBytes, long newLengthBytes, boolean mayMove) {
        long oldLen = pages(oldLengthBytes);
        long newLen = pages(newLengthBytes);
        Map.Entry<Long, Long> m = mappings.floorEntry(oldAddr);
        if (oldAddr % PAGE_BYTES != 0 || newLen <= 0 || m == null || m.getValue() != oldAddr + oldLen) {
            return Errno.EFAULT.result();
        }
        long oldEnd = oldAddr + oldLen;
        if (newLen <= oldLen) {
            free(oldAddr + newLen, oldEnd);
            return oldAddr;
        }
        if (isFree(oldEnd, oldAddr + newLen)) {
            mappings.put(m.getKey(), oldAddr + newLen);
            return oldAddr;
        }
        if (!mayMove) {
            return Errno.ENOMEM.result();
        }
        long moved = highestFit(newLen);
        if (moved < 0) {
            return Errno.ENOMEM.result();
        }
        mappings.put(moved, moved + newLen);
        free(oldAddr, oldEnd);
        return moved;
    }

    /** True when no mapping intersects {@code [start, end)}. */
    boolean isFree(long start, long end) {
        if (end > mmapBase) {
            return false;
        }
        Map.Entry<Long, Long> below = mappings.lowerEntry(end);
        return below == null || below.getValue() <= start;
    }

    /** The mapped bytes. */
    long mappedBytes() {
        long n = 0;
        for (Map.Entry<Long, Long> e : mappings.entrySet()) {
            n += e.getValue() - e.getKey();
        }
        return n;
    }

    /**
     * The {@code pageCount} pages from {@code startAddress} drawn one character per page:
     * {@code '.'} free, otherwise the letter of the mapping ({@code 'A'} for the lowest mapping
     * that intersects the picture, then {@code 'B'}, ...).
     */
    String picture(long startAddress, int pageCount) {
        StringBuilder sb = new StringBuilder();
        char letter = 'A' - 1;
        long current = -1;
        for (int i = 0; i < pageCount; i++) {
            long page = startAddress + i * PAGE_BYTES;
            Map.Entry<Long, Long> m = mappings.floorEntry(page);
            if (m == null || m.getValue() <= page) {
                sb.append('.');
                continue;
            }
            if (m.getKey() != current) {
                current = m.getKey();
                letter++;
            }
            sb.append(letter);
        }
        return sb.toString();
    }

    /** Checks the invariants; throws IllegalStateException naming the first broken one. */
    void checkInvariants() {
        long previousEnd = MIN_ADDRESS;
        for (Map.Entry<Long, Long> e : mappings.entrySet()) {
            long s = e.getKey();
            long t = e.getValue();
            if (s % PAGE_BYTES != 0 || t % PAGE_BYTES != 0 || t <= s) {
                throw new IllegalStateException("bad mapping " + hex(s) + ".." + hex(t));
            }
            if (s < previousEnd) {
                throw new IllegalStateException("mapping at " + hex(s) + " overlaps or lies below the previous");
            }
            previousEnd = t;
        }
        if (previousEnd > mmapBase) {
            throw new IllegalStateException("a mapping ends above the mmap base at " + hex(previousEnd));
        }
    }

    /** The start of the top {@code lengthBytes} of the highest gap holding them, or -1. */
    private long highestFit(long lengthBytes) {
        long gapEnd = mmapBase;
        for (Map.Entry<Long, Long> e : mappings.descendingMap().entrySet()) {
            if (gapEnd - e.getValue() >= lengthBytes) {
                return gapEnd - lengthBytes;
            }
            gapEnd = e.getKey();
        }
        return gapEnd - MIN_ADDRESS >= lengthBytes ? gapEnd - lengthBytes : -1;
    }

    /** Unmaps every mapped byte of {@code [start, end)}, splitting mappings it cuts. */
    private void free(long start, long end) {
        if (end <= start) {
            return;
        }
        Map.Entry<Long, Long> first = mappings.lowerEntry(start);
        if (first != null && first.getValue() > start) {
            mappings.put(first.getKey(), start);
            if (first.getValue() > end) {
                mappings.put(end, first.getValue());
            }
        }
        Long key = mappings.ceilingKey(start);
        while (key != null && key < end) {
            long mappingEnd = mappings.remove(key);
            if (mappingEnd > end) {
                mappings.put(end, mappingEnd);
            }
            key = mappings.higherKey(key);
        }
    }

    private static long pages(long lengthBytes) {
        return (lengthBytes + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
    }

    private static String hex(long a) {
        return "0x" + Long.toHexString(a);
    }
}
