package dev.linmem.replay.php;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.memory.LinearMemory;
import dev.linmem.replay.ReplayMeter;
import dev.linmem.replay.php.MmapChunkStorage.Alignment;
import dev.linmem.replay.php.MmapChunkStorage.Growth;
import dev.linmem.replay.php.ZendDecision.AlignedAlloc;
import dev.linmem.replay.php.ZendDecision.Extend;
import dev.linmem.replay.php.ZendDecision.Free;
import dev.linmem.replay.php.ZendDecision.RecordedOutcome;
import dev.linmem.replay.php.ZendDecision.Truncate;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.Mman;
import dev.linmem.testing.ModelCheck;
import dev.linmem.testing.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lifting inverts recording: random histories of PHP decisions are played by the model with
 * PHP's own OS layer (map-and-trim, mremap or hinted growth) on an AddressSpace acting as the
 * kernel, every call is recorded as a trace event, other mappings are mixed in as noise, and
 * the lifting of that recording must give back exactly the decisions played, with the outcome
 * each extension had, and lift none of the noise.
 */
class ZendLiftingRoundTripTest {

    private static final long CHUNK = ZendConstants.CHUNK_BYTES;
    private static final long PAGE = ZendConstants.PAGE_BYTES;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    /** A kernel (an AddressSpace) whose every call becomes a recorded event. */
    static final class RecordingKernel implements MemoryMapper {
        final AddressSpace space = AddressSpace.builder(LinearMemory.create(dev.linmem.memory.MemoryType.i32(0, 65_536)))
                .pageSizeBytes(AddressSpace.LINUX_PAGE_BYTES).build();
        final List<TraceEvent> events = new ArrayList<>();
        int tid = 1;

        private int line() {
            return events.size() + 1;
        }

        @Override
        public LinearMemory memory() {
            return space.memory();
        }

        @Override
        public long pageSizeBytes() {
            return space.pageSizeBytes();
        }

        @Override
        public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
            long r = space.mmap(addr, length, prot, flags, fd, offset);
            events.add(new TraceEvent.Mmap(line(), tid, 0, addr, length, prot, flags, fd, offset, r));
            return r;
        }

        @Override
        public long munmap(long addr, long length) {
            long r = space.munmap(addr, length);
            events.add(new TraceEvent.Munmap(line(), tid, 0, addr, length, r));
            return r;
        }

        @Override
        public long mremap(long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
            long r = space.mremap(oldAddr, oldLength, newLength, flags, newAddr);
            events.add(new TraceEvent.Mremap(line(), tid, 0, oldAddr, oldLength, newLength, flags, newAddr, r));
            return r;
        }

        @Override
        public long mprotect(long addr, long length, int prot) {
            long r = space.mprotect(addr, length, prot);
            events.add(new TraceEvent.Mprotect(line(), tid, 0, addr, length, prot, r));
            return r;
        }

        @Override
        public long madvise(long addr, long length, int advice) {
            long r = space.madvise(addr, length, advice);
            events.add(new TraceEvent.Madvise(line(), tid, 0, addr, length, advice, r));
            return r;
        }

        @Override
        public void checkInvariants() {
            space.checkInvariants();
        }
    }

    /** PHP (the model over PHP's own OS layer) on the recording kernel, and the decisions it was given. */
    static final class Ctx {
        final RecordingKernel kernel = new RecordingKernel();
        final ReplayMeter meter = new ReplayMeter();
        final ZendOsModel php;
        final List<ZendDecision> played = new ArrayList<>();
        final Map<Integer, Long> sizes = new HashMap<>();
        final List<Integer> ids = new ArrayList<>();
        final List<long[]> noise = new ArrayList<>();
        long noiseEvents;
        int nextId = 1;

        Ctx(Growth growth) {
            php = new ZendOsModel(new MmapChunkStorage(kernel, Alignment.MAP_AND_TRIM, growth, null, meter), meter);
        }

        /** The lifting of what was recorded so far must give back what was played. */
        void liftBack() {
            ZendLifting lifting = ZendLifter.lift(kernel.events);
            lifting.checkInvariants();
            assertThat(withoutIndices(lifting.decisions())).isEqualTo(withoutIndices(played));
            assertThat(lifting.counts().eventsNotLifted()).as("noise only").isEqualTo(noiseEvents);
        }
    }

    record Alloc(long pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            int id = c.nextId++;
            long size = CHUNK + pages * PAGE;
            c.php.apply(new AlignedAlloc(id, size, 0));
            c.played.add(new AlignedAlloc(id, size, 0));
            c.sizes.put(id, size);
            c.ids.add(id);
        }
    }

    record Grow(int which, long pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.ids.isEmpty()) {
                return;
            }
            int id = c.ids.get(Math.floorMod(which, c.ids.size()));
            long size = c.sizes.get(id) + (1 + pages) * PAGE;
            long lostBefore = c.meter.inPlaceLost();
            c.php.apply(new Extend(id, size, RecordedOutcome.IN_PLACE, 0));
            RecordedOutcome outcome = c.meter.inPlaceLost() > lostBefore ? RecordedOutcome.MOVED
                    : RecordedOutcome.IN_PLACE;
            c.played.add(new Extend(id, size, outcome, 0));
            c.sizes.put(id, size);
        }
    }

    record Shrink(int which, long pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.ids.isEmpty()) {
                return;
            }
            int id = c.ids.get(Math.floorMod(which, c.ids.size()));
            long size = c.sizes.get(id) - (1 + pages) * PAGE;
            if (size < CHUNK) {
                return;
            }
            c.php.apply(new Truncate(id, size, 0));
            c.played.add(new Truncate(id, size, 0));
            c.sizes.put(id, size);
        }
    }

    record Release(int which) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.ids.isEmpty()) {
                return;
            }
            int id = c.ids.remove(Math.floorMod(which, c.ids.size()));
            c.php.apply(new Free(id, 0));
            c.played.add(new Free(id, 0));
            c.sizes.remove(id);
        }
    }

    /** Another library's small mapping, or the unmapping of one: never PHP's. */
    record Noise(long pages, boolean unmap) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            c.kernel.tid = 2;
            if (unmap && !c.noise.isEmpty()) {
                long[] m = c.noise.remove(c.noise.size() - 1);
                c.kernel.munmap(m[0], m[1]);
            } else {
                long length = (1 + pages) * PAGE;
                long address = c.kernel.mmap(0, length, RW, ANON, -1, 0);
                if (!Errno.isError(address)) {
                    c.noise.add(new long[] {address, length});
                }
            }
            c.noiseEvents++;
            c.kernel.tid = 1;
        }
    }

    @ParameterizedTest
    @EnumSource(Growth.class)
    void liftingGivesBackTheDecisionsPhpMade(Growth growth) {
        ModelCheck.<Ctx>of("lift(record(decisions)) with " + growth, () -> new Ctx(growth))
                .op(3, (rnd, c) -> new Alloc(rnd.nextLong(600)))
                .op(6, (rnd, c) -> new Grow(rnd.nextInt(), rnd.nextLong(8)))
                .op(1, (rnd, c) -> new Shrink(rnd.nextInt(), rnd.nextLong(200)))
                .op(2, (rnd, c) -> new Release(rnd.nextInt()))
                .op(2, (rnd, c) -> new Noise(rnd.nextLong(4), rnd.nextBoolean()))
                .invariant(Ctx::liftBack)
                .runSeeds(120, 31, 32, 33);
    }

    private static List<String> withoutIndices(List<ZendDecision> decisions) {
        List<String> out = new ArrayList<>();
        for (ZendDecision d : decisions) {
            out.add(d.toString().replaceAll(", eventIndex=\\d+", ""));
        }
        return out;
    }
}
