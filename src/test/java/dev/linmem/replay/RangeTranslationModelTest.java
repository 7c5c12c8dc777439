package dev.linmem.replay;

import dev.linmem.replay.RangeTranslation.Kind;
import dev.linmem.testing.ModelCheck;
import dev.linmem.testing.Op;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link RangeTranslation} against a per-page model: for every recorded page, its target page
 * (or none), kind and protection. Random inserts over free ranges, removals, protections and
 * in-place resizes over a small 64-page recorded space; after each step every page must
 * translate as the model says and the invariants must hold.
 */
class RangeTranslationModelTest {

    private static final int PAGES = 64;
    private static final long P = 4096;
    private static final long NONE = Long.MIN_VALUE;

    static final class Ctx {
        final RangeTranslation sut = new RangeTranslation();
        final long[] target = new long[PAGES];
        final Kind[] kind = new Kind[PAGES];
        final int[] prot = new int[PAGES];
        long nextTarget = 1 << 20;
        long nextGroup = 1;

        Ctx() {
            Arrays.fill(target, NONE);
        }

        boolean free(int from, int to) {
            for (int i = from; i < to; i++) {
                if (kind[i] != null) {
                    return false;
                }
            }
            return true;
        }

        void check() {
            sut.checkInvariants();
            long live = 0;
            for (int i = 0; i < PAGES; i++) {
                RangeTranslation.Piece p = sut.pieceAt(i * P);
                if (kind[i] == null) {
                    if (p != null) {
                        throw new AssertionError("page " + i + " should be free but is in " + p);
                    }
                    continue;
                }
                if (p == null || p.kind != kind[i] || p.prot != prot[i]) {
                    throw new AssertionError("page " + i + " should be " + kind[i] + " p" + prot[i] + " but is " + p);
                }
                if (kind[i] != Kind.FILE && p.targetOf(i * P) != target[i]) {
                    throw new AssertionError("page " + i + " translates to " + p.targetOf(i * P) + ", not " + target[i]);
                }
                if (kind[i] != Kind.FILE) {
                    live += P;
                }
            }
            if (live != sut.liveBytes()) {
                throw new AssertionError("live bytes " + sut.liveBytes() + ", model " + live);
            }
        }
    }

    record Insert(int start, int length, int kindIndex, int prot, boolean adjacentTarget) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            int end = Math.min(PAGES, start + length);
            if (end <= start || !c.free(start, end)) {
                return;
            }
            Kind k = Kind.values()[kindIndex];
            long t = c.nextTarget;
            RangeTranslation.Piece before = start > 0 ? c.sut.pieceEndingAt(start * P) : null;
            long group = c.nextGroup++;
            if (adjacentTarget && before != null && before.kind == k && k != Kind.FILE) {
                t = before.targetEnd();
                group = before.group;
            } else {
                c.nextTarget += (end - start) * P + P;
            }
            c.sut.insert(start * P, end * P, t, group, k, prot);
            for (int i = start; i < end; i++) {
                c.kind[i] = k;
                c.prot[i] = prot;
                c.target[i] = k == Kind.FILE ? NONE : t + (i - start) * P;
            }
        }
    }

    record Remove(int start, int length) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            int end = Math.min(PAGES, start + length);
            c.sut.remove(start * P, end * P);
            for (int i = start; i < end; i++) {
                c.kind[i] = null;
                c.target[i] = NONE;
            }
        }
    }

    record Protect(int start, int length, int prot) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            int end = Math.min(PAGES, start + length);
            c.sut.protect(start * P, end * P, prot);
            for (int i = start; i < end; i++) {
                if (c.kind[i] != null) {
                    c.prot[i] = prot;
                }
            }
        }
    }

    record Resize(int page, int deltaPages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            RangeTranslation.Piece p = c.sut.pieceAt(page * P);
            if (p == null) {
                return;
            }
            int startPage = (int) (p.recStart / P);
            int endPage = (int) (p.recEnd / P);
            int newEnd = Math.max(startPage + 1, Math.min(PAGES, endPage + deltaPages));
            if (newEnd > endPage && !c.free(endPage, newEnd)) {
                return;
            }
            long base = p.targetStart;
            Kind k = p.kind;
            int prot = p.prot;
            c.sut.resize(p, newEnd * P);
            for (int i = Math.min(endPage, newEnd); i < Math.max(endPage, newEnd); i++) {
                if (newEnd > endPage) {
                    c.kind[i] = k;
                    c.prot[i] = prot;
                    c.target[i] = k == Kind.FILE ? NONE : base + (i - startPage) * P;
                } else {
                    c.kind[i] = null;
                    c.target[i] = NONE;
                }
            }
        }
    }

    @Test
    void agreesWithAPerPageModel() {
        ModelCheck.<Ctx>of("RangeTranslation", Ctx::new)
                .op(5, (rnd, c) -> new Insert(rnd.nextInt(PAGES), 1 + rnd.nextInt(6), rnd.nextInt(3),
                        rnd.nextInt(2) * 3, rnd.nextBoolean()))
                .op(3, (rnd, c) -> new Remove(rnd.nextInt(PAGES), 1 + rnd.nextInt(8)))
                .op(2, (rnd, c) -> new Protect(rnd.nextInt(PAGES), 1 + rnd.nextInt(8), rnd.nextInt(2) * 3))
                .op(2, (rnd, c) -> new Resize(rnd.nextInt(PAGES), rnd.nextInt(7) - 3))
                .invariant(Ctx::check)
                .runSeeds(3000, 1, 2, 3, 4, 5);
    }
}
