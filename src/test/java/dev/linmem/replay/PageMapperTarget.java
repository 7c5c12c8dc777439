package dev.linmem.replay;

import dev.linmem.alloc.Allocator;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
import java.util.EnumSet;
import java.util.Set;

/** A target over {@link PageMapper}, for replayer tests that must not depend on other packages. */
record PageMapperTarget(String name, PageMapper.Mode mode) implements Target {

    @Override
    public String description() {
        return "test mapper, " + mode;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.MMAP, Capability.BRK);
    }

    @Override
    public Machine newMachine(TargetOptions options) {
        PageMapper mapper = new PageMapper(mode);
        return new Machine() {
            @Override
            public LinearMemory memory() {
                return mapper.memory();
            }

            @Override
            public MemoryMapper mapper() {
                return mapper;
            }

            @Override
            public long sbrk(long deltaBytes) {
                return Errno.ENOMEM.result();
            }

            @Override
            public Allocator allocator() {
                throw new UnsupportedOperationException("no heap");
            }

            @Override
            public long clearedBytes() {
                return mapper.clearedBytes;
            }

            @Override
            public void checkInvariants() {
                mapper.checkInvariants();
            }
        };
    }
}
