package dev.linmem.space;

import static dev.linmem.space.Mman.MAP_FIXED;
import static dev.linmem.space.Mman.MAP_FIXED_NOREPLACE;
import static dev.linmem.space.Mman.MREMAP_DONTUNMAP;
import static dev.linmem.space.Mman.MREMAP_FIXED;
import static dev.linmem.space.Mman.MREMAP_MAYMOVE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.testing.ModelCheck;
import dev.linmem.testing.Op;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Model-based test of {@link AddressSpace} against a per-page reference model (owner identity,
 * protection, content byte). The space is small (32 map pages, at most 8 mappings) so that
 * collisions, holes, ENOMEM and the map-count limit happen all the time. Every op checks the
 * result and errno; after every step the invariants hold and every mapped page holds the
 * model's content.
 */
class AddressSpaceModelTest {

    static final long P = 4096;
    static final int LIMIT_PAGES = 32; // two wasm pages
    static final int BASE_PAGE = 1;
    static final int MAX_COUNT = 8;
    static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    static final int[] PROTS = {Mman.PROT_NONE, Mman.PROT_READ, Mman.PROT_READ | Mman.PROT_WRITE};
    static final int EINVAL = -22;
    static final int ENOMEM = -12;
    static final int EFAULT = -14;
    static final int EEXIST = -17;
    static final int EPERM = -1;

    /** The system under test and the reference model. */
    static final class Ctx {
        final AddressSpace space = AddressSpace.builder(LinearMemory.create(MemoryType.i32(1, 2)))
                .pageSizeBytes(P).placement(PlacementPolicy.firstFit()).maxMappingCount(MAX_COUNT).build();
        final long[] owner = new long[LIMIT_PAGES]; // 0: free
        final int[] prot = new int[LIMIT_PAGES];
        final byte[] content = new byte[LIMIT_PAGES];
        long nextId = 1;
        final byte[] page = new byte[(int) P];

        // ---- model queries ----

        boolean free(long s, long e) {
            for (long p = s; p < e; p++) {
                if (owner[(int) p] != 0) {
                    return false;
                }
            }
            return true;
        }

        boolean sameVma(long p, long q) {
            return owner[(int) p] != 0 && owner[(int) p] == owner[(int) q] && prot[(int) p] == prot[(int) q];
        }

        long vmaEnd(long p) {
            long e = p + 1;
            while (e < LIMIT_PAGES && sameVma(p, e)) {
                e++;
            }
            return e;
        }

        int vmaCount(long[] own, int[] pr) {
            int n = 0;
            for (int p = 0; p < LIMIT_PAGES; p++) {
                if (own[p] != 0 && (p == 0 || own[p - 1] != own[p] || pr[p - 1] != pr[p])) {
                    n++;
                }
            }
            return n;
        }

        int count() {
            return vmaCount(owner, prot);
        }

        /** VMA count after unmapping [s, e) (and [s2, e2) unless s2 < 0) and mapping one new range [n, ne). */
        int countAfter(long s, long e, long s2, long e2, long n, long ne) {
            long[] own = owner.clone();
            int[] pr = prot.clone();
            Arrays.fill(own, (int) s, (int) e, 0);
            if (s2 >= 0) {
                Arrays.fill(own, (int) s2, (int) e2, 0);
            }
            if (n >= 0) {
                Arrays.fill(own, (int) n, (int) ne, -1);
                Arrays.fill(pr, (int) n, (int) ne, -1);
            }
            return vmaCount(own, pr);
        }

        long lowestFree(long pages) {
            for (long s = BASE_PAGE; s + pages <= LIMIT_PAGES; s++) {
                if (free(s, s + pages)) {
                    return s;
                }
            }
            return -1;
        }

        boolean fullyMapped(long s, long e) {
            for (long p = s; p < e; p++) {
                if (owner[(int) p] == 0) {
                    return false;
                }
            }
            return true;
        }

        void map(long s, long e, int pr) {
            long id = nextId++;
            for (long p = s; p < e; p++) {
                owner[(int) p] = id;
                prot[(int) p] = pr;
                content[(int) p] = 0;
            }
        }

        void unmap(long s, long e) {
            for (long p = s; p < e; p++) {
                owner[(int) p] = 0;
                content[(int) p] = 0;
            }
        }

        // ---- checks ----

        void checkContents() {
            for (int p = 0; p < LIMIT_PAGES; p++) {
                int expectProt = owner[p] == 0 ? -1 : prot[p];
                assertThat(space.protectionAt(p * P)).as("protection of page %d", p).isEqualTo(expectProt);
                if (owner[p] != 0) {
                    LinearMemory m = space.memory();
                    for (long off : new long[] {0, P / 2 + 3, P - 1}) {
                        assertThat(m.getI8(p * P + off)).as("byte %d of page %d", off, p).isEqualTo(content[p]);
                    }
                }
            }
            assertThat(space.stats().mappingCount()).isEqualTo(count());
        }

        void checkWholePages(long s, long e) {
            for (long p = Math.max(s, 0); p < Math.min(e, LIMIT_PAGES); p++) {
                if (owner[(int) p] != 0) {
                    space.memory().read(p * P, page, 0, page.length);
                    for (byte b : page) {
                        if (b != content[(int) p]) {
                            throw new AssertionError("page " + p + " holds " + b + ", model says " + content[(int) p]);
                        }
                    }
                }
            }
        }
    }

    static long bytes(long pages, int slack) {
        return pages == 0 ? slack : pages * P - slack;
    }

    static long pagesOf(long bytes) {
        return (bytes + P - 1) / P;
    }

    // ---- ops ----

    record Mmap(long hintPage, long pages, int slack, int prot) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long len = bytes(pages, slack);
            long hint = hintPage < 0 ? 0 : hintPage * P + (slack == 0 ? 0 : 1);
            long n = pagesOf(len);
            long expected;
            if (len == 0) {
                expected = EINVAL;
            } else if (c.count() + 1 > MAX_COUNT) {
                expected = ENOMEM;
            } else {
                long h = hint == 0 ? -1 : pagesOf(hint);
                long s = h >= BASE_PAGE && h + n <= LIMIT_PAGES && c.free(h, h + n) ? h : c.lowestFree(n);
                expected = s < 0 ? ENOMEM : s * P;
            }
            long got = c.space.mmap(hint, len, prot, ANON);
            assertThat(got).isEqualTo(expected);
            if (got > 0) {
                c.map(got / P, got / P + n, prot);
                c.checkWholePages(got / P, got / P + n);
            }
        }
    }

    record MmapFixed(long page, long pages, int slack, int prot, int flags) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long len = bytes(pages, slack);
            long addr = page * P;
            long n = pagesOf(len);
            long e = page + n;
            long expected;
            if (len == 0) {
                expected = EINVAL;
            } else if (e > LIMIT_PAGES) {
                expected = ENOMEM;
            } else if (page < BASE_PAGE) {
                expected = EPERM;
            } else if ((flags & MAP_FIXED_NOREPLACE) != 0 && !c.free(page, e)) {
                expected = EEXIST;
            } else if (c.countAfter(page, e, -1, -1, page, e) > MAX_COUNT) {
                expected = ENOMEM;
            } else {
                expected = addr;
            }
            long got = c.space.mmap(addr, len, prot, ANON | flags);
            assertThat(got).isEqualTo(expected);
            if (got == addr) {
                c.map(page, e, prot);
                c.checkWholePages(page, e);
            }
        }
    }

    record MmapAligned(long pages, int alignLog) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long align = 1L << alignLog;
            long got = c.space.mmapAligned(pages * P, align * P, Mman.PROT_READ | Mman.PROT_WRITE);
            if (pages == 0) {
                assertThat(got).isEqualTo(EINVAL);
                return;
            }
            boolean fits = false;
            for (long s = 0; s + pages <= LIMIT_PAGES && !fits; s += align) {
                fits = s >= BASE_PAGE && c.free(s, s + pages);
            }
            if (c.count() + 1 > MAX_COUNT || !fits) {
                assertThat(got).isEqualTo(ENOMEM);
                return;
            }
            assertThat(got).isPositive();
            long s = got / P;
            assertThat(s % align).isZero();
            assertThat(c.free(s, s + pages)).as("aligned mapping at free pages").isTrue();
            c.map(s, s + pages, Mman.PROT_READ | Mman.PROT_WRITE);
            c.checkWholePages(s, s + pages);
        }
    }

    record Munmap(long page, long pages, int slack) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long len = bytes(pages, slack);
            long n = pagesOf(len);
            long e = page + n;
            long expected;
            if (len == 0 || e > LIMIT_PAGES) {
                expected = EINVAL;
            } else if (page < BASE_PAGE) {
                expected = EPERM;
            } else if (c.countAfter(page, e, -1, -1, -1, -1) > MAX_COUNT) {
                expected = ENOMEM;
            } else {
                expected = 0;
            }
            long got = c.space.munmap(page * P, len);
            assertThat(got).isEqualTo(expected);
            if (got == 0) {
                c.unmap(page, e);
            }
        }
    }

    record Mremap(long page, long oldPages, long newPages, int flags, long dstPage) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long expected = predict(c);
            long got = c.space.mremap(page * P, oldPages * P, newPages * P, flags, dstPage * P);
            assertThat(got).isEqualTo(expected);
            if (got >= 0) {
                applyToModel(c, got / P);
            }
        }

        private boolean fixed() {
            return (flags & MREMAP_FIXED) != 0;
        }

        private boolean dontUnmap() {
            return (flags & MREMAP_DONTUNMAP) != 0;
        }

        private long predict(Ctx c) {
            boolean mayMove = (flags & MREMAP_MAYMOVE) != 0;
            if (newPages == 0) {
                return EINVAL;
            }
            if ((fixed() || dontUnmap()) && (!mayMove || (dontUnmap() && oldPages != newPages))) {
                return EINVAL;
            }
            if (page >= LIMIT_PAGES || c.owner[(int) page] == 0) {
                return EFAULT;
            }
            if (oldPages == 0) {
                return EINVAL;
            }
            long oldEnd = page + oldPages;
            if (oldEnd > LIMIT_PAGES) {
                return EFAULT;
            }
            long vmaEnd = c.vmaEnd(page);
            if (fixed()) {
                long dstEnd = dstPage + newPages;
                if (dstEnd > LIMIT_PAGES || (dstPage < oldEnd && page < dstEnd)) {
                    return EINVAL;
                }
                if (dstPage < BASE_PAGE) {
                    return EPERM;
                }
                if (Math.min(oldEnd, page + newPages) > vmaEnd) {
                    return EFAULT;
                }
                return c.countAfter(dstPage, dstEnd, dontUnmap() ? -1 : page, oldEnd, dstPage, dstEnd) > MAX_COUNT
                        ? ENOMEM : dstPage * P;
            }
            if (newPages < oldPages) {
                return c.countAfter(page + newPages, oldEnd, -1, -1, -1, -1) > MAX_COUNT ? ENOMEM : page * P;
            }
            if (oldEnd > vmaEnd) {
                return EFAULT;
            }
            if (newPages == oldPages && !dontUnmap()) {
                return page * P;
            }
            long newEnd = page + newPages;
            if (newPages > oldPages && oldEnd == vmaEnd && newEnd <= LIMIT_PAGES && c.free(oldEnd, newEnd)) {
                return page * P;
            }
            if (!mayMove) {
                return ENOMEM;
            }
            if (c.countAfter(dontUnmap() ? 0 : page, dontUnmap() ? 0 : oldEnd, -1, -1, 0, 0) + 1 > MAX_COUNT) {
                return ENOMEM;
            }
            long s = c.lowestFree(newPages);
            return s < 0 ? ENOMEM : s * P;
        }

        private void applyToModel(Ctx c, long target) {
            long oldEnd = page + oldPages;
            if (!fixed() && target == page && !(dontUnmap())) {
                if (newPages < oldPages) {
                    c.unmap(page + newPages, oldEnd);
                } else if (newPages > oldPages) {
                    long id = c.owner[(int) page];
                    for (long p = oldEnd; p < page + newPages; p++) {
                        c.owner[(int) p] = id;
                        c.prot[(int) p] = c.prot[(int) page];
                        c.content[(int) p] = 0;
                    }
                }
                c.checkWholePages(page, page + newPages);
                return;
            }
            long copy = Math.min(oldPages, newPages);
            byte[] saved = Arrays.copyOfRange(c.content, (int) page, (int) (page + copy));
            int pr = c.prot[(int) page];
            if (dontUnmap()) {
                Arrays.fill(c.content, (int) page, (int) oldEnd, (byte) 0);
            } else {
                c.unmap(page, oldEnd);
            }
            c.map(target, target + newPages, pr);
            System.arraycopy(saved, 0, c.content, (int) target, saved.length);
            c.checkWholePages(target, target + newPages);
            c.checkWholePages(page, oldEnd);
        }
    }

    record Mprotect(long page, long pages, int prot) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long e = page + pages;
            long expected;
            if (pages == 0) {
                expected = 0;
            } else if (e > LIMIT_PAGES || !c.fullyMapped(page, e)) {
                expected = ENOMEM;
            } else {
                int splits = 0;
                if (page > 0 && c.sameVma(page - 1, page) && c.prot[(int) page] != prot) {
                    splits++;
                }
                if (e < LIMIT_PAGES && c.sameVma(e - 1, e) && c.prot[(int) e] != prot) {
                    splits++;
                }
                expected = c.count() + splits > MAX_COUNT ? ENOMEM : 0;
            }
            long got = c.space.mprotect(page * P, pages * P, prot);
            assertThat(got).isEqualTo(expected);
            if (got == 0) {
                for (long p = page; p < e; p++) {
                    c.prot[(int) p] = prot;
                }
            }
        }
    }

    record Madvise(long page, long pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long e = page + pages;
            long expected = pages == 0 ? 0 : e > LIMIT_PAGES || !c.fullyMapped(page, e) ? ENOMEM : 0;
            long got = c.space.madvise(page * P, pages * P, Mman.MADV_DONTNEED);
            assertThat(got).isEqualTo(expected);
            if (got == 0 && pages > 0) {
                Arrays.fill(c.content, (int) page, (int) e, (byte) 0);
                c.checkWholePages(page, e);
            }
        }
    }

    /** Writes a pattern into the index-th mapped page (modulo the number of mapped pages). */
    record Write(int index, byte value) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            int mapped = 0;
            for (long o : c.owner) {
                mapped += o != 0 ? 1 : 0;
            }
            if (mapped == 0) {
                return;
            }
            int k = Math.floorMod(index, mapped);
            for (int p = 0; p < LIMIT_PAGES; p++) {
                if (c.owner[p] != 0 && k-- == 0) {
                    c.space.memory().fill(p * P, P, value);
                    c.content[p] = value;
                    return;
                }
            }
        }
    }

    static long pageArg(SplittableRandom r) {
        return r.nextInt(LIMIT_PAGES + 2);
    }

    static long pagesArg(SplittableRandom r) {
        return r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(r.nextBoolean() ? 3 : 8);
    }

    static int slackArg(SplittableRandom r) {
        return r.nextInt(4) == 0 ? 1 + r.nextInt((int) P - 1) : 0;
    }

    static final int[] MREMAP_FLAG_CHOICES = {
        0, MREMAP_MAYMOVE, MREMAP_MAYMOVE, MREMAP_MAYMOVE | MREMAP_FIXED, MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
        MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_DONTUNMAP
    };

    static ModelCheck<Ctx> check() {
        return ModelCheck.<Ctx>of("address space vs per-page model", Ctx::new)
                .op(6, (r, c) -> new Mmap(r.nextInt(3) == 0 ? pageArg(r) : -1, pagesArg(r), slackArg(r), PROTS[r.nextInt(3)]))
                .op(3, (r, c) -> new MmapFixed(pageArg(r), pagesArg(r), slackArg(r), PROTS[r.nextInt(3)],
                        r.nextBoolean() ? MAP_FIXED : MAP_FIXED_NOREPLACE))
                .op(2, (r, c) -> new MmapAligned(pagesArg(r), r.nextInt(4)))
                .op(6, (r, c) -> new Munmap(pageArg(r), pagesArg(r), slackArg(r)))
                .op(6, (r, c) -> new Mremap(pageArg(r), pagesArg(r), pagesArg(r),
                        MREMAP_FLAG_CHOICES[r.nextInt(MREMAP_FLAG_CHOICES.length)], pageArg(r)))
                .op(3, (r, c) -> new Mprotect(pageArg(r), pagesArg(r), PROTS[r.nextInt(3)]))
                .op(2, (r, c) -> new Madvise(pageArg(r), pagesArg(r)))
                .op(5, (r, c) -> new Write(r.nextInt(1000), (byte) (1 + r.nextInt(255))))
                .invariant(c -> c.space.checkInvariants())
                .invariant(Ctx::checkContents);
    }

    @Test
    void agreesWithThePerPageModel() {
        long ops = check().runSeeds(25_000, 11, 12, 13, 14);
        if (System.getProperty(ModelCheck.SEED_PROPERTY) == null && System.getProperty(ModelCheck.STEPS_PROPERTY) == null) {
            assertThat(ops).isGreaterThanOrEqualTo(100_000);
        }
    }
}
