package dev.linmem.replay;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.Mman;
import java.util.BitSet;
import java.util.TreeMap;

/**
 * A small test mapper with 4 KiB pages over a real LinearMemory: pages above {@code BASE} are
 * free or owned by a mapping id. {@link Mode#LINUX_LIKE} places first fit, honours free hints,
 * allows partial munmaps and grows mremaps in place when the next pages are free;
 * {@link Mode#EMSCRIPTEN_LIKE} refuses any address (EINVAL), any munmap that is not a whole
 * mapping (EINVAL) and every mremap (ENOMEM), as Emscripten's emulation does.
 */
final class PageMapper implements MemoryMapper {

    enum Mode { LINUX_LIKE, EMSCRIPTEN_LIKE }

    static final long PAGE = 4096;
    static final long BASE = 65536;

    private final Mode mode;
    private final LinearMemory memory = LinearMemory.create(MemoryType.i32(1));
    private final BitSet used = new BitSet();
    /** Emscripten-like: whole mappings by start. */
    private final TreeMap<Long, Long> wholeMappings = new TreeMap<>();
    long clearedBytes;

    PageMapper(Mode mode) {
        this.mode = mode;
    }

    @Override
    public LinearMemory memory() {
        return memory;
    }

    @Override
    public long pageSizeBytes() {
        return PAGE;
    }

    private static int page(long address) {
        return (int) ((address - BASE) / PAGE);
    }

    private static long address(int page) {
        return BASE + page * PAGE;
    }

    private static int pages(long length) {
        return (int) ((length + PAGE - 1) / PAGE);
    }

    private boolean free(int from, int count) {
        return from >= 0 && used.get(from, from + count).isEmpty();
    }

    private long take(int from, int count) {
        long end = address(from + count);
        if (end > memory.sizeBytes()) {
            long grow = (end - memory.sizeBytes() + LinearMemory.PAGE_BYTES - 1) / LinearMemory.PAGE_BYTES;
            if (memory.grow(grow) < 0) {
                return Errno.ENOMEM.result();
            }
        }
        used.set(from, from + count);
        memory.fill(address(from), count * PAGE, (byte) 0);
        clearedBytes += count * PAGE;
        return address(from);
    }

    private int firstFit(int count) {
        int from = 0;
        while (true) {
            int next = used.nextSetBit(from);
            if (next < 0 || next - from >= count) {
                return from;
            }
            from = used.nextClearBit(next);
        }
    }

    @Override
    public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        if (length <= 0) {
            return Errno.EINVAL.result();
        }
        int count = pages(length);
        if (mode == Mode.EMSCRIPTEN_LIKE) {
            if (addr != 0) {
                return Errno.EINVAL.result();
            }
            long r = take(firstFit(count + 1) + 1, count);
            if (!Errno.isError(r)) {
                wholeMappings.put(r, count * PAGE);
            }
            return r;
        }
        if ((flags & Mman.MAP_FIXED) != 0) {
            if (addr < BASE || (addr - BASE) % PAGE != 0) {
                return Errno.EINVAL.result();
            }
            used.clear(page(addr), page(addr) + count);
            return take(page(addr), count);
        }
        if (addr >= BASE && (addr - BASE) % PAGE == 0 && free(page(addr), count)) {
            return take(page(addr), count);
        }
        return take(firstFit(count), count);
    }

    @Override
    public long munmap(long addr, long length) {
        if (addr < BASE || (addr - BASE) % PAGE != 0 || length <= 0) {
            return Errno.EINVAL.result();
        }
        int count = pages(length);
        if (mode == Mode.EMSCRIPTEN_LIKE) {
            Long whole = wholeMappings.get(addr);
            if (whole == null || whole != count * PAGE) {
                return Errno.EINVAL.result();
            }
            wholeMappings.remove(addr);
        }
        used.clear(page(addr), page(addr) + count);
        return 0;
    }

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        if (mode == Mode.EMSCRIPTEN_LIKE) {
            return Errno.ENOMEM.result();
        }
        int from = page(oldAddr);
        int oldCount = pages(oldLength);
        int newCount = pages(newLength);
        if (used.get(from, from + oldCount).cardinality() != oldCount) {
            return Errno.EFAULT.result();
        }
        if (newCount <= oldCount) {
            used.clear(from + newCount, from + oldCount);
            return oldAddr;
        }
        if (free(from + oldCount, newCount - oldCount)) {
            take(from + oldCount, newCount - oldCount);
            return oldAddr;
        }
        if ((flags & Mman.MREMAP_MAYMOVE) == 0) {
            return Errno.ENOMEM.result();
        }
        used.clear(from, from + oldCount);
        int to = firstFit(newCount);
        long r = take(to, newCount);
        memory.copy(r, oldAddr, oldCount * PAGE);
        return r;
    }

    @Override
    public long mprotect(long addr, long length, int prot) {
        return 0;
    }

    @Override
    public long madvise(long addr, long length, int advice) {
        return 0;
    }

    /** Pages in use. */
    long usedPages() {
        return used.cardinality();
    }

    @Override
    public void checkInvariants() {
        if (address(used.length()) > Math.max(BASE, memory.sizeBytes())) {
            throw new IllegalStateException("pages in use beyond the memory");
        }
    }
}
