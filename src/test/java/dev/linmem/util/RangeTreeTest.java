package dev.linmem.util;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.testing.ModelCheck;
import dev.linmem.testing.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link RangeTree} against {@link TreeMap} (the reference), with small node capacities so that a
 * few hundred entries already split, borrow and merge through several levels; every query is
 * compared with a brute-force answer over the model, and the invariants run after every step.
 */
class RangeTreeTest {

    /** Keys are drawn below this, so puts replace and removes hit often. */
    private static final int KEY_SPACE = 600;

    static final class Ctx {
        final RangeTree<String> tree;
        final boolean tracked;
        final TreeMap<Long, long[]> model = new TreeMap<>();

        Ctx(int capacity, RangeTree.Lengths lengths) {
            tree = new RangeTree<>(capacity, lengths);
            tracked = lengths == RangeTree.Lengths.TRACK_MAX;
        }

        void put(long key, long end) {
            tree.put(key, end, "v" + key + "-" + end);
            model.put(key, new long[] {key, end});
        }

        void remove(long key) {
            assertThat(tree.remove(key)).as("remove %d", key).isEqualTo(model.remove(key) != null);
        }
    }

    record Put(long key, long length) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            c.put(key, key + length);
        }
    }

    /** Puts {@code count} consecutive keys {@code step} apart: ascending runs, as an address space fills. */
    record PutRun(long from, int count, int step) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            for (int i = 0; i < count; i++) {
                c.put(from + (long) i * step, from + (long) i * step + 1 + i % 7);
            }
        }
    }

    record Remove(long key) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            c.remove(key);
        }
    }

    /** Removes every key of {@code [from, to)}: empties leaves and shrinks the tree. */
    record RemoveRange(long from, long to) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            for (long k : new ArrayList<>(c.model.subMap(from, to).keySet())) {
                c.remove(k);
            }
        }
    }

    /**
     * Moves the {@code index}-th entry (modulo the count) to {@code offset} within the room
     * between its neighbours (modulo that room), keeping its value; or, when {@code across},
     * tries to move it onto or past its successor, which must be refused with nothing changed.
     */
    record Rekey(int index, long offset, long length, boolean across) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.model.isEmpty()) {
                return;
            }
            List<Long> keys = new ArrayList<>(c.model.keySet());
            int i = Math.floorMod(index, keys.size());
            long old = keys.get(i);
            String value = c.tree.get(old);
            if (across) {
                if (i + 1 < keys.size()) {
                    long past = keys.get(i + 1) + Math.floorMod(offset, 3);
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.tree.rekey(old, past, past + 1))
                            .isInstanceOf(IllegalStateException.class);
                }
                return;
            }
            long lo = i > 0 ? keys.get(i - 1) + 1 : old - 50;
            long hi = i + 1 < keys.size() ? keys.get(i + 1) - 1 : old + 50;
            long now = lo + Math.floorMod(offset, hi - lo + 1);
            c.tree.rekey(old, now, now + length);
            assertThat(c.tree.get(now)).isEqualTo(value);
            c.model.remove(old);
            c.model.put(now, new long[] {now, now + length});
            // The value keeps naming the old range: store the model's name under the new one.
            c.tree.put(now, now + length, "v" + now + "-" + (now + length));
        }
    }

    /**
     * Rewrites the end (and value) of the entry at or below {@code key} through a cursor; a tree
     * tracking lengths must refuse.
     */
    record SetAt(long key, long length) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            RangeTree.Cursor<String> cur = new RangeTree.Cursor<>();
            if (!c.tree.floor(key, cur)) {
                return;
            }
            long k = cur.key();
            if (c.tracked) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.tree.set(cur, k + length, "x"))
                        .isInstanceOf(IllegalStateException.class);
                return;
            }
            c.tree.set(cur, k + length, "v" + k + "-" + (k + length));
            c.model.put(k, new long[] {k, k + length});
        }
    }

    /** Every lookup at {@code key}, and the length queries for {@code length}, against the model. */
    record Query(long key, long length) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            RangeTree.Cursor<String> cur = new RangeTree.Cursor<>();
            expect(c.tree.floor(key, cur), cur, c.model.floorEntry(key), "floor " + key);
            expect(c.tree.ceiling(key, cur), cur, c.model.ceilingEntry(key), "ceiling " + key);
            expect(c.tree.lower(key, cur), cur, c.model.lowerEntry(key), "lower " + key);
            expect(c.tree.higher(key, cur), cur, c.model.higherEntry(key), "higher " + key);
            expect(c.tree.first(cur), cur, c.model.firstEntry(), "first");
            expect(c.tree.last(cur), cur, c.model.lastEntry(), "last");
            assertThat(c.tree.get(key)).isEqualTo(c.model.containsKey(key) ? name(c.model.get(key)) : null);
            assertThat(c.tree.containsKey(key)).isEqualTo(c.model.containsKey(key));
            assertThat(c.tree.floorValue(key)).isEqualTo(nameOf(c.model.floorEntry(key)));
            assertThat(c.tree.lowerValue(key)).isEqualTo(nameOf(c.model.lowerEntry(key)));
            assertThat(c.tree.ceilingValue(key)).isEqualTo(nameOf(c.model.ceilingEntry(key)));
            if (!c.tracked) {
                return;
            }

            Map.Entry<Long, long[]> lowest = null;
            Map.Entry<Long, long[]> lowestFrom = null;
            long below = 0;
            for (Map.Entry<Long, long[]> e : c.model.entrySet()) {
                long len = e.getValue()[1] - e.getKey();
                if (len >= length && lowest == null) {
                    lowest = e;
                }
                if (len >= length && lowestFrom == null && e.getKey() >= key) {
                    lowestFrom = e;
                }
                if (e.getKey() < key) {
                    below = Math.max(below, len);
                }
            }
            expect(c.tree.lowestWithLengthAtLeast(length, cur), cur, lowest, "lowest >= " + length);
            expect(c.tree.lowestWithLengthAtLeastFrom(length, key, cur), cur, lowestFrom,
                    "lowest >= " + length + " from " + key);
            assertThat(c.tree.maxLengthBelow(key)).as("max length below %d", key).isEqualTo(below);

            List<Long> visited = new ArrayList<>();
            c.tree.visitWithLengthAtLeast(length, (s, e) -> visited.add(s) && visited.size() < 5);
            List<Long> expected = new ArrayList<>();
            for (Map.Entry<Long, long[]> e : c.model.entrySet()) {
                if (e.getValue()[1] - e.getKey() >= length && expected.size() < 5) {
                    expected.add(e.getKey());
                }
            }
            assertThat(visited).as("visit >= %d", length).isEqualTo(expected);
        }
    }

    /** Walks the whole tree forward and backward with a cursor. */
    record Walk() implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            List<long[]> forward = new ArrayList<>();
            RangeTree.Cursor<String> cur = new RangeTree.Cursor<>();
            for (boolean ok = c.tree.first(cur); ok; ok = cur.next()) {
                forward.add(new long[] {cur.key(), cur.end()});
                assertThat(cur.value()).isEqualTo("v" + cur.key() + "-" + cur.end());
            }
            List<long[]> backward = new ArrayList<>();
            for (boolean ok = c.tree.last(cur); ok; ok = cur.previous()) {
                backward.add(0, new long[] {cur.key(), cur.end()});
            }
            List<long[]> expected = new ArrayList<>(c.model.values());
            assertThat(forward).containsExactlyElementsOf(expected);
            assertThat(backward).containsExactlyElementsOf(expected);
            assertThat(c.tree.entries()).containsExactlyElementsOf(expected);
        }
    }

    private static void expect(boolean found, RangeTree.Cursor<String> cur, Map.Entry<Long, long[]> want, String what) {
        assertThat(found).as(what + ": found").isEqualTo(want != null);
        if (want != null) {
            assertThat(new long[] {cur.key(), cur.end()}).as(what).isEqualTo(want.getValue());
            assertThat(cur.value()).as(what + ": value").isEqualTo(name(want.getValue()));
        }
    }

    private static String name(long[] entry) {
        return "v" + entry[0] + "-" + entry[1];
    }

    private static String nameOf(Map.Entry<Long, long[]> e) {
        return e == null ? null : name(e.getValue());
    }

    private static ModelCheck<Ctx> model(int capacity) {
        return model(capacity, RangeTree.Lengths.TRACK_MAX);
    }

    private static ModelCheck<Ctx> model(int capacity, RangeTree.Lengths lengths) {
        return ModelCheck.<Ctx>of("range tree of capacity " + capacity + ", " + lengths, () -> new Ctx(capacity, lengths))
                .op(6, (rnd, c) -> new SetAt(rnd.nextInt(KEY_SPACE), rnd.nextInt(40)))
                .op(30, (rnd, c) -> new Put(rnd.nextInt(KEY_SPACE), rnd.nextInt(40)))
                .op(2, (rnd, c) -> new PutRun(rnd.nextInt(KEY_SPACE), 1 + rnd.nextInt(120), 1 + rnd.nextInt(3)))
                .op(25, (rnd, c) -> new Remove(rnd.nextInt(KEY_SPACE)))
                .op(2, (rnd, c) -> {
                    long from = rnd.nextInt(KEY_SPACE);
                    return new RemoveRange(from, from + rnd.nextInt(200));
                })
                .op(12, (rnd, c) -> new Rekey(rnd.nextInt(1000), rnd.nextInt(200) - 100, rnd.nextInt(40), rnd.nextInt(8) == 0))
                .op(20, (rnd, c) -> new Query(rnd.nextInt(KEY_SPACE + 20) - 10, rnd.nextInt(45)))
                .op(3, (rnd, c) -> new Walk())
                .invariant(c -> c.tree.checkInvariants())
                .invariant(c -> assertThat(c.tree.size()).isEqualTo(c.model.size()))
                .invariant(c -> assertThat(c.tracked ? c.tree.maxLength() : 0).isEqualTo(!c.tracked ? 0
                        : c.model.values().stream().mapToLong(e -> e[1] - e[0]).max().orElse(0)));
    }

    @Test
    void agreesWithTreeMapAtCapacityFour() {
        model(4).runSeeds(4_000, 1, 2, 3);
    }

    @Test
    void agreesWithTreeMapAtCapacityFive() {
        model(5).runSeeds(4_000, 4, 5);
    }

    @Test
    void untrackedAgreesWithTreeMapAtCapacityFour() {
        model(4, RangeTree.Lengths.UNTRACKED).runSeeds(4_000, 7, 8);
    }

    @Test
    void agreesWithTreeMapAtTheDefaultCapacity() {
        model(RangeTree.DEFAULT_CAPACITY).runSeeds(3_000, 6);
    }

    @Test
    void anUntrackedTreeRefusesLengthQueries() {
        RangeTree<String> t = new RangeTree<>(RangeTree.Lengths.UNTRACKED);
        t.put(5, 9, "a");
        t.checkInvariants();
        assertThat(t.floorValue(7)).isEqualTo("a");
        org.assertj.core.api.Assertions.assertThatThrownBy(t::maxLength).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void twoHundredThousandAscendingKeysFillAndEmptyCleanly() {
        RangeTree<Void> t = new RangeTree<>(RangeTree.Lengths.TRACK_MAX);
        for (long k = 0; k < 200_000; k++) {
            t.put(3 * k, 3 * k + 1 + (k % 3), null);
        }
        t.checkInvariants();
        assertThat(t.maxLength()).isEqualTo(3);
        for (long k = 0; k < 200_000; k += 2) {
            assertThat(t.remove(3 * k)).isTrue();
        }
        t.checkInvariants();
        assertThat(t.size()).isEqualTo(100_000);
        for (long k = 1; k < 200_000; k += 2) {
            assertThat(t.remove(3 * k)).isTrue();
        }
        t.checkInvariants();
        assertThat(t.isEmpty()).isTrue();
        assertThat(t.maxLength()).isZero();
    }
}
