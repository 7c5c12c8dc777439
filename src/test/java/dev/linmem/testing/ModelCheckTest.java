package dev.linmem.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness itself: passes on a correct system, finds, shrinks and reports a planted bug. */
class ModelCheckTest {

    /** A bounded stack whose {@code bug} drops every push of the value 7 once it holds three or more. */
    static final class Stack {
        private final int[] items = new int[64];
        private int size;
        private final boolean buggy;

        Stack(boolean buggy) {
            this.buggy = buggy;
        }

        void push(int value) {
            if (size == items.length) {
                return;
            }
            if (buggy && value == 7 && size >= 3) {
                return;
            }
            items[size++] = value;
        }

        Integer pop() {
            return size == 0 ? null : items[--size];
        }

        int size() {
            return size;
        }
    }

    static final class Ctx {
        final Stack stack;
        final Deque<Integer> model = new ArrayDeque<>();
        final List<String> log;

        Ctx(boolean buggy, List<String> log) {
            this.stack = new Stack(buggy);
            this.log = log;
        }
    }

    record Push(int value) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            c.log.add(toString());
            c.stack.push(value);
            if (c.model.size() < 64) {
                c.model.push(value);
            }
        }
    }

    record Pop() implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            c.log.add(toString());
            assertThat(c.stack.pop()).isEqualTo(c.model.poll());
        }
    }

    private static ModelCheck<Ctx> check(boolean buggy, List<String> log) {
        return ModelCheck.<Ctx>of("stack", () -> new Ctx(buggy, log))
                .op(3, (rnd, c) -> new Push(rnd.nextInt(10)))
                .op(2, (rnd, c) -> new Pop())
                .invariant(c -> assertThat(c.stack.size()).isEqualTo(c.model.size()));
    }

    @Test
    void correctSystemPassesEverySeed() {
        assertThat(check(false, new ArrayList<>()).runSeeds(2_000, 1, 2, 3)).isEqualTo(6_000);
    }

    @Test
    void plantedBugIsFoundShrunkAndReportedWithItsSeed() {
        assertThatThrownBy(() -> check(true, new ArrayList<>()).run(42, 5_000))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("stack failed with seed 42")
                .hasMessageContaining("-Dlinmem.seed=42")
                // The smallest failing sequence: three pushes then a push of 7, which the invariant catches.
                .hasMessageContaining("shrunk to 4 ops")
                .hasMessageContaining("4. Push[value=7]");
    }

    @Test
    void sameSeedGeneratesTheSameSequence() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        check(false, first).run(7, 500);
        check(false, second).run(7, 500);
        assertThat(first).hasSize(500).isEqualTo(second);
    }

    @Test
    void differentSeedsGenerateDifferentSequences() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        check(false, first).run(7, 200);
        check(false, second).run(8, 200);
        assertThat(first).isNotEqualTo(second);
    }
}
