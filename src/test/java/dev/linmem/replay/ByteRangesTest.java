package dev.linmem.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.testing.ModelCheck;
import org.junit.jupiter.api.Test;

/** The storage ledger against a reference model of one flag per byte of a small range. */
class ByteRangesTest {

    private static final int SPAN = 96;

    /** The ledger and its reference: held[i] for byte i. */
    static final class Ctx {
        final ByteRanges ledger = new ByteRanges();
        final boolean[] held = new boolean[SPAN];

        void checkAgainstModel() {
            long count = 0;
            for (int i = 0; i < SPAN; i++) {
                if (held[i]) {
                    count++;
                }
                assertThat(ledger.holdsAll(i, i + 1)).as("byte %d held", i).isEqualTo(held[i]);
            }
            assertThat(ledger.heldBytes()).isEqualTo(count);
        }
    }

    record Add(int start, int end) implements dev.linmem.testing.Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            c.ledger.add(start, end);
            for (int i = start; i < end; i++) {
                c.held[i] = true;
            }
        }
    }

    record Remove(int start, int end) implements dev.linmem.testing.Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            c.ledger.remove(start, end);
            for (int i = start; i < end; i++) {
                c.held[i] = false;
            }
        }
    }

    record HoldsAll(int start, int end) implements dev.linmem.testing.Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            boolean expected = start < end;
            for (int i = start; i < end; i++) {
                expected &= c.held[i];
            }
            if (start < end) {
                assertThat(c.ledger.holdsAll(start, end)).as("holdsAll(%d, %d)", start, end).isEqualTo(expected);
            }
        }
    }

    @Test
    void agreesWithAByteModelUnderRandomAddsAndRemoves() {
        ModelCheck.<Ctx>of("held ranges", Ctx::new)
                .op(4, (rnd, c) -> {
                    int s = rnd.nextInt(SPAN);
                    return new Add(s, s + rnd.nextInt(SPAN - s + 1));
                })
                .op(4, (rnd, c) -> {
                    int s = rnd.nextInt(SPAN);
                    return new Remove(s, s + rnd.nextInt(SPAN - s + 1));
                })
                .op(2, (rnd, c) -> {
                    int s = rnd.nextInt(SPAN);
                    return new HoldsAll(s, s + rnd.nextInt(SPAN - s + 1));
                })
                .invariant(c -> c.ledger.checkInvariants())
                .invariant(Ctx::checkAgainstModel)
                .runSeeds(2_000, 1, 2, 3, 4);
    }

    @Test
    void adjacentRangesMergeAndASplitKeepsBothSides() {
        ByteRanges h = new ByteRanges();
        h.add(0, 10);
        h.add(10, 20);
        assertThat(h.holdsAll(0, 20)).isTrue();
        h.remove(5, 15);
        assertThat(h.heldBytes()).isEqualTo(10);
        assertThat(h.holdsAll(0, 5)).isTrue();
        assertThat(h.holdsAll(15, 20)).isTrue();
        assertThat(h.holdsAll(4, 6)).isFalse();
        h.checkInvariants();
    }
}
