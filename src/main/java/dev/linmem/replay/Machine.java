package dev.linmem.replay;

import dev.linmem.alloc.Allocator;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.MemoryMapper;

/**
 * One fresh instance of a {@link Target}: the memory and the interfaces the replayer drives for
 * one replay. A machine is used by one replay only and then dropped.
 *
 * <p>The replayer calls only what the target's {@link Target#capabilities() capabilities}
 * declare: {@link #mapper()} for {@link Capability#MMAP}, {@link #sbrk(long)} for {@link
 * Capability#BRK}, {@link #allocator()} for {@link Capability#HEAP}; the others throw {@link
 * UnsupportedOperationException}. All of them work on {@link #memory()}, whose high-water mark
 * is the target's peak linear memory.
 */
public interface Machine {

    /** The wasm memory everything lives in. */
    LinearMemory memory();

    /** The mmap family, for {@link Capability#MMAP}. */
    MemoryMapper mapper();

    /**
     * {@code sbrk(deltaBytes)} on the target's program break, for {@link Capability#BRK}: the
     * break before the call, or {@code -errno} ({@code -ENOMEM} when it cannot move). A negative
     * delta shrinks the break.
     */
    long sbrk(long deltaBytes);

    /** The malloc family, for {@link Capability#HEAP}. */
    Allocator allocator();

    /**
     * Bytes the target has zeroed so far to hand out zeroed memory (new mappings over reused
     * pages, Emscripten's clearing of every mapping, calloc): a cost the comparison reports.
     */
    long clearedBytes();

    /** Checks every structure of the machine; throws naming the first broken invariant. */
    void checkInvariants();
}
