package dev.linmem.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.testing.ModelCheck;
import dev.linmem.testing.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordedMappings} against a page array: each of 64 pages holds the id of the mapping
 * covering it, or 0. Random inserts and removes; after each step the mappings' pages, kinds and
 * the anonymous byte count must agree with the array.
 */
class RecordedMappingsModelTest {

    private static final int PAGES = 64;
    private static final long PAGE = 4096;

    static final class Ctx {
        final RecordedMappings sut = new RecordedMappings();
        final RecordedMappings.Kind[] kindOfPage = new RecordedMappings.Kind[PAGES];
        /** Identity of the mapping a page belongs to: pieces of one insert cut apart get new ids. */
        final int[] pieceOfPage = new int[PAGES];
        int nextPiece = 1;

        void check() {
            sut.checkInvariants();
            long anonymous = 0;
            for (int p = 0; p < PAGES; p++) {
                RecordedMappings.Mapping m = sut.mappingAt(p * PAGE);
                if (kindOfPage[p] == null) {
                    assertThat(m).as("page %d", p).isNull();
                    continue;
                }
                assertThat(m).as("page %d", p).isNotNull();
                assertThat(m.kind()).isEqualTo(kindOfPage[p]);
                if (kindOfPage[p] != RecordedMappings.Kind.FILE) {
                    anonymous += PAGE;
                }
                boolean sameAsPrevious = p > 0 && pieceOfPage[p - 1] == pieceOfPage[p];
                assertThat(m.start() < p * PAGE).as("page %d continues its mapping", p).isEqualTo(sameAsPrevious);
            }
            assertThat(sut.anonymousBytes()).isEqualTo(anonymous);
        }

        /** Renumbers the pieces a cut at page {@code p} separates. */
        void cutBefore(int p) {
            if (p <= 0 || p >= PAGES || kindOfPage[p] == null || pieceOfPage[p] != pieceOfPage[p - 1]) {
                return;
            }
            int old = pieceOfPage[p];
            int fresh = nextPiece++;
            for (int q = p; q < PAGES && pieceOfPage[q] == old; q++) {
                pieceOfPage[q] = fresh;
            }
        }
    }

    record Insert(int startPage, int pages, RecordedMappings.Kind kind) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            int end = Math.min(PAGES, startPage + pages);
            c.sut.insert(startPage * PAGE, end * PAGE, kind);
            c.cutBefore(startPage);
            c.cutBefore(end);
            int id = c.nextPiece++;
            for (int p = startPage; p < end; p++) {
                c.kindOfPage[p] = kind;
                c.pieceOfPage[p] = id;
            }
        }
    }

    record Remove(int startPage, int pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            int end = Math.min(PAGES, startPage + pages);
            c.sut.remove(startPage * PAGE, end * PAGE);
            c.cutBefore(startPage);
            c.cutBefore(end);
            for (int p = startPage; p < end; p++) {
                c.kindOfPage[p] = null;
                c.pieceOfPage[p] = 0;
            }
        }
    }

    record Intersecting(int startPage, int pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            int end = Math.min(PAGES, startPage + pages);
            List<Integer> pieces = new ArrayList<>();
            for (int p = startPage; p < end; p++) {
                if (c.kindOfPage[p] != null && (pieces.isEmpty() || pieces.get(pieces.size() - 1) != c.pieceOfPage[p])) {
                    pieces.add(c.pieceOfPage[p]);
                }
            }
            assertThat(c.sut.intersecting(startPage * PAGE, end * PAGE)).hasSize(pieces.size());
        }
    }

    @Test
    void agreesWithPageArray() {
        RecordedMappings.Kind[] kinds = RecordedMappings.Kind.values();
        ModelCheck.<Ctx>of("RecordedMappings", Ctx::new)
                .op(4, (rnd, c) -> new Insert(rnd.nextInt(PAGES), 1 + rnd.nextInt(12), kinds[rnd.nextInt(kinds.length)]))
                .op(3, (rnd, c) -> new Remove(rnd.nextInt(PAGES), 1 + rnd.nextInt(12)))
                .op(2, (rnd, c) -> new Intersecting(rnd.nextInt(PAGES), 1 + rnd.nextInt(20)))
                .invariant(Ctx::check)
                .runSeeds(400, 1, 2, 3, 4, 5);
    }
}
