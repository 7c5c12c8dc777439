package dev.linmem.replay;

import dev.linmem.alloc.Allocator;
import dev.linmem.memory.LinearMemory;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
import java.util.Set;

/** Prints every target call that failed during a replay, with the event that caused it (a development aid). */
final class FailureLogMain {

    private FailureLogMain() {
    }

    public static void main(String[] args) {
        String traceName = args[0];
        Target real = TargetRegistry.standard().targetNamed(args.length > 1 ? args[1] : "linmem");
        RecordedTrace trace = SharedTraces.get(traceName);
        TraceEvent[] current = new TraceEvent[1];
        Target logging = new Target() {
            public String name() { return real.name(); }
            public String description() { return real.description(); }
            public Set<Capability> capabilities() { return real.capabilities(); }
            public Machine newMachine(TargetOptions options) {
                Machine m = real.newMachine(options);
                MemoryMapper inner = real.capabilities().contains(Capability.MMAP) ? m.mapper() : null;
                MemoryMapper logged = inner == null ? null : new MemoryMapper() {
                    public LinearMemory memory() { return inner.memory(); }
                    public long pageSizeBytes() { return inner.pageSizeBytes(); }
                    public long mmap(long a, long l, int p, int f, int fd, long o) {
                        return log("mmap", a, l, inner.mmap(a, l, p, f, fd, o));
                    }
                    public long munmap(long a, long l) { return log("munmap", a, l, inner.munmap(a, l)); }
                    public long mremap(long a, long ol, long nl, int f, long na) {
                        return log("mremap(" + ol + "->" + nl + ",f=" + f + ")", a, nl, inner.mremap(a, ol, nl, f, na));
                    }
                    public long mprotect(long a, long l, int p) { return log("mprotect", a, l, inner.mprotect(a, l, p)); }
                    public long madvise(long a, long l, int adv) { return log("madvise", a, l, inner.madvise(a, l, adv)); }
                    public void checkInvariants() { inner.checkInvariants(); }
                };
                return new Machine() {
                    public LinearMemory memory() { return m.memory(); }
                    public MemoryMapper mapper() { return logged; }
                    public long sbrk(long d) { return log("sbrk", 0, d, m.sbrk(d)); }
                    public Allocator allocator() { return m.allocator(); }
                    public long clearedBytes() { return m.clearedBytes(); }
                    public void checkInvariants() { m.checkInvariants(); }
                };
            }
            long log(String call, long a, long l, long r) {
                if (Errno.isError(r) || args.length > 2) {
                    System.out.printf("line %d: %s(0x%x, %d) = %s   [%s]%n", current[0].line(), call, a, l,
                            Errno.isError(r) ? Errno.of(r).toString() : "0x" + Long.toHexString(r), current[0]);
                }
                return r;
            }
            public EventPlayer newPlayer(Machine machine, RecordedTrace t, ReplayMeter meter) {
                EventPlayer inner = real.newPlayer(machine, t, meter);
                return new EventPlayer() {
                    public boolean play(TraceEvent e) { current[0] = e; return inner.play(e); }
                    public void visitLiveRanges(LiveRangeVisitor v) { inner.visitLiveRanges(v); }
                    public void checkInvariants() { inner.checkInvariants(); }
                };
            }
        };
        TargetResult r = new Replayer(TargetOptions.defaults()).replay(trace, logging);
        System.out.println(r.failedCalls() + " lost=" + r.inPlaceLost() + " overhead=" + r.overhead());
    }
}
