package dev.linmem.alloc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hash maps keyed by a {@code long} address, without boxing: open addressing with linear
 * probing and backward-shift deletion (no tombstones), for the shadows' per-operation lookups.
 *
 * <p>Invariants: the table length is a power of two; at most half of it is used; every key sits
 * in the probe run that starts at its home slot, with no empty slot in between. {@link #EMPTY}
 * ({@code Long.MIN_VALUE}, never an address) marks a free slot.
 */
final class LongMaps {

    /** Marks an unused slot; never a valid key. */
    static final long EMPTY = Long.MIN_VALUE;

    private LongMaps() {
    }

    /** Fibonacci hashing of an address into a table of {@code mask + 1} slots. */
    static int home(long key, int mask) {
        return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> 32) & mask;
    }

    /** {@code long -> V}. */
    static final class LongObjectMap<V> {
        private long[] keys = filled(16);
        private Object[] values = new Object[16];
        private int size;

        int size() {
            return size;
        }

        @SuppressWarnings("unchecked")
        V get(long key) {
            int mask = keys.length - 1;
            for (int i = home(key, mask); ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == key) {
                    return (V) values[i];
                }
                if (k == EMPTY) {
                    return null;
                }
            }
        }

        /** Puts and returns the previous value, or null. */
        @SuppressWarnings("unchecked")
        V put(long key, V value) {
            if (key == EMPTY) {
                throw new IllegalArgumentException("reserved key");
            }
            if (2 * (size + 1) > keys.length) {
                rehash(keys.length * 2);
            }
            int mask = keys.length - 1;
            for (int i = home(key, mask); ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == key) {
                    V previous = (V) values[i];
                    values[i] = value;
                    return previous;
                }
                if (k == EMPTY) {
                    keys[i] = key;
                    values[i] = value;
                    size++;
                    return null;
                }
            }
        }

        /** Removes and returns the value, or null. */
        @SuppressWarnings("unchecked")
        V remove(long key) {
            int mask = keys.length - 1;
            for (int i = home(key, mask); ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == EMPTY) {
                    return null;
                }
                if (k == key) {
                    V previous = (V) values[i];
                    shiftBack(i);
                    size--;
                    return previous;
                }
            }
        }

        /** The values, in no particular order (a copy). */
        @SuppressWarnings("unchecked")
        List<V> values() {
            List<V> list = new ArrayList<>(size);
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != EMPTY) {
                    list.add((V) values[i]);
                }
            }
            return list;
        }

        /** Closes the gap at {@code gap} by moving later entries of the run back (Knuth's algorithm R). */
        private void shiftBack(int gap) {
            int mask = keys.length - 1;
            int i = gap;
            while (true) {
                i = (i + 1) & mask;
                long k = keys[i];
                if (k == EMPTY) {
                    break;
                }
                int h = home(k, mask);
                boolean movable = gap <= i ? (h <= gap || h > i) : (h <= gap && h > i);
                if (movable) {
                    keys[gap] = k;
                    values[gap] = values[i];
                    gap = i;
                }
            }
            keys[gap] = EMPTY;
            values[gap] = null;
        }

        private void rehash(int capacity) {
            long[] oldKeys = keys;
            Object[] oldValues = values;
            keys = filled(capacity);
            values = new Object[capacity];
            int mask = capacity - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != EMPTY) {
                    int i = home(oldKeys[j], mask);
                    while (keys[i] != EMPTY) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    values[i] = oldValues[j];
                }
            }
        }
    }

    /** {@code long -> long}, absent reads as -1 (values are addresses and sizes, never negative). */
    static final class LongLongMap {
        private long[] keys = filled(16);
        private long[] values = new long[16];
        private int size;

        int size() {
            return size;
        }

        long get(long key) {
            int mask = keys.length - 1;
            for (int i = home(key, mask); ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == key) {
                    return values[i];
                }
                if (k == EMPTY) {
                    return -1;
                }
            }
        }

        void put(long key, long value) {
            if (key == EMPTY) {
                throw new IllegalArgumentException("reserved key");
            }
            if (2 * (size + 1) > keys.length) {
                rehash(keys.length * 2);
            }
            int mask = keys.length - 1;
            for (int i = home(key, mask); ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == key) {
                    values[i] = value;
                    return;
                }
                if (k == EMPTY) {
                    keys[i] = key;
                    values[i] = value;
                    size++;
                    return;
                }
            }
        }

        /** Removes and returns the value, or -1. */
        long remove(long key) {
            int mask = keys.length - 1;
            for (int i = home(key, mask); ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == EMPTY) {
                    return -1;
                }
                if (k == key) {
                    long previous = values[i];
                    shiftBack(i);
                    size--;
                    return previous;
                }
            }
        }

        /** Calls {@code action} for every entry, in no particular order. */
        void forEach(java.util.function.LongBinaryOperator action) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != EMPTY) {
                    action.applyAsLong(keys[i], values[i]);
                }
            }
        }

        private void shiftBack(int gap) {
            int mask = keys.length - 1;
            int i = gap;
            while (true) {
                i = (i + 1) & mask;
                long k = keys[i];
                if (k == EMPTY) {
                    break;
                }
                int h = home(k, mask);
                boolean movable = gap <= i ? (h <= gap || h > i) : (h <= gap && h > i);
                if (movable) {
                    keys[gap] = k;
                    values[gap] = values[i];
                    gap = i;
                }
            }
            keys[gap] = EMPTY;
        }

        private void rehash(int capacity) {
            long[] oldKeys = keys;
            long[] oldValues = values;
            keys = filled(capacity);
            values = new long[capacity];
            int mask = capacity - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != EMPTY) {
                    int i = home(oldKeys[j], mask);
                    while (keys[i] != EMPTY) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    values[i] = oldValues[j];
                }
            }
        }
    }

    private static long[] filled(int capacity) {
        long[] keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        return keys;
    }
}
