package dev.linmem.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.Errno;
import org.junit.jupiter.api.Test;

/**
 * Where emmalloc departs from POSIX (semantics.md 1.6): the POSIX mode follows the standard,
 * the Emscripten mode reproduces emmalloc. Each case names its row of the F table; errno checks
 * run on fresh threads, because errno is per thread and a success leaves it unchanged.
 */
class EmmallocModesTest {

    static Emmalloc posix() {
        return Emmalloc.create(HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 1024))));
    }

    static Emmalloc emscripten() {
        return Emmalloc.emscripten(HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 1024))));
    }

    /** Runs {@code body} on a fresh thread, whose errno starts unset. */
    static void onFreshThread(Runnable body) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    @Test
    void f3TooLargeMallocSetsEnomemOnlyUnderPosix() throws Exception {
        onFreshThread(() -> {
            Emmalloc p = posix();
            assertThat(p.malloc(0xFFFF_FFFFL)).isZero();
            assertThat(p.errno()).isEqualTo(Errno.ENOMEM);
            assertThat(p.malloc(-1)).isZero();
        });
        onFreshThread(() -> {
            Emmalloc e = emscripten();
            assertThat(e.malloc(0xFFFF_FFFFL)).isZero();
            assertThat(e.errno()).as("emmalloc never assigns errno").isNull();
        });
    }

    @Test
    void emscriptenSbrkFailureStillSetsEnomem() throws Exception {
        onFreshThread(() -> {
            Emmalloc e = Emmalloc.emscripten(HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 4))));
            assertThat(e.malloc(1 << 20)).isZero();
            assertThat(e.errno()).as("Emscripten's sbrk sets ENOMEM when the memory cannot grow").isEqualTo(Errno.ENOMEM);
        });
    }

    @Test
    void f6CallocOverflowIsCheckedUnderPosixAndWrapsUnderEmscripten() throws Exception {
        onFreshThread(() -> {
            Emmalloc p = posix();
            assertThat(p.calloc(65_536, 65_537)).isZero();
            assertThat(p.errno()).isEqualTo(Errno.ENOMEM);
            assertThat(p.calloc(1L << 62, 4)).isZero();
        });
        Emmalloc e = emscripten();
        long q = e.calloc(65_536, 65_537); // 2^32 + 65536 wraps to 65536 in a 32-bit size_t
        assertThat(q).isNotZero();
        assertThat(e.usableSize(q)).isBetween(65_536L, 65_600L);
        byte[] zeros = new byte[65_536];
        byte[] actual = new byte[65_536];
        e.memory().read(q, actual, 0, actual.length);
        assertThat(actual).isEqualTo(zeros);
        e.checkInvariants();
    }

    @Test
    void f5CallocZeroesReusedMemoryInBothModes() {
        for (Emmalloc heap : new Emmalloc[] {posix(), emscripten()}) {
            long a = heap.malloc(256);
            heap.memory().fill(a, 256, (byte) 0x77);
            heap.malloc(8);
            heap.free(a);
            long b = heap.calloc(16, 16);
            assertThat(b).isEqualTo(a);
            for (int i = 0; i < 256; i++) {
                assertThat(heap.memory().getI8(b + i)).isZero();
            }
        }
    }

    @Test
    void f13PosixMemalignErrors() {
        Emmalloc p = posix();
        long[] out = {12345};
        assertThat(p.posixMemalign(out, 24, 16)).isEqualTo(Errno.EINVAL.number());
        assertThat(p.posixMemalign(out, 0, 16)).isEqualTo(Errno.EINVAL.number());
        assertThat(p.posixMemalign(out, 3, 16)).isEqualTo(Errno.EINVAL.number());
        assertThat(p.posixMemalign(out, 2, 16)).as("not a multiple of sizeof(void*)").isEqualTo(Errno.EINVAL.number());
        assertThat(out[0]).as("unchanged on failure").isEqualTo(12345);
        assertThat(p.posixMemalign(out, 64, 0xFFFF_FFFFL)).isEqualTo(Errno.ENOMEM.number());
        assertThat(out[0]).isEqualTo(12345);
        assertThat(p.posixMemalign(out, 64, 100)).isZero();
        assertThat(out[0] % 64).isZero();

        Emmalloc e = emscripten();
        long[] res = {12345};
        assertThat(e.posixMemalign(res, 24, 16)).as("emmalloc: 24 is a multiple of 4, memalign fails: ENOMEM")
                .isEqualTo(Errno.ENOMEM.number());
        assertThat(res[0]).as("emmalloc stores NULL on failure").isZero();
        res[0] = 12345;
        assertThat(e.posixMemalign(res, 3, 16)).isEqualTo(Errno.EINVAL.number());
        assertThat(res[0]).isEqualTo(12345);
        assertThat(e.posixMemalign(res, 0, 16)).as("alignment 0 counts as a power of two").isZero();
        assertThat(res[0]).isNotZero();
        assertThat(res[0] % 8).isZero();
        e.checkInvariants();
    }

    @Test
    void f16AndF17AlignedAlloc() throws Exception {
        Emmalloc p = posix();
        long a = p.alignedAlloc(1, 64);
        assertThat(a).isNotZero();
        long b = p.alignedAlloc(16, 24);
        assertThat(b).as("C17 DR 460: the size need not be a multiple").isNotZero();
        assertThat(b % 16).isZero();
        onFreshThread(() -> {
            Emmalloc q = posix();
            assertThat(q.alignedAlloc(24, 48)).isZero();
            assertThat(q.errno()).isEqualTo(Errno.EINVAL);
            assertThat(q.alignedAlloc(0, 48)).isZero();
        });

        Emmalloc e = emscripten();
        assertThat(e.alignedAlloc(1, 64)).as("emmalloc: alignment must be a multiple of sizeof(void*)").isZero();
        assertThat(e.alignedAlloc(16, 24)).as("emmalloc: size must be a multiple of the alignment").isZero();
        long c = e.alignedAlloc(16, 32);
        assertThat(c).isNotZero();
        assertThat(c % 16).isZero();
        assertThatThrownBy(() -> e.alignedAlloc(0, 32)).as("size % 0: wasm traps on an integer division by zero")
                .isInstanceOf(ArithmeticException.class);
        e.checkInvariants();
    }

    @Test
    void f18MemalignOfANonPowerOfTwo() throws Exception {
        Emmalloc p = posix();
        long a = p.memalign(24, 16);
        assertThat(a).as("glibc and dlmalloc round up to 32").isNotZero();
        assertThat(a % 32).isZero();
        onFreshThread(() -> {
            Emmalloc e = emscripten();
            assertThat(e.memalign(24, 16)).isZero();
            assertThat(e.errno()).isNull();
            assertThat(e.memalign(0, 16)).isNotZero();
            assertThat(e.memalign(1 << 20, 16) % (1 << 20)).isZero();
        });
        onFreshThread(() -> {
            Emmalloc q = posix();
            assertThat(q.memalign(1L << 32, 16)).as("beyond SIZE_MAX / 2 + 1").isZero();
            assertThat(q.errno()).isEqualTo(Errno.EINVAL);
        });
    }

    @Test
    void f19ReallocarrayChecksOverflowInBothModes() throws Exception {
        for (Emmalloc heap : new Emmalloc[] {posix(), emscripten()}) {
            onFreshThread(() -> {
                long a = heap.malloc(16);
                assertThat(heap.reallocarray(a, 1L << 33, 1L << 33)).isZero();
                assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
                assertThat(heap.usableSize(a)).isGreaterThanOrEqualTo(16);
                long b = heap.reallocarray(a, 10, 10);
                assertThat(heap.usableSize(b)).isGreaterThanOrEqualTo(100);
            });
        }
    }

    @Test
    void f1F4F8F12F20CommonGround() {
        for (Emmalloc heap : new Emmalloc[] {posix(), emscripten()}) {
            assertThat(heap.malloc(0)).isNotZero();
            heap.free(0);
            long a = heap.realloc(0, 10);
            assertThat(a).isNotZero();
            assertThat(heap.realloc(0, 0)).isNotZero();
            assertThat(heap.usableSize(a)).as("F20: region size minus both size fields")
                    .isEqualTo(heap.memory().getI32(a - 4) - 8L).isGreaterThanOrEqualTo(10);
            assertThat(heap.usableSize(0)).isZero();
            heap.checkInvariants();
        }
    }
}
