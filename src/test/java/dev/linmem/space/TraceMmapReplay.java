package dev.linmem.space;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A minimal test-side replay of the anonymous mmap, munmap and mremap calls of an strace
 * recording against an {@link AddressSpace}, to compare placement policies before the real
 * replayer exists. It follows the first process only, translates recorded addresses through a
 * recorded-to-target map kept per mapping, and emulates the program's fallback (map new, copy,
 * unmap old) when a growth that worked in the recording fails here.
 *
 * <p>Measures: the peak of live anonymous bytes in the recording, our memory's size at the end
 * (wasm memory never shrinks, so it is the peak) above the base, and how many of the recorded
 * in-place growths (mremap without move, mmap honoured at the hinted end of a mapping) were
 * in place here too.
 */
final class TraceMmapReplay {

    /** Result of one replay. */
    record Result(String trace, String policy, long peakLiveBytes, long memoryBytes, int recordedGrowths,
            int keptGrowths, long bytesCopied, long bytesZeroed) {
        double ratio() {
            return (double) memoryBytes / peakLiveBytes;
        }

        double keptShare() {
            return recordedGrowths == 0 ? 1.0 : (double) keptGrowths / recordedGrowths;
        }

        String row() {
            return String.format("| %s | %s | %.1f | %.1f | %.3f | %d / %d (%.1f%%) | %.1f |", trace, policy,
                    peakLiveBytes / 1048576.0, memoryBytes / 1048576.0, ratio(), keptGrowths, recordedGrowths,
                    100 * keptShare(), bytesCopied / 1048576.0);
        }
    }

    private static final Pattern CALL = Pattern.compile("^(\\d+) (mmap|munmap|mremap|mprotect)\\((.*)\\) += (.*)$");
    private static final long PAGE = 4096;

    /** A recorded range and where its first byte lives here. */
    private record Piece(long recStart, long recEnd, long target) {
    }

    private final TreeMap<Long, Piece> pieces = new TreeMap<>();
    private final AddressSpace space;
    private long liveBytes;
    private long peakLiveBytes;
    private int recordedGrowths;
    private int keptGrowths;

    private TraceMmapReplay(PlacementPolicy policy) {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(1, 65536));
        space = AddressSpace.builder(memory).pageSizeBytes(PAGE).baseAddress(LinearMemory.PAGE_BYTES)
                .placement(policy).build();
    }

    static Result run(String trace, PlacementPolicy policy) throws IOException {
        TraceMmapReplay r = new TraceMmapReplay(policy);
        String pid = null;
        for (String line : lines(trace)) {
            Matcher m = CALL.matcher(line);
            if (!m.matches()) {
                continue;
            }
            if (pid == null) {
                pid = m.group(1);
            }
            if (!pid.equals(m.group(1))) {
                continue;
            }
            r.event(m.group(2), m.group(3).split(", "), m.group(4));
        }
        r.space.checkInvariants();
        AddressSpaceStats st = r.space.stats();
        return new Result(trace, policy.name(), r.peakLiveBytes, st.memoryBytes() - r.space.baseAddress(),
                r.recordedGrowths, r.keptGrowths, st.bytesCopied(), st.bytesZeroed());
    }

    /** The recording's lines, from the gzipped test resources (copies of ../shared/traces). */
    private static List<String> lines(String trace) throws IOException {
        String resource = "/traces/" + trace + ".gz";
        try (InputStream in = TraceMmapReplay.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
                return r.lines().collect(java.util.stream.Collectors.toList());
            }
        }
    }

    private void event(String call, String[] args, String result) {
        boolean failed = result.startsWith("-1");
        long ret = failed ? -1 : parse(result.split(" ")[0]);
        switch (call) {
            case "mmap" -> {
                if (failed || !args[3].contains("MAP_ANONYMOUS")) {
                    return;
                }
                mmap(args, ret);
            }
            case "munmap" -> {
                if (!failed) {
                    unmap(parse(args[0]), roundUp(parse(args[1])));
                }
            }
            case "mremap" -> {
                if (!failed) {
                    mremap(parse(args[0]), roundUp(parse(args[1])), roundUp(parse(args[2])), args[3], ret);
                }
            }
            case "mprotect" -> mprotect(args, failed);
            default -> throw new IllegalStateException(call);
        }
    }

    private void mmap(String[] args, long ret) {
        long len = roundUp(parse(args[1]));
        int prot = prot(args[2]);
        long hint = args[0].equals("NULL") ? 0 : parse(args[0]);
        if (args[3].contains("MAP_FIXED")) {
            Piece p = pieceAt(hint);
            if (p == null) {
                return; // over a file mapping or a mapping made before the trace
            }
            long t = space.mmap(translate(p, hint), len, prot, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED);
            check(t);
            removeRecorded(hint, hint + len);
            add(hint, hint + len, t);
            return;
        }
        Piece before = hint == 0 ? null : pieceAt(hint - 1);
        boolean recordedGrowth = before != null && before.recEnd == hint && ret == hint;
        long targetHint = before != null && before.recEnd == hint ? translate(before, hint) : 0;
        if (recordedGrowth) {
            recordedGrowths++;
        }
        long t = space.mmap(targetHint, len, prot, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        check(t);
        if (recordedGrowth && t != targetHint) {
            // The program would give the mapping back, allocate the whole block anew, copy, free.
            space.munmap(t, len);
            long blockStart = blockStart(before);
            long newTarget = moveBlock(blockStart, hint, len);
            add(hint, hint + len, newTarget + (hint - blockStart));
            return;
        }
        if (recordedGrowth) {
            keptGrowths++;
        }
        add(ret, ret + len, t);
    }

    /** The recorded start of the run of touching pieces that ends with {@code last}. */
    private long blockStart(Piece last) {
        Piece p = last;
        for (Piece prev = pieceAt(p.recStart - 1); prev != null && prev.recEnd == p.recStart; prev = pieceAt(p.recStart - 1)) {
            p = prev;
        }
        return p.recStart;
    }

    /**
     * Maps a new block for recorded {@code [recStart, recEnd)} plus {@code extraBytes}, copies the
     * old contents, unmaps the old pieces and re-points them; returns the new target start.
     */
    private long moveBlock(long recStart, long recEnd, long extraBytes) {
        long size = recEnd - recStart;
        long t = space.mmap(0, size + extraBytes, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        check(t);
        List<Piece> old = recordedIn(recStart, recEnd);
        for (Piece p : old) {
            space.memory().copy(t + (p.recStart - recStart), p.target, p.recEnd - p.recStart);
            check(space.munmap(p.target, p.recEnd - p.recStart));
            pieces.remove(p.recStart);
            liveBytes -= p.recEnd - p.recStart;
            add(p.recStart, p.recEnd, t + (p.recStart - recStart));
        }
        return t;
    }

    private void mremap(long old, long oldLen, long newLen, String flags, long ret) {
        Piece p = pieceAt(old);
        if (p == null) {
            return;
        }
        long target = translate(p, old);
        boolean recordedInPlace = ret == old && newLen > oldLen;
        if (recordedInPlace) {
            recordedGrowths++;
        }
        long t = space.mremap(target, oldLen, newLen, flags.contains("MAYMOVE") ? Mman.MREMAP_MAYMOVE : 0, 0);
        if (Errno.isError(t)) {
            // Grew in place in the recording but not here: the program falls back to a move.
            t = space.mremap(target, oldLen, newLen, Mman.MREMAP_MAYMOVE, 0);
            if (Errno.isError(t)) {
                removeRecorded(old, old + oldLen);
                long moved = moveBlockFrom(target, oldLen, newLen);
                add(ret, ret + newLen, moved);
                return;
            }
        } else if (recordedInPlace && t == target) {
            keptGrowths++;
        }
        removeRecorded(old, old + oldLen);
        add(ret, ret + newLen, t);
    }

    private long moveBlockFrom(long target, long oldLen, long newLen) {
        long t = space.mmap(0, newLen, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        check(t);
        space.memory().copy(t, target, Math.min(oldLen, newLen));
        check(space.munmap(target, oldLen));
        return t;
    }

    private void mprotect(String[] args, boolean failed) {
        if (failed) {
            return;
        }
        long addr = parse(args[0]);
        long len = roundUp(parse(args[1]));
        for (Piece p : recordedIn(addr, addr + len)) {
            long s = Math.max(addr, p.recStart);
            long e = Math.min(addr + len, p.recEnd);
            space.mprotect(translate(p, s), e - s, prot(args[2]));
        }
    }

    private void unmap(long addr, long len) {
        for (Piece p : recordedIn(addr, addr + len)) {
            long s = Math.max(addr, p.recStart);
            long e = Math.min(addr + len, p.recEnd);
            check(space.munmap(translate(p, s), e - s));
        }
        removeRecorded(addr, addr + len);
    }

    private void removeRecorded(long s, long e) {
        for (Piece p : recordedIn(s, e)) {
            pieces.remove(p.recStart);
            liveBytes -= p.recEnd - p.recStart;
            if (p.recStart < s) {
                add(p.recStart, s, p.target);
            }
            if (e < p.recEnd) {
                add(e, p.recEnd, translate(p, e));
            }
        }
    }

    private void add(long recStart, long recEnd, long target) {
        pieces.put(recStart, new Piece(recStart, recEnd, target));
        liveBytes += recEnd - recStart;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
    }

    private List<Piece> recordedIn(long s, long e) {
        List<Piece> out = new ArrayList<>();
        Map.Entry<Long, Piece> first = pieces.floorEntry(s);
        long from = first != null && first.getValue().recEnd > s ? first.getKey() : s;
        for (Piece p : pieces.subMap(from, true, e, false).values()) {
            out.add(p);
        }
        return out;
    }

    private Piece pieceAt(long addr) {
        Map.Entry<Long, Piece> e = pieces.floorEntry(addr);
        return e != null && e.getValue().recEnd > addr ? e.getValue() : null;
    }

    private static long translate(Piece p, long addr) {
        return p.target + (addr - p.recStart);
    }

    private static void check(long result) {
        if (Errno.isError(result)) {
            throw new IllegalStateException("replay call failed: " + Errno.of(result));
        }
    }

    private static int prot(String s) {
        int prot = 0;
        prot |= s.contains("PROT_READ") ? Mman.PROT_READ : 0;
        prot |= s.contains("PROT_WRITE") ? Mman.PROT_WRITE : 0;
        prot |= s.contains("PROT_EXEC") ? Mman.PROT_EXEC : 0;
        return prot;
    }

    private static long roundUp(long len) {
        return (len + PAGE - 1) & -PAGE;
    }

    private static long parse(String s) {
        s = s.trim();
        if (s.equals("NULL")) {
            return 0;
        }
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }
}
