package dev.linmem.util;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered map from a start page to an entry {@code (startPage, endPage, value)}, stored as a
 * B+tree with primitive {@code long} keys: the one sorted structure under the address space's
 * {@code MappingSet} (mappings by start), {@code PageRunSet} (known-zero runs) and
 * {@code GapIndex} (gaps by address, and by size), and under the replayer's
 * {@code RangeTranslation} (translated pieces by recorded start). It replaces red-black trees
 * of boxed {@code Long} keys, whose every level is two dependent cache misses (the node, then
 * its key): with a million entries a lookup here visits four nodes and binary-searches
 * contiguous {@code long[]} arrays.
 *
 * <h2>Layout</h2>
 * <pre>
 *   inner node (size children, size &lt;= capacity):
 *     keys       [ unused | k1 | k2 | ... | k(size-1) ]   separators
 *     children   [ c0     | c1 | c2 | ... | c(size-1) ]   all leaves at one depth
 *     maxLengths [ m0     | m1 | m2 | ... | m(size-1) ]   mi = ci.maxLength (when tracked)
 *   leaf (size entries):
 *     keys [s0 s1 ...]  ends [e0 e1 ...]  values [v0 v1 ...]   prev &lt;-&gt; next (leaf chain)
 *
 *   keys of c0 &lt; k1 &lt;= keys of c1 &lt; k2 &lt;= keys of c2 ...
 * </pre>
 * The tree never interprets {@code endPage} except to track, when asked at construction
 * ({@link Lengths#TRACK_MAX}), the longest {@code endPage - startPage} in every subtree: the gap
 * index's "lowest gap of at least n pages" then descends one path, as with an augmented
 * search tree. Entries need not be disjoint; the callers keep their own range rules.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Keys ascend strictly inside each leaf, and the leaf chain, first to last, lists every
 *       entry in key order; {@code size()} is the number of entries.</li>
 *   <li>Separators: in an inner node, every key under child {@code i - 1} is below
 *       {@code keys[i]} and every key under child {@code i} is at or above it.</li>
 *   <li>All leaves are at the same depth. Every node but the root holds between
 *       {@code capacity / 2} and {@code capacity} entries or children; an inner root holds at
 *       least two children.</li>
 *   <li>The finger, when set, is a leaf of the tree.</li>
 *   <li>With {@link Lengths#TRACK_MAX}: each node's {@code maxLength} is the longest
 *       {@code endPage - startPage} below it (0 when empty), and each inner node's
 *       {@code maxLengths[i]} equals {@code children[i].maxLength}.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>Descend: in an inner node, child {@code i} for the last separator {@code keys[i] <= key}
 *       (child 0 when none), by binary search; in the leaf, binary search again.</li>
 *   <li>floor / ceiling: descend to the leaf of the key; when no entry of that leaf qualifies,
 *       the answer is the last entry of the previous leaf (floor) or the first of the next
 *       (ceiling), by invariant 2. A {@link Cursor} then walks the leaf chain in order. The
 *       leaf reached is kept as a finger: a later lookup whose key lies between its first key
 *       and the next leaf's first key starts there, without a descent (callers look up near
 *       what they just looked up: a mapping, then its gap, then its neighbour).</li>
 *   <li>put: descend; replace an equal key, else insert into the leaf; a leaf or inner node
 *       that overflows splits in half and hands its right half (whose {@code keys[0]} is the
 *       new separator) to its parent; a root that splits gets a new root above it.</li>
 *   <li>remove: descend and delete from the leaf; on the way back, a child left with fewer than
 *       {@code capacity / 2} entries borrows one from a sibling that has more, else merges with
 *       a sibling (the parent loses a child); an inner root left with one child is replaced by
 *       it. Separators stay lower bounds when a leaf's first key is removed, so none changes.</li>
 *   <li>rekey(old, new): descend by the old key, rewrite the entry in its leaf (no key may lie
 *       between the two), and on the way back move a separator that no longer bounds the
 *       child: lower {@code keys[c]} to the new key, or raise {@code keys[c + 1]} above it.</li>
 *   <li>Lengths: on the way back from a put, remove or rekey, each inner node copies its child's
 *       {@code maxLength} into {@code maxLengths[i]} and raises its own, or rescans its
 *       {@code capacity} values only when the old maximum went away.</li>
 * </ol>
 * Every operation is O(log n) node visits of O(capacity) work each (binary search, one array
 * shift). A cursor or an entry read from the tree is invalid after the next put or remove.
 * Not thread-safe, not even for concurrent reads (callers hold their own lock).
 *
 * <h2>References</h2>
 * Bayer and McCreight's B-tree, in the B+tree form (entries in linked leaves) of most database
 * indexes; the maximum-length augmentation is the one of Linux's {@code rb_subtree_gap}.
 *
 * @param <V> the value type (may be unused: null values)
 */
public final class RangeTree<V> {

    /** Entries per leaf and children per inner node: a leaf's keys fill 8 cache lines. */
    public static final int DEFAULT_CAPACITY = 64;

    /** Whether the tree tracks the longest {@code endPage - startPage} of every subtree. */
    public enum Lengths {
        /** Nothing tracked: {@link #maxLength()} and the length queries are unavailable. */
        UNTRACKED,
        /** The longest range of every subtree is kept, for {@link #lowestWithLengthAtLeast} and friends. */
        TRACK_MAX
    }

    private static final class Node {
        int size;
        final long[] keys;
        final long[] ends;
        final Object[] values;
        final Node[] children;
        final long[] maxLengths;
        long maxLength;
        Node prev;
        Node next;

        private Node(int capacity, boolean leaf) {
            keys = new long[capacity + 1];
            ends = leaf ? new long[capacity + 1] : null;
            values = leaf ? new Object[capacity + 1] : null;
            children = leaf ? null : new Node[capacity + 1];
            maxLengths = leaf ? null : new long[capacity + 1];
        }

        static Node leaf(int capacity) {
            return new Node(capacity, true);
        }

        static Node inner(int capacity) {
            return new Node(capacity, false);
        }

        boolean isLeaf() {
            return children == null;
        }

        long length(int i) {
            return ends[i] - keys[i];
        }
    }

    /**
     * A position in the tree: one entry, readable, and movable along the leaf chain. Valid until
     * the next put or remove on the tree.
     */
    public static final class Cursor<V> {
        private Node leaf;
        private int index;

        public long key() {
            return leaf.keys[index];
        }

        public long end() {
            return leaf.ends[index];
        }

        @SuppressWarnings("unchecked")
        public V value() {
            return (V) leaf.values[index];
        }

        /** Moves to the next entry in key order; false (and invalid) when there is none. */
        public boolean next() {
            if (++index < leaf.size) {
                return true;
            }
            return at(leaf.next, 0);
        }

        /** Moves to the previous entry in key order; false (and invalid) when there is none. */
        public boolean previous() {
            if (--index >= 0) {
                return true;
            }
            Node p = leaf.prev;
            return at(p, p == null ? 0 : p.size - 1);
        }

        private boolean at(Node n, int i) {
            if (n == null || i < 0 || i >= n.size) {
                leaf = null;
                return false;
            }
            leaf = n;
            index = i;
            return true;
        }
    }

    private final int capacity;
    private final int minFill;
    private final boolean tracksLengths;
    private Node root;
    /**
     * The leaf the last lookup ended in (or null): a lookup whose key falls between its first key
     * and the next leaf's first key is answered there without a descent. Cleared when that leaf
     * leaves the tree (merged away).
     */
    private Node finger;
    private int size;
    private boolean replaced;

    /** An empty tree of the default capacity. */
    public RangeTree(Lengths lengths) {
        this(DEFAULT_CAPACITY, lengths);
    }

    /** An empty tree whose nodes hold {@code capacity} (at least 4) entries; tests use small ones. */
    public RangeTree(int capacity, Lengths lengths) {
        if (capacity < 4) {
            throw new IllegalArgumentException("capacity must be at least 4: " + capacity);
        }
        this.capacity = capacity;
        this.minFill = capacity / 2;
        this.tracksLengths = lengths == Lengths.TRACK_MAX;
        this.root = Node.leaf(capacity);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    // ---- lookups ----

    /** The value of the entry whose key is {@code key}, or null (also for a null value). */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        Node leaf = leafFor(key);
        int i = floorIndex(leaf.keys, 0, leaf.size, key);
        return i >= 0 && leaf.keys[i] == key ? (V) leaf.values[i] : null;
    }

    /** True when an entry has key {@code key}. */
    public boolean containsKey(long key) {
        Node leaf = leafFor(key);
        int i = floorIndex(leaf.keys, 0, leaf.size, key);
        return i >= 0 && leaf.keys[i] == key;
    }

    /** The value of the entry with the greatest key at or below {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V floorValue(long key) {
        Node leaf = leafFor(key);
        int i = floorIndex(leaf.keys, 0, leaf.size, key);
        if (i >= 0) {
            return (V) leaf.values[i];
        }
        Node p = leaf.prev;
        return p == null ? null : (V) p.values[p.size - 1];
    }

    /** The value of the entry with the greatest key below {@code key}, or null. */
    public V lowerValue(long key) {
        return key == Long.MIN_VALUE ? null : floorValue(key - 1);
    }

    /** The value of the entry with the least key at or above {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V ceilingValue(long key) {
        Node leaf = leafFor(key);
        int i = floorIndex(leaf.keys, 0, leaf.size, key);
        if (i >= 0 && leaf.keys[i] == key) {
            return (V) leaf.values[i];
        }
        if (i + 1 < leaf.size) {
            return (V) leaf.values[i + 1];
        }
        Node n = leaf.next;
        return n == null ? null : (V) n.values[0];
    }

    /** Places {@code c} on the entry with the greatest key at or below {@code key}; false when none. */
    public boolean floor(long key, Cursor<V> c) {
        Node leaf = leafFor(key);
        int i = floorIndex(leaf.keys, 0, leaf.size, key);
        if (i >= 0) {
            return c.at(leaf, i);
        }
        Node p = leaf.prev;
        return c.at(p, p == null ? 0 : p.size - 1);
    }

    /** Places {@code c} on the entry with the greatest key below {@code key}; false when none. */
    public boolean lower(long key, Cursor<V> c) {
        return key != Long.MIN_VALUE ? floor(key - 1, c) : c.at(null, 0);
    }

    /** Places {@code c} on the entry with the least key at or above {@code key}; false when none. */
    public boolean ceiling(long key, Cursor<V> c) {
        Node leaf = leafFor(key);
        int i = floorIndex(leaf.keys, 0, leaf.size, key);
        if (i >= 0 && leaf.keys[i] == key) {
            return c.at(leaf, i);
        }
        if (i + 1 < leaf.size) {
            return c.at(leaf, i + 1);
        }
        return c.at(leaf.next, 0);
    }

    /** Places {@code c} on the entry with the least key above {@code key}; false when none. */
    public boolean higher(long key, Cursor<V> c) {
        return key != Long.MAX_VALUE ? ceiling(key + 1, c) : c.at(null, 0);
    }

    /** Places {@code c} on the entry with the least key; false when the tree is empty. */
    public boolean first(Cursor<V> c) {
        Node n = root;
        while (!n.isLeaf()) {
            n = n.children[0];
        }
        return c.at(n, 0);
    }

    /** Places {@code c} on the entry with the greatest key; false when the tree is empty. */
    public boolean last(Cursor<V> c) {
        Node n = root;
        while (!n.isLeaf()) {
            n = n.children[n.size - 1];
        }
        return c.at(n, n.size - 1);
    }

    // ---- length queries (Lengths.TRACK_MAX) ----

    /** The longest {@code endPage - startPage} of all entries; 0 when empty. */
    public long maxLength() {
        requireTracking();
        return root.maxLength;
    }

    /** Places {@code c} on the lowest entry of length at least {@code length}; false when none. */
    public boolean lowestWithLengthAtLeast(long length, Cursor<V> c) {
        requireTracking();
        Node n = root;
        if (n.maxLength < length || n.size == 0) {
            return c.at(null, 0);
        }
        while (!n.isLeaf()) {
            int i = 0;
            while (n.maxLengths[i] < length) {
                i++;
            }
            n = n.children[i];
        }
        int i = 0;
        while (n.length(i) < length) {
            i++;
        }
        return c.at(n, i);
    }

    /**
     * Places {@code c} on the lowest entry of length at least {@code length} whose key is at or
     * above {@code fromKey}; false when none.
     */
    public boolean lowestWithLengthAtLeastFrom(long length, long fromKey, Cursor<V> c) {
        requireTracking();
        return lowestFrom(root, length, fromKey, c);
    }

    private boolean lowestFrom(Node n, long length, long fromKey, Cursor<V> c) {
        if (n.isLeaf()) {
            for (int i = Math.max(0, floorIndex(n.keys, 0, n.size, fromKey - 1) + 1); i < n.size; i++) {
                if (n.length(i) >= length) {
                    return c.at(n, i);
                }
            }
            return false;
        }
        for (int i = floorIndex(n.keys, 1, n.size, fromKey); i < n.size; i++) {
            if (n.maxLengths[i] >= length && lowestFrom(n.children[i], length, fromKey, c)) {
                return true;
            }
        }
        return false;
    }

    /** The longest {@code endPage - startPage} among entries with key below {@code key}; 0 when none. */
    public long maxLengthBelow(long key) {
        requireTracking();
        long best = 0;
        Node n = root;
        while (!n.isLeaf()) {
            int c = floorIndex(n.keys, 1, n.size, key - 1);
            for (int i = 0; i < c; i++) {
                best = Math.max(best, n.maxLengths[i]);
            }
            n = n.children[c];
        }
        for (int i = 0; i < n.size && n.keys[i] < key; i++) {
            best = Math.max(best, n.length(i));
        }
        return best;
    }

    /** Receives entries in key order; returns false to stop the visit. */
    public interface EntryVisitor {
        boolean visit(long startPage, long endPage);
    }

    /**
     * Visits, in key order, the entries of length at least {@code length}, skipping whole
     * subtrees that hold none, until {@code visitor} returns false; true when it stopped early.
     */
    public boolean visitWithLengthAtLeast(long length, EntryVisitor visitor) {
        requireTracking();
        return visitLong(root, length, visitor);
    }

    private static boolean visitLong(Node n, long length, EntryVisitor visitor) {
        if (n.isLeaf()) {
            for (int i = 0; i < n.size; i++) {
                if (n.length(i) >= length && !visitor.visit(n.keys[i], n.ends[i])) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < n.size; i++) {
            if (n.maxLengths[i] >= length && visitLong(n.children[i], length, visitor)) {
                return true;
            }
        }
        return false;
    }

    // ---- mutation ----

    /** Sets the entry of key {@code key} to {@code (key, end, value)}, replacing one with that key. */
    public void put(long key, long end, V value) {
        replaced = false;
        Node split = insert(root, key, end, value);
        if (split != null) {
            Node top = Node.inner(capacity);
            top.size = 2;
            top.children[0] = root;
            top.children[1] = split;
            top.keys[1] = split.keys[0];
            top.maxLengths[0] = root.maxLength;
            top.maxLengths[1] = split.maxLength;
            top.maxLength = Math.max(root.maxLength, split.maxLength);
            root = top;
        }
        if (!replaced) {
            size++;
        }
    }

    /** Removes the entry of key {@code key}; false when there is none. */
    public boolean remove(long key) {
        if (!delete(root, key)) {
            return false;
        }
        size--;
        if (!root.isLeaf() && root.size == 1) {
            root = root.children[0];
        }
        return true;
    }

    /**
     * Rewrites the end and value of the entry under {@code c} in place (its key stays): no
     * descent. Only for trees that track no lengths, whose nodes hold nothing derived from ends.
     */
    public void set(Cursor<V> c, long end, V value) {
        if (tracksLengths) {
            throw new IllegalStateException("range tree: set at a cursor would bypass the length maxima");
        }
        c.leaf.ends[c.index] = end;
        c.leaf.values[c.index] = value;
    }

    /**
     * Moves the entry of key {@code oldKey} to key {@code newKey} with end {@code newEnd},
     * keeping its value, in one descent: a gap that loses its first pages or absorbs the pages
     * before it keeps its place in key order. No other key may lie between the two keys (nor
     * equal {@code newKey}); the tree is unchanged and an exception thrown when one does or
     * {@code oldKey} is absent.
     */
    public void rekey(long oldKey, long newKey, long newEnd) {
        rekey(root, oldKey, newKey, newEnd);
    }

    private void rekey(Node n, long oldKey, long newKey, long newEnd) {
        if (n.isLeaf()) {
            int i = floorIndex(n.keys, 0, n.size, oldKey);
            if (i < 0 || n.keys[i] != oldKey) {
                throw new IllegalStateException("range tree: no entry at " + oldKey);
            }
            boolean clear = newKey == oldKey
                    || (newKey > oldKey ? newKey < keyAfter(n, i) : newKey > keyBefore(n, i));
            if (!clear) {
                throw new IllegalStateException("range tree: moving " + oldKey + " to " + newKey + " passes another key");
            }
            long oldLength = n.length(i);
            n.keys[i] = newKey;
            n.ends[i] = newEnd;
            if (tracksLengths) {
                lengthChanged(n, oldLength, newEnd - newKey);
            }
            return;
        }
        int c = floorIndex(n.keys, 1, n.size, oldKey);
        rekey(n.children[c], oldKey, newKey, newEnd);
        // Keep the separators around child c bounding it (the moved key may now be its first or last).
        if (c > 0 && n.keys[c] > newKey) {
            n.keys[c] = newKey;
        }
        if (c + 1 < n.size && n.keys[c + 1] <= newKey) {
            n.keys[c + 1] = newKey + 1;
        }
        if (tracksLengths) {
            childLengthChanged(n, c);
        }
    }

    /** The key after entry {@code i} of {@code leaf}, or {@code Long.MAX_VALUE} when none. */
    private static long keyAfter(Node leaf, int i) {
        if (i + 1 < leaf.size) {
            return leaf.keys[i + 1];
        }
        return leaf.next == null ? Long.MAX_VALUE : leaf.next.keys[0];
    }

    /** The key before entry {@code i} of {@code leaf}, or {@code Long.MIN_VALUE} when none. */
    private static long keyBefore(Node leaf, int i) {
        if (i > 0) {
            return leaf.keys[i - 1];
        }
        return leaf.prev == null ? Long.MIN_VALUE : leaf.prev.keys[leaf.prev.size - 1];
    }

    // ---- listing and invariants ----

    /** Every entry as {@code {startPage, endPage}}, in key order. */
    public List<long[]> entries() {
        List<long[]> out = new ArrayList<>(size);
        Cursor<V> c = new Cursor<>();
        for (boolean ok = first(c); ok; ok = c.next()) {
            out.add(new long[] {c.key(), c.end()});
        }
        return out;
    }

    /** Every value, in key order. */
    public List<V> values() {
        List<V> out = new ArrayList<>(size);
        Cursor<V> c = new Cursor<>();
        for (boolean ok = first(c); ok; ok = c.next()) {
            out.add(c.value());
        }
        return out;
    }

    /** Checks the invariants listed in the class notes. */
    public void checkInvariants() {
        List<Node> leaves = new ArrayList<>();
        checkNode(root, Long.MIN_VALUE, Long.MAX_VALUE, depthOfFirstLeaf(), 0, leaves);
        if (!root.isLeaf() && root.size < 2) {
            throw new IllegalStateException("range tree: inner root has " + root.size + " child");
        }
        int count = 0;
        Node expected = leaves.isEmpty() ? null : leaves.get(0);
        if (expected != null && expected.prev != null) {
            throw new IllegalStateException("range tree: first leaf has a predecessor");
        }
        long prevKey = Long.MIN_VALUE;
        for (int l = 0; l < leaves.size(); l++) {
            Node leaf = leaves.get(l);
            if (leaf != expected) {
                throw new IllegalStateException("range tree: leaf chain skips or reorders leaves at leaf " + l);
            }
            if (l > 0 && leaf.prev != leaves.get(l - 1)) {
                throw new IllegalStateException("range tree: leaf " + l + " has the wrong predecessor");
            }
            for (int i = 0; i < leaf.size; i++) {
                if (count > 0 && leaf.keys[i] <= prevKey) {
                    throw new IllegalStateException("range tree: key " + leaf.keys[i] + " does not ascend after " + prevKey);
                }
                prevKey = leaf.keys[i];
                count++;
            }
            expected = leaf.next;
        }
        if (expected != null) {
            throw new IllegalStateException("range tree: leaf chain runs past the last leaf");
        }
        if (count != size) {
            throw new IllegalStateException("range tree: size " + size + " but the leaves hold " + count);
        }
        if (finger != null && !leaves.contains(finger)) {
            throw new IllegalStateException("range tree: the finger is a leaf no longer in the tree");
        }
    }

    private int depthOfFirstLeaf() {
        int depth = 0;
        for (Node n = root; !n.isLeaf(); n = n.children[0]) {
            depth++;
        }
        return depth;
    }

    /** Checks the subtree of {@code n}, whose keys must lie in {@code [lo, hi)}, and returns its longest length. */
    private long checkNode(Node n, long lo, long hi, int leafDepth, int depth, List<Node> leaves) {
        if (n != root && (n.size < minFill || n.size > capacity)) {
            throw new IllegalStateException("range tree: node of " + n.size + " outside [" + minFill + ", " + capacity + "]");
        }
        long max = 0;
        if (n.isLeaf()) {
            if (depth != leafDepth) {
                throw new IllegalStateException("range tree: leaves at depths " + leafDepth + " and " + depth);
            }
            for (int i = 0; i < n.size; i++) {
                if (n.keys[i] < lo || (hi != Long.MAX_VALUE && n.keys[i] >= hi)) {
                    throw new IllegalStateException("range tree: key " + n.keys[i] + " outside its separators [" + lo + ", " + hi + ")");
                }
                max = Math.max(max, n.length(i));
            }
            leaves.add(n);
        } else {
            for (int i = 0; i < n.size; i++) {
                long childLo = i == 0 ? lo : n.keys[i];
                long childHi = i + 1 < n.size ? n.keys[i + 1] : hi;
                if (i > 0 && (n.keys[i] < lo || (hi != Long.MAX_VALUE && n.keys[i] >= hi) || (i > 1 && n.keys[i] <= n.keys[i - 1]))) {
                    throw new IllegalStateException("range tree: separator " + n.keys[i] + " out of order");
                }
                long childMax = checkNode(n.children[i], childLo, childHi, leafDepth, depth + 1, leaves);
                if (tracksLengths && n.maxLengths[i] != childMax) {
                    throw new IllegalStateException("range tree: maxLengths[" + i + "] is " + n.maxLengths[i] + ", subtree has " + childMax);
                }
                max = Math.max(max, childMax);
            }
        }
        if (tracksLengths && n.maxLength != max) {
            throw new IllegalStateException("range tree: maxLength " + n.maxLength + ", subtree has " + max);
        }
        return max;
    }

    // ---- internals ----

    private void requireTracking() {
        if (!tracksLengths) {
            throw new IllegalStateException("range tree built without length tracking");
        }
    }

    /**
     * The index of the last of {@code keys[from, size)} at or below {@code key}, or
     * {@code from - 1}. Branch-free halving (the comparison picks the half by a conditional
     * move): a node's search costs a few loads instead of a mispredicted branch per step.
     */
    private static int floorIndex(long[] keys, int from, int size, long key) {
        int n = size - from;
        if (n <= 0) {
            return from - 1;
        }
        int base = from;
        while (n > 1) {
            int half = n >>> 1;
            base = keys[base + half] <= key ? base + half : base;
            n -= half;
        }
        return keys[base] <= key ? base : base - 1;
    }

    /**
     * The leaf where the floor and ceiling of {@code key} are looked up: the finger when
     * {@code key} lies in its key range (its floor is then in it, and everything after it is
     * above the key), else the leaf a descent by separators reaches, which becomes the finger.
     */
    private Node leafFor(long key) {
        Node f = finger;
        if (f != null && f.size > 0 && f.keys[0] <= key && (f.next == null || key < f.next.keys[0])) {
            return f;
        }
        Node n = root;
        while (!n.isLeaf()) {
            n = n.children[floorIndex(n.keys, 1, n.size, key)];
        }
        finger = n;
        return n;
    }

    /** Inserts or replaces in the subtree of {@code n}; returns the split-off right sibling, or null. */
    private Node insert(Node n, long key, long end, V value) {
        if (n.isLeaf()) {
            int i = floorIndex(n.keys, 0, n.size, key);
            if (i >= 0 && n.keys[i] == key) {
                long oldLength = n.length(i);
                n.ends[i] = end;
                n.values[i] = value;
                replaced = true;
                if (tracksLengths) {
                    lengthChanged(n, oldLength, end - key);
                }
                return null;
            }
            int at = i + 1;
            int tail = n.size - at;
            System.arraycopy(n.keys, at, n.keys, at + 1, tail);
            System.arraycopy(n.ends, at, n.ends, at + 1, tail);
            System.arraycopy(n.values, at, n.values, at + 1, tail);
            n.keys[at] = key;
            n.ends[at] = end;
            n.values[at] = value;
            n.size++;
            if (tracksLengths) {
                n.maxLength = Math.max(n.maxLength, end - key);
            }
            return n.size > capacity ? splitLeaf(n) : null;
        }
        int c = floorIndex(n.keys, 1, n.size, key);
        Node child = n.children[c];
        Node split = insert(child, key, end, value);
        if (split == null) {
            if (tracksLengths) {
                childLengthChanged(n, c);
            }
            return null;
        }
        int at = c + 1;
        int tail = n.size - at;
        System.arraycopy(n.keys, at, n.keys, at + 1, tail);
        System.arraycopy(n.children, at, n.children, at + 1, tail);
        System.arraycopy(n.maxLengths, at, n.maxLengths, at + 1, tail);
        n.keys[at] = split.keys[0];
        n.children[at] = split;
        n.size++;
        if (tracksLengths) {
            n.maxLengths[c] = child.maxLength;
            n.maxLengths[at] = split.maxLength;
            n.maxLength = maxOf(n.maxLengths, n.size);
        }
        return n.size > capacity ? splitInner(n) : null;
    }

    private Node splitLeaf(Node n) {
        Node right = Node.leaf(capacity);
        int half = n.size / 2;
        int moved = n.size - half;
        System.arraycopy(n.keys, half, right.keys, 0, moved);
        System.arraycopy(n.ends, half, right.ends, 0, moved);
        System.arraycopy(n.values, half, right.values, 0, moved);
        java.util.Arrays.fill(n.values, half, n.size, null);
        right.size = moved;
        n.size = half;
        right.next = n.next;
        if (right.next != null) {
            right.next.prev = right;
        }
        right.prev = n;
        n.next = right;
        if (tracksLengths) {
            n.maxLength = leafMax(n);
            right.maxLength = leafMax(right);
        }
        return right;
    }

    /** Splits an overfull inner node; the right half's {@code keys[0]} is the separator to push up. */
    private Node splitInner(Node n) {
        Node right = Node.inner(capacity);
        int half = n.size / 2;
        int moved = n.size - half;
        System.arraycopy(n.keys, half, right.keys, 0, moved);
        System.arraycopy(n.children, half, right.children, 0, moved);
        System.arraycopy(n.maxLengths, half, right.maxLengths, 0, moved);
        java.util.Arrays.fill(n.children, half, n.size, null);
        right.size = moved;
        n.size = half;
        if (tracksLengths) {
            n.maxLength = maxOf(n.maxLengths, n.size);
            right.maxLength = maxOf(right.maxLengths, right.size);
        }
        return right;
    }

    /** Deletes {@code key} from the subtree of {@code n}, rebalancing children on the way back. */
    private boolean delete(Node n, long key) {
        if (n.isLeaf()) {
            int i = floorIndex(n.keys, 0, n.size, key);
            if (i < 0 || n.keys[i] != key) {
                return false;
            }
            long length = n.length(i);
            int tail = n.size - i - 1;
            System.arraycopy(n.keys, i + 1, n.keys, i, tail);
            System.arraycopy(n.ends, i + 1, n.ends, i, tail);
            System.arraycopy(n.values, i + 1, n.values, i, tail);
            n.size--;
            n.values[n.size] = null;
            if (tracksLengths && length == n.maxLength) {
                n.maxLength = leafMax(n);
            }
            return true;
        }
        int c = floorIndex(n.keys, 1, n.size, key);
        Node child = n.children[c];
        if (!delete(child, key)) {
            return false;
        }
        if (child.size < minFill) {
            rebalance(n, c);
        } else if (tracksLengths) {
            childLengthChanged(n, c);
        }
        return true;
    }

    /** Child {@code c} of {@code parent} is underfull: borrow from a sibling with spare entries, else merge. */
    private void rebalance(Node parent, int c) {
        Node child = parent.children[c];
        Node left = c > 0 ? parent.children[c - 1] : null;
        Node right = c + 1 < parent.size ? parent.children[c + 1] : null;
        if (left != null && left.size > minFill) {
            borrowFromLeft(parent, c, left, child);
        } else if (right != null && right.size > minFill) {
            borrowFromRight(parent, c, child, right);
        } else if (left != null) {
            merge(parent, c - 1, left, child);
        } else {
            merge(parent, c, child, right);
        }
        if (tracksLengths) {
            for (int i = Math.max(0, c - 1); i <= Math.min(parent.size - 1, c + 1); i++) {
                parent.maxLengths[i] = parent.children[i].maxLength;
            }
            parent.maxLength = maxOf(parent.maxLengths, parent.size);
        }
    }

    private void borrowFromLeft(Node parent, int c, Node left, Node child) {
        int last = left.size - 1;
        if (child.isLeaf()) {
            shiftRight(child);
            child.keys[0] = left.keys[last];
            child.ends[0] = left.ends[last];
            child.values[0] = left.values[last];
            left.values[last] = null;
            parent.keys[c] = child.keys[0];
        } else {
            shiftRight(child);
            child.children[0] = left.children[last];
            child.maxLengths[0] = left.maxLengths[last];
            child.keys[1] = parent.keys[c];
            parent.keys[c] = left.keys[last];
            left.children[last] = null;
        }
        left.size--;
        child.size++;
        recomputeLength(left);
        recomputeLength(child);
    }

    private void borrowFromRight(Node parent, int c, Node child, Node right) {
        int at = child.size;
        if (child.isLeaf()) {
            child.keys[at] = right.keys[0];
            child.ends[at] = right.ends[0];
            child.values[at] = right.values[0];
            shiftLeft(right);
            parent.keys[c + 1] = right.keys[0];
        } else {
            child.children[at] = right.children[0];
            child.maxLengths[at] = right.maxLengths[0];
            child.keys[at] = parent.keys[c + 1];
            parent.keys[c + 1] = right.keys[1];
            shiftLeft(right);
        }
        child.size++;
        right.size--;
        recomputeLength(child);
        recomputeLength(right);
    }

    /** Moves every entry or child of {@code n} one slot up, freeing slot 0. */
    private static void shiftRight(Node n) {
        System.arraycopy(n.keys, 0, n.keys, 1, n.size);
        if (n.isLeaf()) {
            System.arraycopy(n.ends, 0, n.ends, 1, n.size);
            System.arraycopy(n.values, 0, n.values, 1, n.size);
        } else {
            System.arraycopy(n.children, 0, n.children, 1, n.size);
            System.arraycopy(n.maxLengths, 0, n.maxLengths, 1, n.size);
        }
    }

    /** Moves every entry or child of {@code n} but the first one slot down (the size is the caller's). */
    private static void shiftLeft(Node n) {
        int tail = n.size - 1;
        System.arraycopy(n.keys, 1, n.keys, 0, tail);
        if (n.isLeaf()) {
            System.arraycopy(n.ends, 1, n.ends, 0, tail);
            System.arraycopy(n.values, 1, n.values, 0, tail);
            n.values[tail] = null;
        } else {
            System.arraycopy(n.children, 1, n.children, 0, tail);
            System.arraycopy(n.maxLengths, 1, n.maxLengths, 0, tail);
            n.children[tail] = null;
        }
    }

    /** Appends child {@code i + 1} ({@code right}) of {@code parent} to child {@code i} ({@code left}) and drops it. */
    private void merge(Node parent, int i, Node left, Node right) {
        int at = left.size;
        if (left.isLeaf()) {
            System.arraycopy(right.keys, 0, left.keys, at, right.size);
            System.arraycopy(right.ends, 0, left.ends, at, right.size);
            System.arraycopy(right.values, 0, left.values, at, right.size);
            left.next = right.next;
            if (left.next != null) {
                left.next.prev = left;
            }
            if (finger == right) {
                finger = null;
            }
        } else {
            System.arraycopy(right.keys, 1, left.keys, at + 1, right.size - 1);
            left.keys[at] = parent.keys[i + 1];
            System.arraycopy(right.children, 0, left.children, at, right.size);
            System.arraycopy(right.maxLengths, 0, left.maxLengths, at, right.size);
        }
        left.size += right.size;
        int tail = parent.size - i - 2;
        System.arraycopy(parent.keys, i + 2, parent.keys, i + 1, tail);
        System.arraycopy(parent.children, i + 2, parent.children, i + 1, tail);
        System.arraycopy(parent.maxLengths, i + 2, parent.maxLengths, i + 1, tail);
        parent.size--;
        parent.children[parent.size] = null;
        recomputeLength(left);
    }

    private void recomputeLength(Node n) {
        if (tracksLengths) {
            n.maxLength = n.isLeaf() ? leafMax(n) : maxOf(n.maxLengths, n.size);
        }
    }

    /** A leaf entry's length went from {@code oldLength} to {@code newLength}: update the leaf's maximum. */
    private static void lengthChanged(Node leaf, long oldLength, long newLength) {
        if (newLength >= leaf.maxLength) {
            leaf.maxLength = newLength;
        } else if (oldLength == leaf.maxLength) {
            leaf.maxLength = leafMax(leaf);
        }
    }

    /** Child {@code c} of {@code n} may have a new maximum: copy it, and update {@code n}'s. */
    private static void childLengthChanged(Node n, int c) {
        long old = n.maxLengths[c];
        long now = n.children[c].maxLength;
        if (old == now) {
            return;
        }
        n.maxLengths[c] = now;
        if (now >= n.maxLength) {
            n.maxLength = now;
        } else if (old == n.maxLength) {
            n.maxLength = maxOf(n.maxLengths, n.size);
        }
    }

    private static long leafMax(Node leaf) {
        long[] keys = leaf.keys;
        long[] ends = leaf.ends;
        long m0 = 0;
        long m1 = 0;
        int i = 0;
        for (; i + 1 < leaf.size; i += 2) {
            m0 = Math.max(m0, ends[i] - keys[i]);
            m1 = Math.max(m1, ends[i + 1] - keys[i + 1]);
        }
        if (i < leaf.size) {
            m0 = Math.max(m0, ends[i] - keys[i]);
        }
        return Math.max(m0, m1);
    }

    /** The largest of {@code values[0, count)}, at least 0; four running maxima, so the steps overlap. */
    private static long maxOf(long[] values, int count) {
        long m0 = 0;
        long m1 = 0;
        long m2 = 0;
        long m3 = 0;
        int i = 0;
        for (; i + 3 < count; i += 4) {
            m0 = Math.max(m0, values[i]);
            m1 = Math.max(m1, values[i + 1]);
            m2 = Math.max(m2, values[i + 2]);
            m3 = Math.max(m3, values[i + 3]);
        }
        for (; i < count; i++) {
            m0 = Math.max(m0, values[i]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }
}
