package dev.linmem.replay.trace;

import dev.linmem.space.Errno;
import dev.linmem.space.Mman;

/**
 * One completed call of a recorded trace: a page-level call of the mmap family, a heap call of
 * the malloc family, or the start of an address space.
 *
 * <p>Every event carries the 1-based {@link #line()} where its call began in the trace file
 * (for a split strace call, the {@code <unfinished ...>} line), the recording's thread id
 * {@link #tid()}, and the {@link #space()} it happened in: address spaces are numbered from 0 in
 * order of appearance and each starts with an {@link AddressSpaceStart} event, so a replayer can
 * replay one address space alone by filtering on {@code space()}.
 *
 * <p>Recorded values are the traced program's. Page-level results follow the kernel's
 * convention: an address (or 0) on success, {@code -errno} on failure ({@link #failed()}); a
 * failed call changed nothing and a replayer ignores its effects. Heap results are pointers,
 * {@code 0} for NULL. Lengths and sizes are as recorded (an munmap length need not be a page
 * multiple). Values the recording printed as unsigned 64-bit numbers wrap into {@code long}.
 *
 * <p>Dispatch on {@link #kind()} with a {@code switch}, then cast; records compare by value,
 * which the round-trip tests rely on.
 */
public sealed interface TraceEvent {

    /**
     * A heap result the recording does not show: ltrace prints the address of
     * {@code posix_memalign}'s {@code memptr}, not the pointer stored there, and the reader
     * could not recover it from a later use (see {@code docs/trace-formats.md}).
     */
    long UNKNOWN_ADDRESS = Long.MIN_VALUE;

    /** The 1-based line of the trace file where this call began (0 when not from a text file). */
    int line();

    /** The recording's thread (or process) id, 0 when the recording has none. */
    int tid();

    /** The address space this event happened in, numbered from 0 in order of appearance. */
    int space();

    /** The kind of this event, for a {@code switch}. */
    EventKind kind();

    /** True when the recording says the call failed (it changed nothing). */
    boolean failed();

    /** How an address space came to exist. */
    enum Origin {
        /** The first process of the recording, or a tid whose creation is not in the trace. */
        INITIAL,
        /** A successful execve: a fresh image replaces the calling process's address space. */
        EXEC,
        /** fork, vfork, or clone/clone3 without {@code CLONE_VM}: a copy of the parent's. */
        FORK
    }

    /**
     * The start of address space {@code space}, before any of its other events; {@code tid}
     * is the first thread in it and {@code parentSpace} the space it came from (-1 for none).
     */
    record AddressSpaceStart(int line, int tid, int space, int parentSpace, Origin origin)
            implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.ADDRESS_SPACE_START;
        }

        @Override
        public boolean failed() {
            return false;
        }
    }

    /** {@code mmap(addr, lengthBytes, prot, flags, fd, offsetBytes) = result}. */
    record Mmap(int line, int tid, int space, long addr, long lengthBytes, int prot, int flags,
            int fd, long offsetBytes, long result) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.MMAP;
        }

        @Override
        public boolean failed() {
            return Errno.isError(result);
        }

        /**
         * True for a mapping of a file ({@code fd != -1} without {@code MAP_ANONYMOUS}): not
         * memory a wasm program would have, so a replayer skips it and the calls aimed at it.
         */
        public boolean isFileBacked() {
            return fd != -1 && (flags & Mman.MAP_ANONYMOUS) == 0;
        }

        /** True when {@code MAP_FIXED} (or {@code MAP_FIXED_NOREPLACE}) demands {@code addr}. */
        public boolean isFixed() {
            return (flags & (Mman.MAP_FIXED | Mman.MAP_FIXED_NOREPLACE)) != 0;
        }

        /** True when {@code addr} is a non-null placement hint (not fixed). */
        public boolean isHinted() {
            return addr != 0 && !isFixed();
        }
    }

    /** {@code munmap(addr, lengthBytes) = result}. */
    record Munmap(int line, int tid, int space, long addr, long lengthBytes, long result)
            implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.MUNMAP;
        }

        @Override
        public boolean failed() {
            return Errno.isError(result);
        }
    }

    /**
     * {@code mremap(oldAddr, oldLengthBytes, newLengthBytes, flags[, newAddr]) = result};
     * {@code newAddr} is 0 unless {@code MREMAP_FIXED} passed one.
     */
    record Mremap(int line, int tid, int space, long oldAddr, long oldLengthBytes,
            long newLengthBytes, int flags, long newAddr, long result) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.MREMAP;
        }

        @Override
        public boolean failed() {
            return Errno.isError(result);
        }

        /** True when the call succeeded at {@code oldAddr} (grown, shrunk or kept in place). */
        public boolean keptInPlace() {
            return !failed() && result == oldAddr;
        }

        /** True when {@code MREMAP_MAYMOVE} allowed the kernel to move the mapping. */
        public boolean mayMove() {
            return (flags & Mman.MREMAP_MAYMOVE) != 0;
        }
    }

    /**
     * {@code brk(requested) = result}: {@code requested} 0 ({@code brk(NULL)}) queries the
     * program break; the raw system call returns the new break, or the old one when it refused.
     */
    record Brk(int line, int tid, int space, long requested, long result) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.BRK;
        }

        /** A refused brk returns the unchanged break instead of the requested one. */
        @Override
        public boolean failed() {
            return Errno.isError(result) || (requested != 0 && result != requested);
        }
    }

    /** {@code mprotect(addr, lengthBytes, prot) = result}. */
    record Mprotect(int line, int tid, int space, long addr, long lengthBytes, int prot,
            long result) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.MPROTECT;
        }

        @Override
        public boolean failed() {
            return Errno.isError(result);
        }
    }

    /** {@code madvise(addr, lengthBytes, advice) = result}, advice as Linux's number. */
    record Madvise(int line, int tid, int space, long addr, long lengthBytes, int advice,
            long result) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.MADVISE;
        }

        @Override
        public boolean failed() {
            return Errno.isError(result);
        }
    }

    /** {@code malloc(sizeBytes) = result}. */
    record Malloc(int line, int tid, int space, long sizeBytes, long result)
            implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.MALLOC;
        }

        @Override
        public boolean failed() {
            return result == 0 && sizeBytes != 0;
        }
    }

    /** {@code calloc(count, sizeBytes) = result}. */
    record Calloc(int line, int tid, int space, long count, long sizeBytes, long result)
            implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.CALLOC;
        }

        @Override
        public boolean failed() {
            return result == 0 && count != 0 && sizeBytes != 0;
        }
    }

    /** {@code realloc(ptr, sizeBytes) = result}; {@code realloc(NULL, n)} is a malloc. */
    record Realloc(int line, int tid, int space, long ptr, long sizeBytes, long result)
            implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.REALLOC;
        }

        @Override
        public boolean failed() {
            return result == 0 && sizeBytes != 0;
        }
    }

    /** {@code reallocarray(ptr, count, sizeBytes) = result}. */
    record Reallocarray(int line, int tid, int space, long ptr, long count, long sizeBytes,
            long result) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.REALLOCARRAY;
        }

        @Override
        public boolean failed() {
            return result == 0 && count != 0 && sizeBytes != 0;
        }
    }

    /** {@code free(ptr)}; {@code free(NULL)} does nothing. */
    record Free(int line, int tid, int space, long ptr) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.FREE;
        }

        @Override
        public boolean failed() {
            return false;
        }
    }

    /**
     * {@code posix_memalign(&result, alignmentBytes, sizeBytes) = rc}: {@code rc} is 0 or an
     * errno number; {@code result} is the pointer stored, or {@link #UNKNOWN_ADDRESS}.
     */
    record PosixMemalign(int line, int tid, int space, long alignmentBytes, long sizeBytes,
            long result, int rc) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.POSIX_MEMALIGN;
        }

        @Override
        public boolean failed() {
            return rc != 0;
        }
    }

    /** {@code aligned_alloc(alignmentBytes, sizeBytes) = result}. */
    record AlignedAlloc(int line, int tid, int space, long alignmentBytes, long sizeBytes,
            long result) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.ALIGNED_ALLOC;
        }

        @Override
        public boolean failed() {
            return result == 0 && sizeBytes != 0;
        }
    }

    /** {@code memalign(alignmentBytes, sizeBytes) = result}. */
    record Memalign(int line, int tid, int space, long alignmentBytes, long sizeBytes,
            long result) implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.MEMALIGN;
        }

        @Override
        public boolean failed() {
            return result == 0 && sizeBytes != 0;
        }
    }

    /** {@code valloc(sizeBytes) = result} (page-aligned malloc). */
    record Valloc(int line, int tid, int space, long sizeBytes, long result)
            implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.VALLOC;
        }

        @Override
        public boolean failed() {
            return result == 0 && sizeBytes != 0;
        }
    }

    /** {@code pvalloc(sizeBytes) = result} (page-aligned, size rounded up to pages). */
    record Pvalloc(int line, int tid, int space, long sizeBytes, long result)
            implements TraceEvent {
        @Override
        public EventKind kind() {
            return EventKind.PVALLOC;
        }

        @Override
        public boolean failed() {
            return result == 0 && sizeBytes != 0;
        }
    }
}
