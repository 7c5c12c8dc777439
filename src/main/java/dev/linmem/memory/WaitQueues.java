package dev.linmem.memory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The waiter queues of one shared memory: {@code memory.atomic.wait32/wait64} and
 * {@code memory.atomic.notify} of the threads proposal.
 *
 * <h2>Layout</h2>
 * One FIFO queue of waiters per address that has any, in a map guarded by one lock. Each waiter
 * has its own condition, so {@code notify(address, n)} wakes exactly the first {@code n}.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>A waiter is in its address's queue iff it has neither been woken nor given up.</li>
 *   <li>No queue in the map is empty.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li><b>await</b>: (1) under the lock, load the value atomically and compare; unequal returns 1
 *       ("not-equal"); (2) enqueue a waiter and wait on its condition; (3) woken returns 0
 *       ("ok"); the timeout elapsing first removes the waiter and returns 2 ("timed-out").
 *       Because the load and the enqueue happen under the lock that notify takes, a store
 *       followed by a notify can never slip between them (no lost wake-up).</li>
 *   <li><b>wake</b>: under the lock, dequeue up to {@code count} waiters in arrival order, mark
 *       each woken and signal it; return how many.</li>
 * </ul>
 * A thread interrupted while waiting stops waiting, keeps its interrupt status and reports
 * "timed-out" (2) unless it had already been woken.
 *
 * <h2>References</h2>
 * WebAssembly threads proposal, {@code memory.atomic.wait32}, {@code memory.atomic.notify}.
 */
final class WaitQueues {

    /** {@code memory.atomic.wait} result: woken by a notify. */
    static final int OK = 0;
    /** {@code memory.atomic.wait} result: the loaded value differed from the expected one. */
    static final int NOT_EQUAL = 1;
    /** {@code memory.atomic.wait} result: the timeout elapsed first. */
    static final int TIMED_OUT = 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, ArrayDeque<Waiter>> queues = new HashMap<>();

    private static final class Waiter {
        final Condition condition;
        boolean woken;

        Waiter(Condition condition) {
            this.condition = condition;
        }
    }

    /**
     * Waits at {@code address} while {@code valueMatches} holds; see the class notes.
     *
     * @param timeoutNanos negative for no timeout
     */
    int await(long address, BooleanSupplier valueMatches, long timeoutNanos) {
        lock.lock();
        try {
            if (!valueMatches.getAsBoolean()) {
                return NOT_EQUAL;
            }
            Waiter waiter = new Waiter(lock.newCondition());
            queues.computeIfAbsent(address, a -> new ArrayDeque<>()).addLast(waiter);
            long remainingNanos = timeoutNanos;
            try {
                while (!waiter.woken) {
                    if (timeoutNanos < 0) {
                        waiter.condition.await();
                    } else if (remainingNanos <= 0) {
                        break;
                    } else {
                        remainingNanos = waiter.condition.awaitNanos(remainingNanos);
                    }
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            if (waiter.woken) {
                return OK;
            }
            remove(address, waiter);
            return TIMED_OUT;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes at most {@code count} waiters at {@code address}, oldest first; returns how many woke. */
    int wake(long address, long count) {
        lock.lock();
        try {
            ArrayDeque<Waiter> queue = queues.get(address);
            int woken = 0;
            while (queue != null && woken < count && !queue.isEmpty()) {
                Waiter waiter = queue.removeFirst();
                waiter.woken = true;
                waiter.condition.signal();
                woken++;
            }
            if (queue != null && queue.isEmpty()) {
                queues.remove(address);
            }
            return woken;
        } finally {
            lock.unlock();
        }
    }

    /** Waiters currently queued at {@code address}. */
    int waiterCount(long address) {
        lock.lock();
        try {
            ArrayDeque<Waiter> queue = queues.get(address);
            return queue == null ? 0 : queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void remove(long address, Waiter waiter) {
        ArrayDeque<Waiter> queue = queues.get(address);
        queue.remove(waiter);
        if (queue.isEmpty()) {
            queues.remove(address);
        }
    }

    /** Checks the invariants in the class notes. */
    void checkInvariants() {
        lock.lock();
        try {
            for (Map.Entry<Long, ArrayDeque<Waiter>> entry : queues.entrySet()) {
                AbstractLinearMemory.check(!entry.getValue().isEmpty(), "empty waiter queue at " + entry.getKey());
                for (Waiter waiter : entry.getValue()) {
                    AbstractLinearMemory.check(!waiter.woken, "a woken waiter is still queued at " + entry.getKey());
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
