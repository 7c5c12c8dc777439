package dev.linmem.replay;

import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.Errno;
import dev.linmem.space.Mman;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded synthetic "programs" of anonymous mmap/munmap/mremap calls, recorded by running them on
 * {@link LinuxMmapModel}: every address in a recording is the one Linux's top-down placement
 * would have returned, so a replay of it can be scored against Linux the way a real strace
 * recording is.
 *
 * <p>A program is a loop of steps; each step draws one action from its family's weights:
 * <ul>
 *   <li><b>burst</b>: map 1 to 8 <em>arenas</em> (at most 32 to 256 live, 4 to 16 in the chain-heavy family), all of the program's one arena size (a page
 *       multiple from 256 KiB to 1 MiB), up to the program's arena limit;</li>
 *   <li><b>round</b>: unmap each arena (and each retired chain) with one probability drawn per
 *       round (25% to 75%);</li>
 *   <li><b>grow</b>: grow one live <em>chain</em> by one step. A geometric chain multiplies its
 *       size by its factor (1.1 to 2.0), a linear one adds its fixed step; a realloc chain grows
 *       with {@code mremap(MREMAP_MAYMOVE)}, a plain one with {@code mremap(..., 0)} and on
 *       ENOMEM maps a new block and unmaps the old (PHP's huge blocks). A chain that reaches
 *       its size limit (1 to 32 MiB, log-uniform) ends: it is unmapped (70%) or retired (kept until a round frees it), and
 *       a new chain starts;</li>
 *   <li><b>one-off</b>: map a block of 2 to 32 MiB (log-uniform) that lives for 5 to 100 steps.</li>
 * </ul>
 * Nothing here is read from a shared recording; the shapes (arena bursts, geometric reallocs,
 * linear growth, big one-offs) are the ones glibc's and PHP's allocators produce.
 */
final class SyntheticPrograms {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long PAGE = LinuxMmapModel.PAGE_BYTES;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    /** A workload family: how many chains of which kind, and the weights of the actions. */
    enum Family {
        /** Arenas with 1 to 3 geometric realloc chains. */
        GEOMETRIC("geometric", 1, 3, 1.0, 0.0, 0.0, 0.02),
        /** Arenas with 1 to 3 linear realloc chains. */
        LINEAR("linear", 1, 3, 0.0, 1.0, 0.0, 0.02),
        /** Arenas with 2 to 6 realloc chains, geometric or linear, and more one-offs. */
        MIXED("mixed", 2, 6, 0.5, 0.5, 0.0, 0.04),
        /** Few arenas, 3 to 8 realloc chains of both kinds: mostly chains. */
        CHAINS("chain-heavy", 3, 8, 0.5, 0.5, 0.0, 0.03),
        /** Arenas with 1 to 4 plain growers (mremap without MAYMOVE, copy on failure), geometric or linear. */
        PLAIN("plain-grow", 1, 4, 0.5, 0.5, 1.0, 0.02);

        final String label;
        final int minChains;
        final int maxChains;
        final double geometricShare;
        final double linearShare;
        final double plainShare;
        final double oneOffWeight;

        Family(String label, int minChains, int maxChains, double geometricShare, double linearShare,
                double plainShare, double oneOffWeight) {
            this.label = label;
            this.minChains = minChains;
            this.maxChains = maxChains;
            this.geometricShare = geometricShare;
            this.linearShare = linearShare;
            this.plainShare = plainShare;
            this.oneOffWeight = oneOffWeight;
        }
    }

    private SyntheticPrograms() {
    }

    /** The recording of program {@code seed} of {@code family}, as Linux would have run it. */
    static RecordedTrace record(Family family, long seed) {
        Run run = new Run(family, seed);
        run.execute();
        return RecordedTrace.of(family.label + "-" + seed, "synthetic", "linux model", run.events);
    }

    /** A block that grows by steps. */
    private static final class Chain {
        long addr;
        long lengthBytes;
        final boolean geometric;
        final double factor;
        final long stepBytes;
        final long maxBytes;
        final boolean mayMove;

        Chain(long addr, long lengthBytes, boolean geometric, double factor, long stepBytes, long maxBytes,
                boolean mayMove) {
            this.addr = addr;
            this.lengthBytes = lengthBytes;
            this.geometric = geometric;
            this.factor = factor;
            this.stepBytes = stepBytes;
            this.maxBytes = maxBytes;
            this.mayMove = mayMove;
        }

        long nextLengthBytes() {
            if (!geometric) {
                return lengthBytes + stepBytes;
            }
            return Math.max(lengthBytes + PAGE, roundUp((long) Math.ceil(lengthBytes * factor)));
        }
    }

    /** One program being run on the model. */
    private static final class Run {
        final Family family;
        final SplittableRandom rng;
        final LinuxMmapModel linux = new LinuxMmapModel();
        final List<TraceEvent> events = new ArrayList<>();
        final List<long[]> arenas = new ArrayList<>();
        final List<long[]> retired = new ArrayList<>();
        final List<long[]> oneOffs = new ArrayList<>();
        final List<Chain> chains = new ArrayList<>();
        final long arenaBytes;
        final int maxArenas;
        final int chainCount;
        final int steps;
        int line = 1;
        int step;

        Run(Family family, long seed) {
            this.family = family;
            this.rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + family.ordinal());
            this.arenaBytes = roundUp(rng.nextLong(256 * KIB, MIB + 1));
            this.maxArenas = family == Family.CHAINS ? rng.nextInt(4, 17) : rng.nextInt(32, 257);
            this.chainCount = rng.nextInt(family.minChains, family.maxChains + 1);
            this.steps = rng.nextInt(400, 1201);
        }

        void execute() {
            for (int i = 0; i < chainCount; i++) {
                startChain();
            }
            double burst = 0.15;
            double round = 0.05;
            double total = burst + round + family.oneOffWeight + 0.75;
            for (step = 0; step < steps; step++) {
                expireOneOffs();
                double x = rng.nextDouble() * total;
                if (x < burst) {
                    burst();
                } else if (x < burst + round) {
                    round();
                } else if (x < burst + round + family.oneOffWeight) {
                    oneOff();
                } else {
                    grow(chains.get(rng.nextInt(chains.size())));
                }
                linux.checkInvariants();
            }
        }

        void startChain() {
            long start = roundUp(rng.nextLong(128 * KIB, MIB + 1));
            boolean plain = rng.nextDouble() < family.plainShare;
            boolean geometric = rng.nextDouble() * (family.geometricShare + family.linearShare) < family.geometricShare;
            long maxBytes = roundUp(logUniform(MIB, 32 * MIB));
            double factor = 1.1 + 0.9 * rng.nextDouble();
            long stepBytes = Math.max(PAGE, roundUp(rng.nextLong(4 * KIB, 512 * KIB + 1)));
            long minStep = roundUp((maxBytes - start) / 300);
            stepBytes = Math.max(stepBytes, minStep);
            long addr = mmap(start);
            chains.add(new Chain(addr, start, geometric, factor, stepBytes, maxBytes, !plain));
        }

        void burst() {
            int n = rng.nextInt(1, 9);
            for (int i = 0; i < n && arenas.size() < maxArenas; i++) {
                arenas.add(new long[] {mmap(arenaBytes), arenaBytes});
            }
        }

        void round() {
            double p = 0.25 + 0.5 * rng.nextDouble();
            freeSome(arenas, p);
            freeSome(retired, p);
        }

        void freeSome(List<long[]> blocks, double p) {
            List<long[]> kept = new ArrayList<>();
            for (long[] b : blocks) {
                if (rng.nextDouble() < p) {
                    munmap(b[0], b[1]);
                } else {
                    kept.add(b);
                }
            }
            blocks.clear();
            blocks.addAll(kept);
        }

        void oneOff() {
            long len = roundUp(logUniform(2 * MIB, 32 * MIB));
            oneOffs.add(new long[] {mmap(len), len, step + rng.nextInt(5, 101)});
        }

        void expireOneOffs() {
            oneOffs.removeIf(b -> {
                if (b[2] <= step) {
                    munmap(b[0], b[1]);
                    return true;
                }
                return false;
            });
        }

        void grow(Chain c) {
            long newLength = c.nextLengthBytes();
            if (c.mayMove) {
                long r = linux.mremap(c.addr, c.lengthBytes, newLength, true);
                events.add(new TraceEvent.Mremap(line++, 1, 0, c.addr, c.lengthBytes, newLength,
                        Mman.MREMAP_MAYMOVE, 0, r));
                check(r, "mremap");
                c.addr = r;
            } else {
                long r = linux.mremap(c.addr, c.lengthBytes, newLength, false);
                events.add(new TraceEvent.Mremap(line++, 1, 0, c.addr, c.lengthBytes, newLength, 0, 0, r));
                if (Errno.isError(r)) {
                    long moved = mmap(newLength);
                    munmap(c.addr, c.lengthBytes);
                    r = moved;
                }
                c.addr = r;
            }
            c.lengthBytes = newLength;
            if (c.lengthBytes >= c.maxBytes) {
                chains.remove(c);
                if (rng.nextDouble() < 0.7) {
                    munmap(c.addr, c.lengthBytes);
                } else {
                    retired.add(new long[] {c.addr, c.lengthBytes});
                }
                startChain();
            }
        }

        /** A number from {@code low} to {@code high} whose logarithm is uniform. */
        long logUniform(long low, long high) {
            return (long) (low * Math.pow((double) high / low, rng.nextDouble()));
        }

        long mmap(long lengthBytes) {
            long r = linux.mmap(lengthBytes);
            events.add(new TraceEvent.Mmap(line++, 1, 0, 0, lengthBytes, RW, ANON, -1, 0, r));
            return check(r, "mmap");
        }

        void munmap(long addr, long lengthBytes) {
            long r = linux.munmap(addr, lengthBytes);
            events.add(new TraceEvent.Munmap(line++, 1, 0, addr, lengthBytes, r));
            check(r, "munmap");
        }

        long check(long result, String call) {
            if (Errno.isError(result)) {
                throw new IllegalStateException(call + " failed in the Linux model: " + Errno.of(result)
                        + " (" + family + ", line " + (line - 1) + ")");
            }
            return result;
        }
    }

    private static long roundUp(long bytes) {
        return (bytes + PAGE - 1) / PAGE * PAGE;
    }
}
