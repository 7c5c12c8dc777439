package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.Errno;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmscriptenSbrkSourceTest {

    private static final long PAGE = LinearMemory.PAGE_BYTES;

    @Test
    void sbrkReturnsTheOldBreakAndGrowsTheMemoryByWholePages() {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(1, 4));
        HeapSource source = HeapSource.emscriptenSbrk(memory, 1024);
        assertThat(source.breakAddress()).isEqualTo(1024);
        assertThat(source.sbrk(100)).isEqualTo(1024);
        assertThat(source.breakAddress()).isEqualTo(1124);
        assertThat(memory.pages()).isEqualTo(1);
        assertThat(source.sbrk(PAGE)).isEqualTo(1124);
        assertThat(memory.pages()).isEqualTo(2);
        assertThat(source.breakAddress()).isEqualTo(1124 + PAGE);
    }

    @Test
    void incrementsRoundUpToFourBytes() {
        HeapSource source = HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 4)), 1024);
        source.sbrk(1);
        assertThat(source.breakAddress()).isEqualTo(1028);
        source.sbrk(-3);
        assertThat(source.breakAddress()).isEqualTo(1028);
        source.sbrk(-4);
        assertThat(source.breakAddress()).isEqualTo(1024);
    }

    @Test
    void aRefusedGrowIsEnomemAndChangesNothing() {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(1, 2));
        HeapSource source = HeapSource.emscriptenSbrk(memory, 1024);
        assertThat(source.sbrk(3 * PAGE)).isEqualTo(Errno.ENOMEM.result());
        assertThat(source.breakAddress()).isEqualTo(1024);
        assertThat(memory.pages()).isEqualTo(1);
        assertThat(source.sbrk(Long.MAX_VALUE)).isEqualTo(Errno.ENOMEM.result());
        assertThat(source.sbrk(Long.MIN_VALUE)).isEqualTo(Errno.ENOMEM.result());
        assertThat(source.breakAddress()).isEqualTo(1024);
    }

    @Test
    void theBreakNeverDropsBelowTheHeapBaseAndMemoryNeverShrinks() {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(1, 4));
        HeapSource source = HeapSource.emscriptenSbrk(memory, 1024);
        source.sbrk(2 * PAGE);
        assertThat(source.sbrk(-3 * PAGE)).isEqualTo(Errno.ENOMEM.result());
        assertThat(source.sbrk(-2 * PAGE)).isEqualTo(1024 + 2 * PAGE);
        assertThat(source.breakAddress()).isEqualTo(1024);
        assertThat(memory.pages()).isEqualTo(3);
    }

    @Test
    void thereIsNoMmap() {
        HeapSource source = HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 4)));
        assertThat(source.supportsMmap()).isFalse();
        assertThat(source.heapBaseAddress()).isEqualTo(PAGE);
        assertThatThrownBy(() -> source.mmap(PAGE)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> source.munmap(PAGE, PAGE)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aBadHeapBaseIsRefused() {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(1, 4));
        assertThatThrownBy(() -> HeapSource.emscriptenSbrk(memory, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeapSource.emscriptenSbrk(memory, 1026)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeapSource.emscriptenSbrk(memory, 5 * PAGE)).isInstanceOf(IllegalArgumentException.class);
    }
}
