package dev.linmem.replay.trace.compact;

import dev.linmem.replay.trace.EventCursor;
import dev.linmem.replay.trace.EventKind;
import dev.linmem.replay.trace.MalformedTraceException;
import dev.linmem.replay.trace.ReadSummary;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.replay.trace.TraceInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes a compact trace record by record from a byte buffer refilled from the stream.
 * Leniency does not apply: a damaged binary stream cannot be resynchronised, so any problem
 * stops the read with a {@link MalformedTraceException} naming the record and byte offset.
 */
final class CompactCursor implements EventCursor {

    private static final int BUFFER_BYTES = 1 << 16;

    private final String name;
    private final TraceInput.CountedStream in;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private int end;
    private long consumedBefore;
    private long records;
    /** Byte offset of the record being read, -1 while reading the header. */
    private long recordStartByte = -1;
    private int line;
    private int tid;
    private int space;
    private long pointer;
    private ReadSummary trailer;
    private String sourceFormat;
    private String sourceName;

    CompactCursor(TraceInput input) throws IOException {
        this.name = input.name();
        this.in = input.open();
        readHeader();
    }

    /** The format the events were converted from. */
    String sourceFormat() {
        return sourceFormat;
    }

    /** The file the events were converted from. */
    String sourceName() {
        return sourceName;
    }

    private void readHeader() throws IOException {
        if (!fillAtLeast(1)) {
            throw new MalformedTraceException(name, 0, "a compact trace, found an empty file", null);
        }
        for (byte m : CompactFormat.MAGIC) {
            if (!fillAtLeast(1) || buf[pos] != m) {
                throw malformed("the compact format's magic bytes 89 4c 4d 54 52 0d 0a 1a");
            }
            pos++;
        }
        int version = readByte("the format version");
        if (version != CompactFormat.VERSION) {
            throw malformed("format version " + CompactFormat.VERSION + ", found " + version);
        }
        sourceFormat = readString("the source format");
        sourceName = readString("the source name");
    }

    private String readString(String what) throws IOException {
        long n = varint(what);
        if (n < 0 || n > CompactFormat.MAX_STRING_BYTES) {
            throw malformed(what + " of at most " + CompactFormat.MAX_STRING_BYTES + " bytes");
        }
        byte[] b = new byte[(int) n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) readByte(what);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public TraceEvent next() throws IOException {
        if (trailer != null) {
            return null;
        }
        recordStartByte = consumedBefore + pos;
        int code = readByte("a record's kind or the end marker (is the file truncated?)");
        if (code == CompactFormat.END) {
            readTrailer();
            return null;
        }
        if (code >= EventKind.values().length) {
            throw malformed("a record's kind code below " + EventKind.values().length + " or 0xff, found " + code);
        }
        line += (int) CompactFormat.unzigzag(varint("a line delta"));
        tid += (int) CompactFormat.unzigzag(varint("a tid delta"));
        space += (int) CompactFormat.unzigzag(varint("a space delta"));
        TraceEvent e = decode(EventKind.byCode(code));
        records++;
        return e;
    }

    private TraceEvent decode(EventKind kind) throws IOException {
        switch (kind) {
            case ADDRESS_SPACE_START: {
                TraceEvent.Origin origin = CompactFormat.originOf(readByte("an origin"));
                if (origin == null) {
                    throw malformed("an origin code 0, 1 or 2");
                }
                return new TraceEvent.AddressSpaceStart(line, tid, space, (int) integer(), origin);
            }
            case MMAP:
                return new TraceEvent.Mmap(line, tid, space, pointer(), size(), (int) integer(), (int) integer(),
                        (int) integer(), size(), pointer());
            case MUNMAP:
                return new TraceEvent.Munmap(line, tid, space, pointer(), size(), pointer());
            case MREMAP:
                return new TraceEvent.Mremap(line, tid, space, pointer(), size(), size(), (int) integer(), pointer(),
                        pointer());
            case BRK:
                return new TraceEvent.Brk(line, tid, space, pointer(), pointer());
            case MPROTECT:
                return new TraceEvent.Mprotect(line, tid, space, pointer(), size(), (int) integer(), pointer());
            case MADVISE:
                return new TraceEvent.Madvise(line, tid, space, pointer(), size(), (int) integer(), pointer());
            case MALLOC:
                return new TraceEvent.Malloc(line, tid, space, size(), pointer());
            case CALLOC:
                return new TraceEvent.Calloc(line, tid, space, size(), size(), pointer());
            case REALLOC:
                return new TraceEvent.Realloc(line, tid, space, pointer(), size(), pointer());
            case REALLOCARRAY:
                return new TraceEvent.Reallocarray(line, tid, space, pointer(), size(), size(), pointer());
            case FREE:
                return new TraceEvent.Free(line, tid, space, pointer());
            case POSIX_MEMALIGN:
                return new TraceEvent.PosixMemalign(line, tid, space, size(), size(), pointer(), (int) integer());
            case ALIGNED_ALLOC:
                return new TraceEvent.AlignedAlloc(line, tid, space, size(), size(), pointer());
            case MEMALIGN:
                return new TraceEvent.Memalign(line, tid, space, size(), size(), pointer());
            case VALLOC:
                return new TraceEvent.Valloc(line, tid, space, size(), pointer());
            case PVALLOC:
                return new TraceEvent.Pvalloc(line, tid, space, size(), pointer());
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    private void readTrailer() throws IOException {
        long events = varint("the trailer's event count");
        if (events != records) {
            throw malformed("the trailer's event count " + records + ", found " + events);
        }
        long lines = varint("the trailer's line count");
        long ignored = varint("the trailer's ignored lines");
        long interrupted = varint("the trailer's interrupted calls");
        long skipped = varint("the trailer's skipped lines");
        trailer = new ReadSummary(lines, records, ignored, interrupted, skipped, List.of());
    }

    @Override
    public ReadSummary summary() {
        return trailer != null ? trailer : new ReadSummary(0, records, 0, 0, 0, List.of());
    }

    @Override
    public long inputBytesRead() {
        return in.rawBytesRead();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private long size() throws IOException {
        return varint("a size");
    }

    private long integer() throws IOException {
        return CompactFormat.unzigzag(varint("an integer"));
    }

    private long pointer() throws IOException {
        long head = varint("a pointer");
        if (head == CompactFormat.POINTER_NULL) {
            return 0;
        }
        if (head == CompactFormat.POINTER_ABSOLUTE) {
            return CompactFormat.unzigzag(varint("an absolute pointer"));
        }
        pointer += CompactFormat.unzigzag(head - CompactFormat.POINTER_DELTA_BASE);
        return pointer;
    }

    private long varint(String what) throws IOException {
        if (end - pos >= 10) {
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                byte b = buf[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw malformed(what + " as a varint of at most 10 bytes");
        }
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = readByte(what);
            v |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return v;
            }
        }
        throw malformed(what + " as a varint of at most 10 bytes");
    }

    private int readByte(String what) throws IOException {
        if (pos == end && !fillAtLeast(1)) {
            throw malformed(what + " (the file ends early)");
        }
        return buf[pos++] & 0xff;
    }

    private boolean fillAtLeast(int n) throws IOException {
        while (end - pos < n) {
            if (pos > 0) {
                consumedBefore += pos;
                System.arraycopy(buf, pos, buf, 0, end - pos);
                end -= pos;
                pos = 0;
            }
            int r = in.read(buf, end, buf.length - end);
            if (r < 0) {
                return false;
            }
            end += r;
        }
        return true;
    }

    private MalformedTraceException malformed(String expected) {
        String where = recordStartByte < 0
                ? " in the header"
                : " in record " + (records + 1) + " at byte " + recordStartByte;
        return new MalformedTraceException(name, 0, expected + where, null);
    }
}
