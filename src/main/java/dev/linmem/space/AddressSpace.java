package dev.linmem.space;

import static dev.linmem.space.Errno.EEXIST;
import static dev.linmem.space.Errno.EFAULT;
import static dev.linmem.space.Errno.EBADF;
import static dev.linmem.space.Errno.EINVAL;
import static dev.linmem.space.Errno.ENODEV;
import static dev.linmem.space.Errno.ENOMEM;
import static dev.linmem.space.Errno.EPERM;

import dev.linmem.memory.LinearMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux's mmap family for anonymous private memory over a {@link LinearMemory}: the LINUX
 * profile of {@link MemoryMapper}, plus a brk heap ({@link #brk}, {@link #sbrk}).
 *
 * <h2>Layout</h2>
 * <pre>
 *   0            base                     memory end (grows)                     limit
 *   |static, stack|AAAA..HHHHrrrrr..BBB.CC|...................................... |
 *    not managed   mappings, brk heap H,   free; placing a mapping here grows the
 *                  its reservation r, gaps memory by whole wasm pages
 * </pre>
 * Addresses are byte addresses in the memory; inside, everything is map pages (the granule,
 * {@link #pageSizeBytes()}). The pure range logic ({@link MappingSet}: mappings, gap index,
 * reservation) never touches memory; this facade adds memory growth, zero-fill, copying and the
 * system-call argument rules.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>The {@link MappingSet} invariants (sorted, disjoint, aligned, merge rule, gap index is
 *       the complement of mappings and reservation).</li>
 *   <li>Every mapping lies inside the current memory.</li>
 *   <li>Zero tracking: no mapped page is known zero; every page at or above the memory end is
 *       known zero (nothing can have written it); known-zero pages read zero.</li>
 *   <li>The brk heap's mapping is {@code [heapStart, roundUp(break))}, absent while the break
 *       equals the heap start.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * Every operation validates all its arguments and the map-count limit, then grows the memory if
 * needed, and only then mutates, so a failed call changes nothing (Linux is not atomic on some
 * failure paths; docs/semantics.md lists them).
 * <ol>
 *   <li>mmap: check flags, length and alignment; MAP_FIXED carves the range and maps it;
 *       MAP_FIXED_NOREPLACE fails with EEXIST on any overlap; otherwise a free hint is honoured,
 *       and else the {@link PlacementPolicy} picks a start. New pages are cleared unless known
 *       zero.</li>
 *   <li>munmap: carve the range (split at the edges, drop what is inside); freed pages are
 *       cleared now or on reuse ({@link ZeroingPolicy}).</li>
 *   <li>mremap: classify (shrink, same size, grow, FIXED move, DONTUNMAP), then shrink in place,
 *       grow in place (the pages after the mapping are free, growing the memory if the mapping
 *       ends at its top), or move: place, copy the old bytes with {@link LinearMemory#copy},
 *       clear the new tail, unmap (or, with DONTUNMAP, clear) the old range.</li>
 *   <li>mprotect: split at the edges, record the protection, merge by the merge rule.</li>
 *   <li>madvise(MADV_DONTNEED): clear the mapped pages of the range.</li>
 * </ol>
 *
 * <h2>Thread safety</h2>
 * One lock guards every operation and query; memory contents are read and written by the
 * guest without it, as in wasm.
 *
 * <h2>References</h2>
 * man 2 mmap, munmap, mremap, mprotect, madvise, brk; Linux mm/mmap.c, mm/vma.c, mm/mremap.c;
 * the cases of semantics.md sections 1.1-1.5, each a named test in AddressSpaceSemanticsTest.
 */
public final class AddressSpace implements MemoryMapper {

    /** The page size of the Linux recordings (x86-64): replays them faithfully. */
    public static final long LINUX_PAGE_BYTES = 4096;

    /** What Emscripten's {@code getpagesize()} reports, the wasm page size. */
    public static final long WASM_PAGE_BYTES = LinearMemory.PAGE_BYTES;

    private static final int KNOWN_PROT = Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC;
    private static final int MREMAP_FLAGS = Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED | Mman.MREMAP_DONTUNMAP;

    private final Object lock = new Object();
    private final LinearMemory memory;
    private final long pageBytes;
    private final int pageShift;
    private final long growthStepWasmPages;
    private final PlacementPolicy placement;
    private final ZeroingPolicy zeroing;
    private final int maxMappingCount;
    private final long heapStartPage;
    private final int heapProt = Mman.PROT_READ | Mman.PROT_WRITE;
    private final MappingSet set;
    private final PageRunSet knownZero = new PageRunSet();
    private final Context context = new Context();

    private long nextId = 1;
    /**
     * The mapping whose mremap growth with MREMAP_MAYMOVE was the latest, as that growth left it:
     * id and pages (a piece split off it keeps its id but not its extent, and is no longer the
     * realloc); id -1 before any.
     */
    private long latestReallocId = -1;
    private long latestReallocStartPage = -1;
    private long latestReallocEndPage = -1;
    private long breakAddress;
    private long bytesZeroed;
    private long bytesCopied;
    private long inPlaceGrowths;
    private long movedGrowths;
    private long peakMappedPages;

    AddressSpace(AddressSpaceBuilder b) {
        this.memory = b.memory();
        this.pageBytes = b.pageSizeBytes();
        this.pageShift = Long.numberOfTrailingZeros(pageBytes);
        this.growthStepWasmPages = b.growthStepWasmPages();
        this.placement = b.placement();
        this.zeroing = b.zeroing();
        this.maxMappingCount = b.maxMappingCount();
        long basePage = b.baseAddress() >>> pageShift;
        long limitPage = b.limitBytes() >>> pageShift;
        this.set = new MappingSet(basePage, limitPage);
        this.heapStartPage = b.brkStartAddress() >>> pageShift;
        this.breakAddress = b.brkStartAddress();
        long ceilingPage = Math.min(limitPage, heapStartPage + ((b.brkReserveBytes() + pageBytes - 1) >>> pageShift));
        set.reserveHeapArea(heapStartPage, ceilingPage);
        // Pages of the memory as it is now may hold anything; pages beyond it read zero once grown.
        knownZero.add(Math.max(basePage, memoryEndPage()), limitPage);
    }

    /** A builder for an address space over {@code memory}. */
    public static AddressSpaceBuilder builder(LinearMemory memory) {
        return new AddressSpaceBuilder(memory);
    }

    @Override
    public LinearMemory memory() {
        return memory;
    }

    @Override
    public long pageSizeBytes() {
        return pageBytes;
    }

    /** The first byte address this address space manages. */
    public long baseAddress() {
        return set.basePage() << pageShift;
    }

    /** The end of the address space: the largest memory size its type allows. */
    public long limitAddress() {
        return set.limitPage() << pageShift;
    }

    /** The placement policy in use. */
    public PlacementPolicy placement() {
        return placement;
    }

    // ------------------------------------------------------------------ mmap

    @Override
    public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        synchronized (lock) {
            long check = checkMmapArguments(length, prot, flags, fd, offset);
            if (check != 0) {
                return check;
            }
            long pages = lengthPages(length);
            if (pages < 0 || pages > set.limitPage() - set.basePage()) {
                return ENOMEM.result();
            }
            if ((flags & (Mman.MAP_FIXED | Mman.MAP_FIXED_NOREPLACE)) != 0) {
                return mmapFixed(addr, pages, prot, flags);
            }
            return mmapPlaced(addr, pages, 1, prot);
        }
    }

    /**
     * An anonymous private mapping of {@code length} bytes whose address is a multiple of
     * {@code alignmentBytes} (a power of two, at least the page size), found directly in the gap
     * index: PHP's 2 MiB chunks without mapping twice the size and trimming.
     *
     * @return the address, or {@code -errno}: EINVAL for a bad length or alignment, ENOMEM when
     *     nothing fits and the memory cannot grow
     */
    public long mmapAligned(long length, long alignmentBytes, int prot) {
        synchronized (lock) {
            if (length == 0 || alignmentBytes < pageBytes || Long.bitCount(alignmentBytes) != 1
                    || (prot & ~KNOWN_PROT) != 0) {
                return EINVAL.result();
            }
            long pages = lengthPages(length);
            long alignPages = alignmentBytes >>> pageShift;
            if (pages < 0 || pages > set.limitPage() - set.basePage() || alignPages > set.limitPage()) {
                return ENOMEM.result();
            }
            return mmapPlaced(0, pages, alignPages, prot);
        }
    }

    private long checkMmapArguments(long length, int prot, int flags, int fd, long offset) {
        if ((offset & (pageBytes - 1)) != 0 || length == 0) {
            return EINVAL.result();
        }
        int type = flags & Mman.MAP_TYPE;
        if (type != Mman.MAP_PRIVATE && type != Mman.MAP_SHARED) {
            return EINVAL.result();
        }
        if ((flags & Mman.MAP_ANONYMOUS) == 0) {
            return fd < 0 ? EBADF.result() : ENODEV.result();
        }
        if ((prot & ~KNOWN_PROT) != 0) {
            return EINVAL.result();
        }
        return 0;
    }

    private long mmapFixed(long addr, long pages, int prot, int flags) {
        if ((addr & (pageBytes - 1)) != 0) {
            return EINVAL.result();
        }
        long start = addr >>> pageShift;
        if (addr < 0 || start > set.limitPage() - pages) {
            return ENOMEM.result();
        }
        long end = start + pages;
        if (start < set.basePage()) {
            return EPERM.result();
        }
        if ((flags & Mman.MAP_FIXED_NOREPLACE) != 0) {
            if (set.firstIntersecting(start, end) != null) {
                return EEXIST.result();
            }
        } else if (touchesHeap(start, end)) {
            return EPERM.result();
        }
        if (carveWouldExceedLimit(start, end, 1) || !ensureMemory(end)) {
            return ENOMEM.result();
        }
        if (set.intersectsReservation(start, end)) {
            set.releaseReservationFrom(start);
        }
        unmapPages(start, end, ZeroingPolicy.ON_REUSE);
        insertFresh(new Mapping(start, end, prot, nextId++, 0));
        return addr;
    }

    private long mmapPlaced(long hint, long pages, long alignPages, int prot) {
        if (set.count() + 1 > maxMappingCount) {
            return ENOMEM.result();
        }
        if (hint != 0 && alignPages == 1) {
            long h = hintPage(hint);
            if (h >= set.basePage() && h <= set.limitPage() - pages && set.isFree(h, h + pages) && ensureMemory(h + pages)) {
                Mapping before = set.mappingEndingAt(h);
                int growths = 0;
                if (before != null && !before.isHeap()) {
                    growths = before.inPlaceGrowths() + 1;
                    inPlaceGrowths++;
                }
                insertFresh(new Mapping(h, h + pages, prot, nextId++, growths));
                return h << pageShift;
            }
        }
        long start = placement.place(context, pages, alignPages);
        if (start >= 0 && !placementValid(start, pages, alignPages)) {
            throw new IllegalStateException("placement " + placement.name() + " returned page " + start
                    + " for " + pages + " pages aligned to " + alignPages + ", which is not free");
        }
        if (start < 0 || !ensureMemory(start + pages)) {
            // The policy's choice needs memory we cannot get: its choice within the memory we
            // have, else the lowest fit, which needs the least growth.
            start = context.placeWithinMemory(() -> placement.place(context, pages, alignPages), pages, alignPages);
            if (start < 0) {
                start = set.gaps().lowestFit(pages, alignPages);
            }
            if (start < 0 || !ensureMemory(start + pages)) {
                return ENOMEM.result();
            }
        }
        insertFresh(new Mapping(start, start + pages, prot, nextId++, 0));
        return start << pageShift;
    }

    private boolean placementValid(long start, long pages, long alignPages) {
        return start % alignPages == 0 && start <= set.limitPage() - pages && set.isFree(start, start + pages);
    }

    private long hintPage(long hint) {
        if (hint < 0) {
            return -1;
        }
        long h = hint + pageBytes - 1;
        return h < 0 ? -1 : h >>> pageShift;
    }

    // ------------------------------------------------------------------ munmap

    @Override
    public long munmap(long addr, long length) {
        synchronized (lock) {
            if ((addr & (pageBytes - 1)) != 0 || length == 0) {
                return EINVAL.result();
            }
            long pages = lengthPages(length);
            long start = addr >>> pageShift;
            if (addr < 0 || pages < 0 || start > set.limitPage() - pages) {
                return EINVAL.result();
            }
            long end = start + pages;
            if (start < set.basePage() || touchesHeap(start, end)) {
                return EPERM.result();
            }
            if (carveWouldExceedLimit(start, end, 0)) {
                return ENOMEM.result();
            }
            unmapPages(start, end, zeroing);
            return 0;
        }
    }

    // ------------------------------------------------------------------ mremap

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        synchronized (lock) {
            return mremapLocked(oldAddr, oldLength, newLength, flags, newAddr);
        }
    }

    private long mremapLocked(long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        boolean fixed = (flags & Mman.MREMAP_FIXED) != 0;
        boolean dontUnmap = (flags & Mman.MREMAP_DONTUNMAP) != 0;
        boolean mayMove = (flags & Mman.MREMAP_MAYMOVE) != 0;
        if ((flags & ~MREMAP_FLAGS) != 0 || (oldAddr & (pageBytes - 1)) != 0) {
            return EINVAL.result();
        }
        long newPages = lengthPages(newLength);
        if (newLength == 0 || newPages <= 0) {
            return EINVAL.result(); // MR4; a length whose round-up wraps is zero to the kernel
        }
        if (fixed || dontUnmap) {
            if ((newAddr & (pageBytes - 1)) != 0 || !mayMove || (dontUnmap && oldLength != newLength)) {
                return EINVAL.result();
            }
        }
        long oldPages = lengthPages(oldLength);
        if (oldPages < 0) {
            return EINVAL.result();
        }
        long oldStart = oldAddr >>> pageShift;
        Mapping vma = oldAddr < 0 ? null : set.mappingAt(oldStart);
        if (vma == null) {
            return EFAULT.result();
        }
        if (vma.isHeap()) {
            return EPERM.result();
        }
        if (oldPages == 0) {
            return EINVAL.result(); // MR22: a private mapping cannot be duplicated
        }
        if (oldStart > set.limitPage() - oldPages) {
            return EFAULT.result();
        }
        long oldEnd = oldStart + oldPages;
        if (fixed) {
            return mremapFixed(vma, oldStart, oldEnd, newPages, newAddr, dontUnmap);
        }
        if (newPages < oldPages) {
            return shrinkInPlace(oldStart, oldEnd, newPages);
        }
        if (oldEnd > vma.endPage()) {
            return EFAULT.result(); // MR10: the old range crosses the end of its mapping
        }
        if (newPages == oldPages) {
            return dontUnmap ? moveTo(vma, oldStart, oldEnd, newPages, -1, dontUnmap, MoveKind.SAME_SIZE) : oldAddr;
        }
        long grown = growInPlace(vma, oldStart, oldEnd, newPages, mayMove);
        if (grown >= 0 || !mayMove) {
            return grown;
        }
        return moveTo(vma, oldStart, oldEnd, newPages, -1, dontUnmap, MoveKind.GROWTH);
    }

    private long shrinkInPlace(long oldStart, long oldEnd, long newPages) {
        long cutStart = oldStart + newPages;
        if (touchesHeap(cutStart, oldEnd)) {
            return EPERM.result();
        }
        if (carveWouldExceedLimit(cutStart, oldEnd, 0)) {
            return ENOMEM.result();
        }
        unmapPages(cutStart, oldEnd, zeroing);
        return oldStart << pageShift;
    }

    private long growInPlace(Mapping vma, long oldStart, long oldEnd, long newPages, boolean mayMove) {
        long newEnd = oldStart + newPages;
        if (oldEnd != vma.endPage() || newEnd > set.limitPage() || newEnd < oldEnd
                || !set.isFree(oldEnd, newEnd) || !ensureMemory(newEnd)) {
            return ENOMEM.result();
        }
        Mapping grownVma = new Mapping(vma.startPage(), newEnd, vma.prot(), vma.id(), vma.inPlaceGrowths() + 1,
                mayMove ? newEnd - oldEnd : vma.reallocStep());
        zeroFresh(oldEnd, newEnd);
        if (mayMove) {
            latestReallocId = vma.id();
            latestReallocStartPage = vma.startPage();
            latestReallocEndPage = newEnd;
        }
        set.extend(vma, grownVma);
        notePeak();
        inPlaceGrowths++;
        return oldStart << pageShift;
    }

    private long mremapFixed(Mapping vma, long oldStart, long oldEnd, long newPages, long newAddr, boolean dontUnmap) {
        long dst = newAddr >>> pageShift;
        if (newAddr < 0 || dst > set.limitPage() - newPages) {
            return EINVAL.result();
        }
        long dstEnd = dst + newPages;
        if (dst < oldEnd && oldStart < dstEnd) {
            return EINVAL.result(); // MR7: source and destination overlap
        }
        if (dst < set.basePage() || touchesHeap(dst, dstEnd)) {
            return EPERM.result();
        }
        long keptEnd = Math.min(oldEnd, oldStart + newPages);
        if (keptEnd > vma.endPage()) {
            return EFAULT.result(); // MR10, MR20 (atomic: nothing is unmapped first)
        }
        if (oldEnd > keptEnd && touchesHeap(keptEnd, oldEnd)) {
            return EPERM.result();
        }
        MoveKind kind = newPages > oldEnd - oldStart ? MoveKind.GROWTH : MoveKind.SAME_SIZE;
        return moveTo(vma, oldStart, oldEnd, newPages, dst, dontUnmap, kind);
    }

    private enum MoveKind { SAME_SIZE, GROWTH }

    /**
     * Moves {@code [oldStart, oldEnd)} (inside {@code vma} for the first {@code newPages}) to
     * {@code dst} (-1: placed by policy). Validates the map count and memory first.
     */
    private long moveTo(Mapping vma, long oldStart, long oldEnd, long newPages, long dst, boolean dontUnmap, MoveKind kind) {
        long keptEnd = Math.min(oldEnd, oldStart + newPages);
        long copyPages = keptEnd - oldStart;
        int count = set.count();
        if (dst >= 0) {
            count = countAfterCarveTwo(dst, dst + newPages, dontUnmap ? -1 : oldStart, oldEnd);
        } else if (!dontUnmap) {
            count = set.countAfterCarve(oldStart, oldEnd);
        }
        if (count + 1 > maxMappingCount) {
            return ENOMEM.result();
        }
        long target = dst;
        if (target < 0) {
            target = kind == MoveKind.GROWTH ? placement.placeGrowing(context, newPages) : placement.place(context, newPages, 1);
            if (target >= 0 && !placementValid(target, newPages, 1)) {
                throw new IllegalStateException("placement " + placement.name() + " returned a used page " + target);
            }
            if (target < 0 || !ensureMemory(target + newPages)) {
                long pages = newPages;
                target = context.placeWithinMemory(() -> kind == MoveKind.GROWTH
                        ? placement.placeGrowing(context, pages) : placement.place(context, pages, 1), pages, 1);
                if (target < 0) {
                    target = set.gaps().lowestFit(newPages, 1);
                }
                if (target < 0 || !ensureMemory(target + newPages)) {
                    return ENOMEM.result();
                }
            }
        } else if (!ensureMemory(target + newPages)) {
            return ENOMEM.result();
        }
        long targetEnd = target + newPages;
        if (dst >= 0) {
            if (set.intersectsReservation(target, targetEnd)) {
                set.releaseReservationFrom(target);
            }
            unmapPages(target, targetEnd, ZeroingPolicy.ON_REUSE);
        }
        // Copy first: the destination is free (or just carved) and does not overlap the source.
        memory.copy(target << pageShift, oldStart << pageShift, copyPages << pageShift);
        bytesCopied += copyPages << pageShift;
        markDirty(target, target + copyPages);
        zeroFresh(target + copyPages, targetEnd);
        int growths = kind == MoveKind.GROWTH ? vma.inPlaceGrowths() + 1 : vma.inPlaceGrowths();
        if (kind == MoveKind.GROWTH) {
            latestReallocId = nextId;
            latestReallocStartPage = target;
            latestReallocEndPage = targetEnd;
        }
        set.insert(new Mapping(target, targetEnd, vma.prot(), nextId++, growths,
                kind == MoveKind.GROWTH ? newPages - (oldEnd - oldStart) : vma.reallocStep()));
        if (dontUnmap) {
            clearPages(oldStart, oldEnd);
        } else {
            unmapPages(oldStart, oldEnd, zeroing);
        }
        notePeak();
        if (kind == MoveKind.GROWTH) {
            movedGrowths++;
        }
        return target << pageShift;
    }

    /**
     * True when carving {@code [start, end)} and then adding {@code added} mappings would exceed
     * the map-count limit. A carve adds at most one mapping (a split), so the exact count is
     * looked up only near the limit.
     */
    private boolean carveWouldExceedLimit(long start, long end, int added) {
        return (long) set.count() + 1 + added > maxMappingCount
                && (long) set.countAfterCarve(start, end) + added > maxMappingCount;
    }

    /** The count after carving {@code [s1, e1)} and (unless s2 is -1) {@code [s2, e2)}, which are disjoint. */
    private int countAfterCarveTwo(long s1, long e1, long s2, long e2) {
        return s2 < 0 ? set.countAfterCarve(s1, e1) : set.countAfterCarveBoth(s1, e1, s2, e2);
    }

    // ------------------------------------------------------------------ mprotect, madvise

    @Override
    public long mprotect(long addr, long length, int prot) {
        synchronized (lock) {
            if ((addr & (pageBytes - 1)) != 0) {
                return EINVAL.result();
            }
            if (length == 0) {
                return 0; // MP2: checked before the protection bits
            }
            if ((prot & ~KNOWN_PROT) != 0) {
                return EINVAL.result();
            }
            long pages = lengthPages(length);
            long start = addr >>> pageShift;
            if (addr < 0 || pages < 0 || start > set.limitPage() - pages) {
                return ENOMEM.result();
            }
            long end = start + pages;
            if (!set.fullyMapped(start, end)) {
                return ENOMEM.result();
            }
            if (touchesHeap(start, end)) {
                return EPERM.result();
            }
            if (set.countAfterProtectSplits(start, end, prot) > maxMappingCount) {
                return ENOMEM.result();
            }
            set.protect(start, end, prot);
            return 0;
        }
    }

    @Override
    public long madvise(long addr, long length, int advice) {
        synchronized (lock) {
            if (!knownAdvice(advice) || (addr & (pageBytes - 1)) != 0) {
                return EINVAL.result();
            }
            long pages = lengthPages(length);
            long start = addr >>> pageShift;
            if (length != 0 && pages <= 0 || addr < 0) {
                return EINVAL.result(); // MA5: the end wraps
            }
            if (length == 0) {
                return 0;
            }
            if (start > set.limitPage() - pages) {
                return ENOMEM.result();
            }
            long end = start + pages;
            if (!set.fullyMapped(start, end)) {
                return ENOMEM.result(); // MA6: atomic here, Linux still advises the mapped parts
            }
            if (advice == Mman.MADV_DONTNEED) {
                clearPages(start, end);
            }
            return 0;
        }
    }

    private static boolean knownAdvice(int advice) {
        switch (advice) {
            case Mman.MADV_NORMAL:
            case Mman.MADV_RANDOM:
            case Mman.MADV_SEQUENTIAL:
            case Mman.MADV_WILLNEED:
            case Mman.MADV_DONTNEED:
            case Mman.MADV_FREE:
            case Mman.MADV_DONTFORK:
            case Mman.MADV_DOFORK:
            case Mman.MADV_MERGEABLE:
            case Mman.MADV_UNMERGEABLE:
            case Mman.MADV_HUGEPAGE:
            case Mman.MADV_NOHUGEPAGE:
            case Mman.MADV_DONTDUMP:
            case Mman.MADV_DODUMP:
                return true;
            default:
                return false;
        }
    }

    // ------------------------------------------------------------------ brk

    /** The address where the brk heap starts (its initial break). */
    public long heapStartAddress() {
        return heapStartPage << pageShift;
    }

    /** The current program break. */
    public long currentBreak() {
        synchronized (lock) {
            return breakAddress;
        }
    }

    /**
     * The brk system call: moves the program break to {@code address} and returns the new
     * break, or leaves it and returns the current break when the heap cannot grow there (the
     * pages after it are mapped, or the memory cannot grow) or {@code address} is below the heap
     * start; {@code brk(0)} queries. The heap grows and shrinks in place only; new heap pages read
     * zero. Compare the result with {@code address} to see whether it worked.
     */
    public long brk(long address) {
        synchronized (lock) {
            return brkLocked(address);
        }
    }

    /**
     * Moves the break by {@code incrementBytes} (may be negative) and returns the old break, or
     * {@code -ENOMEM} (nothing changed) when the heap cannot grow or would shrink below its start.
     * The allocators use this as their memory source.
     */
    public long sbrk(long incrementBytes) {
        synchronized (lock) {
            long old = breakAddress;
            long target = old + incrementBytes;
            if (incrementBytes > 0 ? target < old : target > old) {
                return ENOMEM.result();
            }
            if (target < heapStartAddress()) {
                return ENOMEM.result();
            }
            return brkLocked(target) == target ? old : ENOMEM.result();
        }
    }

    private long brkLocked(long address) {
        long heapStart = heapStartAddress();
        if (address < heapStart || address > set.limitPage() << pageShift) {
            return breakAddress;
        }
        long oldEnd = ceilPage(breakAddress);
        long newEnd = ceilPage(address);
        if (newEnd > oldEnd) {
            boolean newMapping = oldEnd == heapStartPage;
            if (!set.heapCanGrow(oldEnd, newEnd) || (newMapping && set.count() + 1 > maxMappingCount)
                    || !ensureMemory(newEnd)) {
                return breakAddress;
            }
            zeroFresh(oldEnd, newEnd);
            set.resizeHeap(heapStartPage, oldEnd, newEnd, heapProt);
            notePeak();
        } else if (newEnd < oldEnd) {
            freedPages(newEnd, oldEnd, zeroing);
            set.resizeHeap(heapStartPage, oldEnd, newEnd, heapProt);
        }
        breakAddress = address;
        return address;
    }

    private long ceilPage(long address) {
        return (address + pageBytes - 1) >>> pageShift;
    }

    // ------------------------------------------------------------------ page bookkeeping

    /** Inserts a new mapping over free pages, clearing those not known zero. */
    private void insertFresh(Mapping m) {
        zeroFresh(m.startPage(), m.endPage());
        set.insert(m);
        notePeak();
    }

    /** Unmaps every mapped page of the range; freed pages are cleared now (EAGER) or on reuse. */
    private void unmapPages(long start, long end, ZeroingPolicy policy) {
        if (policy == ZeroingPolicy.EAGER) {
            for (Mapping m : set.intersecting(start, end)) {
                freedPages(Math.max(start, m.startPage()), Math.min(end, m.endPage()), policy);
            }
        }
        set.carve(start, end);
    }

    private void freedPages(long start, long end, ZeroingPolicy policy) {
        if (policy == ZeroingPolicy.EAGER) {
            clearPages(start, end);
            knownZero.add(start, end);
        }
    }

    /** Pages about to be mapped: clear the ones not known zero; afterwards none is known zero. */
    private void zeroFresh(long start, long end) {
        if (start < end) {
            knownZero.removeReportingMissing(start, end, this::clearRun);
        }
    }

    /** Pages that now hold data (copied into): no longer known zero. */
    private void markDirty(long start, long end) {
        knownZero.remove(start, end);
    }

    /** Clears every page of the range that is not known zero (the pages stay not known zero). */
    private void clearPages(long start, long end) {
        knownZero.forEachMissing(start, end, this::clearRun);
    }

    private void clearRun(long start, long end) {
        long from = start << pageShift;
        long to = end << pageShift;
        long wasmFrom = (from + LinearMemory.PAGE_BYTES - 1) & -(long) LinearMemory.PAGE_BYTES;
        long wasmTo = to & -(long) LinearMemory.PAGE_BYTES;
        if (wasmTo > wasmFrom) {
            if (wasmFrom > from) {
                memory.fill(from, wasmFrom - from, (byte) 0);
            }
            memory.discard(wasmFrom, wasmTo - wasmFrom);
            if (to > wasmTo) {
                memory.fill(wasmTo, to - wasmTo, (byte) 0);
            }
        } else {
            memory.fill(from, to - from, (byte) 0);
        }
        bytesZeroed += to - from;
    }

    /** Grows the memory so that it covers page {@code endPage - 1}; false when it cannot. */
    private boolean ensureMemory(long endPage) {
        long needBytes = endPage << pageShift;
        long size = memory.sizeBytes();
        if (needBytes <= size) {
            return true;
        }
        long deltaWasmPages = (needBytes - size + LinearMemory.PAGE_BYTES - 1) >>> LinearMemory.PAGE_SHIFT;
        if (deltaWasmPages < growthStepWasmPages && memory.grow(growthStepWasmPages) >= 0) {
            return true;
        }
        return memory.grow(deltaWasmPages) >= 0;
    }

    private long memoryEndPage() {
        return Math.min(memory.sizeBytes() >>> pageShift, set.limitPage());
    }

    private boolean touchesHeap(long start, long end) {
        long heapEnd = ceilPage(breakAddress);
        return heapEnd > heapStartPage && start < heapEnd && heapStartPage < end;
    }

    private void notePeak() {
        peakMappedPages = Math.max(peakMappedPages, set.mappedPages());
    }

    /** Pages for a byte length, rounded up; -1 when the round-up overflows or the length is negative (huge). */
    private long lengthPages(long length) {
        if (length < 0 || length > Long.MAX_VALUE - pageBytes) {
            return -1;
        }
        return (length + pageBytes - 1) >>> pageShift;
    }

    // ------------------------------------------------------------------ introspection

    /** The mappings, in address order: the {@code /proc/self/maps} analogue. */
    public List<MappingInfo> mappings() {
        synchronized (lock) {
            List<MappingInfo> out = new ArrayList<>(set.count());
            for (Mapping m : set.all()) {
                out.add(new MappingInfo(m.startPage() << pageShift, m.endPage() << pageShift, m.prot(), m.id()));
            }
            return out;
        }
    }

    /** The listing as text, one {@link MappingInfo#toString()} line per mapping. */
    public String procMaps() {
        StringBuilder sb = new StringBuilder();
        for (MappingInfo m : mappings()) {
            sb.append(m).append('\n');
        }
        return sb.toString();
    }

    /** The protection of the page containing {@code address}, or -1 when it is not mapped. */
    public int protectionAt(long address) {
        synchronized (lock) {
            Mapping m = address < 0 ? null : set.mappingAt(address >>> pageShift);
            return m == null ? -1 : m.prot();
        }
    }

    /** A view of the memory that throws {@link SegmentationFault} on unmapped or forbidden accesses. */
    public CheckedMemory checkedMemory() {
        return new CheckedMemory(this);
    }

    /**
     * The first address of {@code [address, address + lengthBytes)} at or above the base that is
     * unmapped or lacks {@code requiredProt}, or -1 when the access is allowed.
     */
    long firstFaultingAddress(long address, long lengthBytes, int requiredProt) {
        synchronized (lock) {
            long base = baseAddress();
            long end = address + lengthBytes;
            for (long a = Math.max(address, base); a < end; ) {
                Mapping m = set.mappingAt(a >>> pageShift);
                if (m == null || (m.prot() & requiredProt) != requiredProt) {
                    return a;
                }
                a = m.endPage() << pageShift;
            }
            return -1;
        }
    }

    /** A snapshot of the statistics. */
    public AddressSpaceStats stats() {
        synchronized (lock) {
            long memEnd = memoryEndPage();
            long heapPages = Math.max(0, ceilPage(breakAddress) - heapStartPage);
            long managedInMemory = Math.max(0, memEnd - set.basePage());
            long reservedInMemory = Math.max(0, Math.min(memEnd, set.reservedEndPage()) - set.reservedStartPage());
            long gapPages = managedInMemory - set.mappedPages() - reservedInMemory;
            long largest = set.gaps().maxPagesBelow(memEnd);
            GapIndex.Gap top = set.gaps().gapContaining(memEnd - 1);
            if (top != null && top.endPage > memEnd) {
                largest = Math.max(set.gaps().maxPagesBelow(top.startPage), memEnd - top.startPage);
            }
            return new AddressSpaceStats((set.mappedPages() - heapPages) << pageShift, heapPages << pageShift,
                    gapPages << pageShift, largest << pageShift, set.count(), memory.sizeBytes(),
                    peakMappedPages << pageShift, bytesZeroed, bytesCopied, inPlaceGrowths, movedGrowths);
        }
    }

    @Override
    public void checkInvariants() {
        synchronized (lock) {
            set.checkInvariants();
            knownZero.checkInvariants();
            long memEnd = memoryEndPage();
            for (Mapping m : set.all()) {
                if (m.endPage() > memEnd) {
                    throw new IllegalStateException("mapping " + m + " extends beyond the memory end page " + memEnd);
                }
                if (knownZero.containsAny(m.startPage(), m.endPage())) {
                    throw new IllegalStateException("mapping " + m + " has pages recorded as known zero");
                }
            }
            if (memEnd < set.limitPage() && !knownZero.containsAll(Math.max(memEnd, set.basePage()), set.limitPage())) {
                throw new IllegalStateException("pages beyond the memory end are not all known zero");
            }
            long heapEnd = ceilPage(breakAddress);
            Mapping heap = set.mappingAt(heapStartPage);
            if (heapEnd > heapStartPage) {
                if (heap == null || !heap.isHeap() || heap.endPage() != heapEnd) {
                    throw new IllegalStateException("brk heap mapping " + heap + " does not end at the break page " + heapEnd);
                }
            } else if (heap != null && heap.isHeap()) {
                throw new IllegalStateException("empty brk heap still has a mapping " + heap);
            }
        }
    }

    /** Test support: throws when a page recorded as known zero holds a non-zero byte. */
    void checkKnownZeroContents() {
        synchronized (lock) {
            long memEnd = memoryEndPage();
            byte[] buf = new byte[(int) pageBytes];
            knownZero.forEachRun((s, e) -> {
                for (long p = s; p < Math.min(e, memEnd); p++) {
                    memory.read(p << pageShift, buf, 0, buf.length);
                    for (byte x : buf) {
                        if (x != 0) {
                            throw new IllegalStateException("known-zero page " + p + " holds data");
                        }
                    }
                }
            });
        }
    }

    /**
     * The placement context: read-only queries over this address space, used under the lock.
     * While {@link #placeWithinMemory} runs, every gap is cut at the memory's end, so a policy
     * sees only what fits without growing the memory.
     */
    private final class Context implements PlacementContext {

        /** Gaps end here for the policy: the limit, or the memory's end within {@link #placeWithinMemory}. */
        private long ceilingPage = Long.MAX_VALUE;

        /**
         * Runs {@code place} on this context cut at the memory's end; returns its start when the
         * {@code pages} it places fit below that end, else -1. A start on used pages is the
         * policy's defect and throws, as in the normal path.
         */
        long placeWithinMemory(java.util.function.LongSupplier place, long pages, long alignPages) {
            long end = memoryEndPage();
            ceilingPage = end;
            long start;
            try {
                start = place.getAsLong();
            } finally {
                ceilingPage = Long.MAX_VALUE;
            }
            if (start >= 0 && !placementValid(start, pages, alignPages)) {
                throw new IllegalStateException("placement " + placement.name() + " returned page " + start
                        + " for " + pages + " pages aligned to " + alignPages + ", which is not free");
            }
            return start >= 0 && start + pages <= end ? start : -1;
        }

        @Override
        public long basePage() {
            return set.basePage();
        }

        @Override
        public long memoryEndPage() {
            return AddressSpace.this.memoryEndPage();
        }

        @Override
        public long limitPage() {
            return Math.min(set.limitPage(), ceilingPage);
        }

        @Override
        public long pageSizeBytes() {
            return pageBytes;
        }

        @Override
        public long lowestFit(long pageCount, long alignPages) {
            return belowCeiling(set.gaps().lowestFit(pageCount, alignPages), pageCount);
        }

        @Override
        public long smallestFit(long pageCount, long alignPages) {
            long fit = belowCeiling(set.gaps().smallestFit(pageCount, alignPages), pageCount);
            // Cut at the memory's end, the gap it chose may not hold the pages; any lower fit will.
            return fit >= 0 ? fit : lowestFit(pageCount, alignPages);
        }

        @Override
        public PageRange lowestGapFrom(long pageCount, long fromPage) {
            PageRange gap = range(set.gaps().lowestWithAtLeastFrom(pageCount, fromPage));
            return gap != null && gap.endPage() - gap.startPage() >= pageCount ? gap : null;
        }

        @Override
        public PageRange gapContaining(long page) {
            return page < ceilingPage ? range(set.gaps().gapContaining(page)) : null;
        }

        @Override
        public PageRange lastGap() {
            PageRange last = range(set.gaps().last());
            return last != null ? last : gapContaining(ceilingPage - 1);
        }

        /** {@code start}, or -1 when it is -1 or its {@code pageCount} pages pass the ceiling. */
        private long belowCeiling(long start, long pageCount) {
            return start >= 0 && start + pageCount <= ceilingPage ? start : -1;
        }

        @Override
        public int inPlaceGrowthsOfMappingEndingAt(long page) {
            Mapping m = set.mappingEndingAt(page);
            return m == null ? -1 : m.inPlaceGrowths();
        }

        @Override
        public boolean latestReallocEndsAt(long page) {
            Mapping m = set.mappingEndingAt(page);
            return m != null && m.id() == latestReallocId && m.startPage() == latestReallocStartPage
                    && page == latestReallocEndPage;
        }

        @Override
        public long reallocStepOfMappingEndingAt(long page) {
            Mapping m = set.mappingEndingAt(page);
            return m == null ? 0 : m.reallocStep();
        }

        @Override
        public long pagesOfMappingEndingAt(long page) {
            Mapping m = set.mappingEndingAt(page);
            return m == null ? 0 : m.pageCount();
        }

        /** The gap as a range cut at the ceiling, or null when it starts at or above it. */
        private PageRange range(GapIndex.Gap g) {
            if (g == null || g.startPage >= ceilingPage) {
                return null;
            }
            return new PageRange(g.startPage, Math.min(g.endPage, ceilingPage));
        }
    }
}
