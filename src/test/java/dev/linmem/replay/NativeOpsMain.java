package dev.linmem.replay;

import dev.linmem.replay.trace.TraceEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the anonymous memory calls of a recording (its largest address space) as a plain op list
 * for {@code benchmarks/native/replay-native.c}, which makes the same calls on the machine's own
 * kernel: the baseline for the replayer's speed (docs/replay.md, "Speed").
 *
 * <p>Only calls that succeeded in the recording are written; file-backed mmaps, and munmap,
 * mremap, mprotect and madvise calls not wholly inside the recording's anonymous mappings (aimed
 * at the program's own files), are left out, as the {@code linmem} target skips them. Addresses are shifted by one constant, a multiple of
 * 2 MiB, so that the recorded layout lands at {@value #NATIVE_BASE} in the replaying process, clear
 * of its own libraries and stack; every mmap and every moving mremap then asks for the recorded
 * result with {@code MAP_FIXED_NOREPLACE} / {@code MREMAP_FIXED}, so the kernel does the same
 * mapping work without translation. brk is written as the distance from the first break.
 * <pre>
 *   m ADDR LEN PROT FLAGS          mmap at ADDR (the recorded result)
 *   u ADDR LEN                     munmap
 *   r OLD OLDLEN NEWLEN FLAGS NEW  mremap (NEW = OLD when it stayed in place)
 *   p ADDR LEN PROT                mprotect
 *   a ADDR LEN ADVICE              madvise
 *   b DELTA                        brk(first break + DELTA)
 * </pre>
 * Run: {@code java -cp target/classes:target/test-classes dev.linmem.replay.NativeOpsMain TRACE OUT}
 * (TRACE a shared trace or {@code extra/NAME}); prints the number of ops written.
 */
final class NativeOpsMain {

    /** Where the lowest recorded address lands in the replaying process: 32 TiB. */
    static final long NATIVE_BASE = 1L << 45;

    private static final long SHIFT_ALIGN = 2L << 20;

    private NativeOpsMain() {
    }

    public static void main(String[] args) throws IOException {
        RecordedTrace trace = PlacementCompareMain.trace(args[0]);
        long lowest = Long.MAX_VALUE;
        long firstBreak = -1;
        for (TraceEvent e : trace.events()) {
            if (e instanceof TraceEvent.Mmap m && !m.failed() && !m.isFileBacked()) {
                lowest = Math.min(lowest, m.result());
            } else if (e instanceof TraceEvent.Mremap r && !r.failed()) {
                lowest = Math.min(lowest, Math.min(r.oldAddr(), r.result()));
            } else if (e instanceof TraceEvent.Brk b && !b.failed() && firstBreak < 0) {
                firstBreak = b.result();
            }
        }
        long shift = NATIVE_BASE - lowest / SHIFT_ALIGN * SHIFT_ALIGN;
        int ops = 0;
        ByteRanges anonymous = new ByteRanges();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[1])))) {
            for (TraceEvent e : trace.events()) {
                String line = null;
                if (e instanceof TraceEvent.Mmap m && !m.failed() && !m.isFileBacked()) {
                    line = "m " + (m.result() + shift) + " " + m.lengthBytes() + " " + m.prot() + " " + m.flags();
                    anonymous.add(m.result(), m.result() + pages(m.lengthBytes()));
                } else if (e instanceof TraceEvent.Munmap u && !u.failed() && anonymous.holdsAll(u.addr(), u.addr() + pages(u.lengthBytes()))) {
                    line = "u " + (u.addr() + shift) + " " + u.lengthBytes();
                    anonymous.remove(u.addr(), u.addr() + pages(u.lengthBytes()));
                } else if (e instanceof TraceEvent.Mremap r && !r.failed()
                        && anonymous.holdsAll(r.oldAddr(), r.oldAddr() + pages(r.oldLengthBytes()))) {
                    line = "r " + (r.oldAddr() + shift) + " " + r.oldLengthBytes() + " " + r.newLengthBytes() + " "
                            + r.flags() + " " + (r.result() + shift);
                    anonymous.remove(r.oldAddr(), r.oldAddr() + pages(r.oldLengthBytes()));
                    anonymous.add(r.result(), r.result() + pages(r.newLengthBytes()));
                } else if (e instanceof TraceEvent.Mprotect p && !p.failed() && anonymous.holdsAll(p.addr(), p.addr() + pages(p.lengthBytes()))) {
                    line = "p " + (p.addr() + shift) + " " + p.lengthBytes() + " " + p.prot();
                } else if (e instanceof TraceEvent.Madvise a && !a.failed() && anonymous.holdsAll(a.addr(), a.addr() + pages(a.lengthBytes()))) {
                    line = "a " + (a.addr() + shift) + " " + a.lengthBytes() + " " + a.advice();
                } else if (e instanceof TraceEvent.Brk b && !b.failed() && firstBreak >= 0) {
                    line = "b " + (b.result() - firstBreak);
                }
                if (line != null) {
                    out.println(line);
                    ops++;
                }
            }
        }
        System.out.println(ops + " ops of " + trace.events().size() + " events written to " + args[1]);
    }

    /** {@code bytes} rounded up to whole 4 KiB pages, as the kernel rounds lengths. */
    private static long pages(long bytes) {
        return (bytes + 4095) & ~4095L;
    }
}
