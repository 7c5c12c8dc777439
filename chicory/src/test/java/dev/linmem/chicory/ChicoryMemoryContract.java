package dev.linmem.chicory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour the wasm spec tests check of a memory (memory.wast, memory_grow.wast,
 * memory_fill.wast, memory_copy.wast, memory_init.wast, atomic.wast), as one suite run over
 * Chicory's own default memory (the reference: the suite must pass there too) and over the
 * linmem adapter with each backing. Chicory publishes no spec-test inputs on Maven Central, so
 * the cases are restated here.
 */
abstract class ChicoryMemoryContract {

    static final int PAGE = Memory.PAGE_SIZE;

    /** A memory with the given limits. */
    abstract Memory create(MemoryLimits limits);

    /** Whether this implementation's memories are shared (wait/notify allowed). */
    boolean shared() {
        return false;
    }

    private Memory create(int initial, int maximum) {
        return create(new MemoryLimits(initial, maximum, shared()));
    }

    private static void assertTraps(Runnable access) {
        assertThatThrownBy(access::run)
                .isInstanceOf(WasmRuntimeException.class)
                .hasMessageContaining("out of bounds memory access");
    }

    // ---- memory_grow.wast ----

    @Test
    void growReturnsTheOldSizeAndNewPagesReadZero() {
        Memory memory = create(1, 5);
        assertThat(memory.grow(0)).isEqualTo(1);
        assertThat(memory.grow(2)).isEqualTo(1);
        assertThat(memory.pages()).isEqualTo(3);
        for (int address = PAGE; address < 3 * PAGE; address += 4093) {
            assertThat(memory.read(address)).isZero();
        }
        memory.writeByte(3 * PAGE - 1, (byte) 9);
        assertThat(memory.read(3 * PAGE - 1)).isEqualTo((byte) 9);
    }

    @Test
    void growBeyondTheMaximumFailsWithMinusOneAndChangesNothing() {
        Memory memory = create(1, 3);
        memory.writeI32(0, 42);
        assertThat(memory.grow(3)).isEqualTo(-1);
        assertThat(memory.pages()).isEqualTo(1);
        assertThat(memory.grow(2)).isEqualTo(1);
        assertThat(memory.grow(1)).isEqualTo(-1);
        assertThat(memory.readInt(0)).isEqualTo(42);
    }

    @Test
    void growByANegativeIntIsAHugeUnsignedDeltaAndFails() {
        Memory memory = create(1, 10);
        assertThat(memory.grow(-1)).isEqualTo(-1);
        assertThat(memory.pages()).isEqualTo(1);
    }

    // ---- memory.wast: loads and stores ----

    @Test
    void valuesAreLittleEndianByteByByte() {
        Memory memory = create(1, 1);
        memory.writeLong(8, 0x0807060504030201L);
        for (int i = 0; i < 8; i++) {
            assertThat(memory.read(8 + i)).isEqualTo((byte) (i + 1));
        }
        memory.writeI32(0, 0xA1B2C3D4);
        assertThat(memory.readBytes(0, 4)).containsExactly(0xD4, 0xC3, 0xB2, 0xA1);
        memory.writeShort(20, (short) 0xBEEF);
        assertThat(memory.readU16(20)).isEqualTo(0xBEEFL);
        memory.writeF32(24, 1.5f);
        assertThat(memory.readFloat(24)).isEqualTo(1.5f);
        assertThat(memory.readF32(24)).isEqualTo(Float.floatToRawIntBits(1.5f));
        memory.writeF64(32, -2.25);
        assertThat(memory.readDouble(32)).isEqualTo(-2.25);
        assertThat(memory.readF64(32)).isEqualTo(Double.doubleToRawLongBits(-2.25));
    }

    @Test
    void accessesStraddlingAPageBoundaryWork() {
        Memory memory = create(2, 2);
        memory.writeLong(PAGE - 3, 0x1122334455667788L);
        assertThat(memory.readLong(PAGE - 3)).isEqualTo(0x1122334455667788L);
        memory.writeI32(PAGE - 1, 0xCAFEBABE);
        assertThat(memory.readInt(PAGE - 1)).isEqualTo(0xCAFEBABE);
        memory.writeShort(PAGE - 1, (short) 0x1234);
        assertThat(memory.readShort(PAGE - 1)).isEqualTo((short) 0x1234);
    }

    @Test
    void theLastByteIsInBoundsAndOnePastTraps() {
        Memory memory = create(1, 2);
        memory.writeByte(PAGE - 1, (byte) 1);
        assertThat(memory.read(PAGE - 1)).isEqualTo((byte) 1);
        memory.writeI32(PAGE - 4, 7);
        memory.writeLong(PAGE - 8, 7);
        assertTraps(() -> memory.read(PAGE));
        assertTraps(() -> memory.writeByte(PAGE, (byte) 1));
        assertTraps(() -> memory.readInt(PAGE - 3));
        assertTraps(() -> memory.writeI32(PAGE - 3, 1));
        assertTraps(() -> memory.readLong(PAGE - 7));
        assertTraps(() -> memory.writeLong(PAGE - 7, 1));
        assertTraps(() -> memory.readShort(PAGE - 1));
        assertTraps(() -> memory.readDouble(PAGE - 4));
        assertTraps(() -> memory.readFloat(PAGE - 2));
        memory.grow(1);
        assertThat(memory.read(PAGE)).isZero();
    }

    @Test
    void negativeAddressesAreOutOfBounds() {
        Memory memory = create(1, 1);
        assertTraps(() -> memory.read(-1));
        assertTraps(() -> memory.readInt(-4));
        assertTraps(() -> memory.writeLong(Integer.MIN_VALUE, 1));
        assertTraps(() -> memory.readBytes(-1, 2));
    }

    @Test
    void aBulkWriteRunningPastTheEndWritesNothing() {
        Memory memory = create(1, 1);
        byte[] data = new byte[16];
        java.util.Arrays.fill(data, (byte) 5);
        assertTraps(() -> memory.write(PAGE - 8, data));
        assertThat(memory.readBytes(PAGE - 8, 8)).containsOnly(0);
        assertTraps(() -> memory.readBytes(PAGE - 8, 9));
        memory.write(PAGE - 16, data);
        assertThat(memory.readBytes(PAGE - 16, 16)).containsOnly(5);
    }

    // ---- memory_fill.wast ----

    @Test
    void fillSetsTheRangeAndAZeroLengthFillAtTheEndIsAllowed() {
        Memory memory = create(1, 1);
        memory.fill((byte) 0xAA, 10, 20);
        assertThat(memory.read(9)).isZero();
        assertThat(memory.readBytes(10, 10)).containsOnly(0xAA);
        assertThat(memory.read(20)).isZero();
        memory.fill((byte) 1, PAGE, PAGE);
    }

    @Test
    void fillPastTheEndTrapsAndWritesNothing() {
        Memory memory = create(1, 1);
        assertTraps(() -> memory.fill((byte) 0xFF, PAGE - 10, PAGE + 1));
        assertThat(memory.readBytes(PAGE - 10, 10)).containsOnly(0);
    }

    // ---- memory_copy.wast ----

    @Test
    void copyIsMemmoveInBothDirectionsAcrossPages() {
        Memory memory = create(3, 3);
        int length = PAGE + 100;
        byte[] pattern = new byte[length];
        for (int i = 0; i < length; i++) {
            pattern[i] = (byte) (i * 13 + 1);
        }
        memory.write(10, pattern);
        memory.copy(50, 10, length);
        assertThat(memory.readBytes(50, length)).isEqualTo(pattern);
        memory.copy(5, 50, length);
        assertThat(memory.readBytes(5, length)).isEqualTo(pattern);
    }

    @Test
    void copyPastTheEndTrapsAndWritesNothing() {
        Memory memory = create(1, 1);
        memory.fill((byte) 3, 0, 100);
        assertTraps(() -> memory.copy(PAGE - 50, 0, 51));
        assertTraps(() -> memory.copy(0, PAGE - 50, 51));
        assertThat(memory.readBytes(PAGE - 50, 50)).containsOnly(0);
        memory.copy(PAGE, 0, 0);
    }

    // ---- memory_init.wast and data.wast ----

    private static ActiveDataSegment active(int offset, byte... data) {
        Instruction offsetExpr = new Instruction(0, OpCode.I32_CONST, new long[] {offset});
        return new ActiveDataSegment(0, List.of(offsetExpr), data);
    }

    @Test
    void activeSegmentsAreWrittenAtInstantiation() {
        Memory memory = create(1, 1);
        memory.initialize(null, new DataSegment[] {active(16, (byte) 1, (byte) 2, (byte) 3)});
        assertThat(memory.readBytes(15, 5)).containsExactly(0, 1, 2, 3, 0);
    }

    @Test
    void anActiveSegmentOutOfBoundsMakesTheModuleUninstantiable() {
        Memory memory = create(1, 1);
        assertThatThrownBy(() -> memory.initialize(null, new DataSegment[] {active(PAGE - 1, (byte) 1, (byte) 2)}))
                .isInstanceOf(UninstantiableException.class);
    }

    @Test
    void passiveSegmentsInitialiseOnRequestAndTrapOnceDropped() {
        Memory memory = create(1, 1);
        memory.initialize(null, new DataSegment[] {new PassiveDataSegment(new byte[] {9, 8, 7, 6})});
        memory.initPassiveSegment(0, 100, 1, 3);
        assertThat(memory.readBytes(99, 5)).containsExactly(0, 8, 7, 6, 0);
        assertThatThrownBy(() -> memory.initPassiveSegment(0, 100, 2, 3)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> memory.initPassiveSegment(0, PAGE - 1, 0, 2)).isInstanceOf(RuntimeException.class);
        memory.drop(0);
        memory.initPassiveSegment(0, 100, 0, 0);
        assertThatThrownBy(() -> memory.initPassiveSegment(0, 100, 0, 1)).isInstanceOf(RuntimeException.class);
    }

    // ---- atomic.wast ----

    @Test
    void atomicReadModifyWriteAt32And64Bits() {
        Memory memory = create(1, 1);
        memory.atomicWriteInt(8, 10);
        assertThat(memory.atomicAddInt(8, 5)).isEqualTo(10);
        assertThat(memory.atomicAndInt(8, 0xC)).isEqualTo(15);
        assertThat(memory.atomicOrInt(8, 3)).isEqualTo(12);
        assertThat(memory.atomicXorInt(8, 0xF)).isEqualTo(15);
        assertThat(memory.atomicXchgInt(8, 77)).isZero();
        assertThat(memory.atomicCmpxchgInt(8, 77, 99)).isEqualTo(77);
        assertThat(memory.atomicCmpxchgInt(8, 1, 5)).isEqualTo(99);
        assertThat(memory.atomicReadInt(8)).isEqualTo(99);

        memory.atomicWriteLong(16, 1L << 40);
        assertThat(memory.atomicAddLong(16, 1)).isEqualTo(1L << 40);
        assertThat(memory.atomicAndLong(16, 0xFF)).isEqualTo((1L << 40) + 1);
        assertThat(memory.atomicOrLong(16, 0x10)).isEqualTo(1L);
        assertThat(memory.atomicXorLong(16, 0x11)).isEqualTo(0x11L);
        assertThat(memory.atomicXchgLong(16, -1)).isZero();
        assertThat(memory.atomicCmpxchgLong(16, -1, 3)).isEqualTo(-1L);
        assertThat(memory.atomicReadLong(16)).isEqualTo(3L);
    }

    @Test
    void narrowAtomicsLeaveTheirNeighboursAlone() {
        Memory memory = create(1, 1);
        memory.writeI32(0, 0x44332211);
        assertThat(memory.atomicAddByte(1, (byte) 1)).isEqualTo((byte) 0x22);
        assertThat(memory.atomicXchgByte(3, (byte) 0x7F)).isEqualTo((byte) 0x44);
        assertThat(memory.atomicCmpxchgByte(0, (byte) 0x11, (byte) 0x10)).isEqualTo((byte) 0x11);
        assertThat(memory.readInt(0)).isEqualTo(0x7F332310);
        memory.writeI32(4, 0xFFFF0001);
        assertThat(memory.atomicAddShort(4, (short) -1)).isEqualTo((short) 1);
        assertThat(memory.atomicOrShort(6, (short) 0)).isEqualTo((short) 0xFFFF);
        assertThat(memory.atomicAndShort(6, (short) 0x0F0F)).isEqualTo((short) 0xFFFF);
        assertThat(memory.atomicXorShort(4, (short) 0xFF)).isZero();
        assertThat(memory.atomicCmpxchgShort(4, (short) 0xFF, (short) 0x1234)).isEqualTo((short) 0xFF);
        assertThat(memory.readInt(4)).isEqualTo(0x0F0F1234);
        memory.atomicWriteShort(4, (short) 5);
        memory.atomicWriteByte(7, (byte) 6);
        assertThat(memory.atomicReadShort(4)).isEqualTo((short) 5);
        assertThat(memory.atomicReadByte(7)).isEqualTo((byte) 6);
        assertThat(memory.readInt(4)).isEqualTo(0x060F0005);
    }

    @Test
    void atomicsOutOfBoundsTrap() {
        Memory memory = create(1, 1);
        assertThatThrownBy(() -> memory.atomicAddInt(PAGE, 1)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> memory.atomicReadLong(PAGE - 4)).isInstanceOf(RuntimeException.class);
    }

    /** Only shared memories are reached by several threads in wasm; Chicory's unshared ones do not lock. */
    @Test
    void concurrentAtomicAddsOnASharedMemoryAreExact() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(shared(), "concurrent access needs a shared memory");
        Memory memory = create(1, 1);
        int threads = 4;
        int adds = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < adds; i++) {
                        memory.atomicAddInt(64, 1);
                        memory.atomicAddLong(72, 2);
                        memory.atomicAddByte(80, (byte) 1);
                    }
                });
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(memory.atomicReadInt(64)).isEqualTo(threads * adds);
        assertThat(memory.atomicReadLong(72)).isEqualTo(2L * threads * adds);
        assertThat(memory.atomicReadByte(80)).isEqualTo((byte) (threads * adds));
        assertThat(memory.read(81)).isZero();
    }

    @Test
    void waitAndNotifyOnASharedMemory() throws Exception {
        if (!shared()) {
            assertThat(create(1, 1).atomicNotify(0, 1)).isZero();
            return;
        }
        Memory memory = create(1, 1);
        assertThat(memory.atomicWait(0, 1, 0L)).as("not-equal").isEqualTo(1);
        assertThat(memory.atomicWait(0, 0, 1_000_000L)).as("timed-out").isEqualTo(2);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch started = new CountDownLatch(3);
            List<Future<Integer>> waiters = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(pool.submit(() -> {
                    started.countDown();
                    return memory.atomicWait(128, 0, TimeUnit.SECONDS.toNanos(60));
                }));
            }
            started.await();
            int woken = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (woken < 2 && System.nanoTime() < deadline) {
                woken += memory.atomicNotify(128, 2 - woken);
                Thread.sleep(1);
            }
            assertThat(woken).isEqualTo(2);
            // Exactly two waiters return, with "ok"; the third keeps waiting until notified too.
            long doneDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (waiters.stream().filter(Future::isDone).count() < 2 && System.nanoTime() < doneDeadline) {
                Thread.sleep(1);
            }
            Thread.sleep(20);
            assertThat(waiters.stream().filter(Future::isDone).count()).isEqualTo(2);
            long lastDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (memory.atomicNotify(128, 1) == 0 && System.nanoTime() < lastDeadline) {
                Thread.sleep(1);
            }
            for (Future<Integer> waiter : waiters) {
                assertThat(waiter.get(60, TimeUnit.SECONDS)).as("woken by notify").isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
