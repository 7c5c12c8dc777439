package dev.linmem.replay.trace.compact;

import dev.linmem.replay.trace.ReadSummary;
import dev.linmem.replay.trace.TraceEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes events in linmem's compact format ({@link CompactFormat}): the header on
 * construction, one record per {@link #write}, the trailer on {@link #finish}. The caller
 * buffers and closes the stream.
 *
 * <p>Invariant: the registers ({@code line, tid, space, pointer}) equal the values the reader
 * will hold after decoding the records written so far.
 */
public final class CompactWriter {

    private final OutputStream out;
    private final byte[] buf = new byte[128];
    private int len;
    private long events;
    private int line;
    private int tid;
    private int space;
    private long pointer;
    private boolean finished;

    /**
     * Writes the header.
     *
     * @param sourceFormat the format the events were read from (e.g. {@code strace})
     * @param sourceName   the file they were read from
     */
    public CompactWriter(OutputStream out, String sourceFormat, String sourceName) throws IOException {
        this.out = out;
        out.write(CompactFormat.MAGIC);
        out.write(CompactFormat.VERSION);
        writeString(sourceFormat);
        writeString(sourceName);
    }

    private void writeString(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > CompactFormat.MAX_STRING_BYTES) {
            b = Arrays.copyOf(b, CompactFormat.MAX_STRING_BYTES);
        }
        len = 0;
        varint(b.length);
        out.write(buf, 0, len);
        out.write(b);
    }

    /** Appends one event. */
    public void write(TraceEvent e) throws IOException {
        if (finished) {
            throw new IllegalStateException("write after finish");
        }
        len = 0;
        buf[len++] = (byte) e.kind().code();
        varint(CompactFormat.zigzag((long) e.line() - line));
        varint(CompactFormat.zigzag((long) e.tid() - tid));
        varint(CompactFormat.zigzag((long) e.space() - space));
        line = e.line();
        tid = e.tid();
        space = e.space();
        fields(e);
        out.write(buf, 0, len);
        events++;
    }

    private void fields(TraceEvent e) {
        switch (e.kind()) {
            case ADDRESS_SPACE_START: {
                TraceEvent.AddressSpaceStart s = (TraceEvent.AddressSpaceStart) e;
                buf[len++] = (byte) CompactFormat.originCode(s.origin());
                integer(s.parentSpace());
                break;
            }
            case MMAP: {
                TraceEvent.Mmap m = (TraceEvent.Mmap) e;
                pointer(m.addr());
                varint(m.lengthBytes());
                integer(m.prot());
                integer(m.flags());
                integer(m.fd());
                varint(m.offsetBytes());
                pointer(m.result());
                break;
            }
            case MUNMAP: {
                TraceEvent.Munmap m = (TraceEvent.Munmap) e;
                pointer(m.addr());
                varint(m.lengthBytes());
                pointer(m.result());
                break;
            }
            case MREMAP: {
                TraceEvent.Mremap m = (TraceEvent.Mremap) e;
                pointer(m.oldAddr());
                varint(m.oldLengthBytes());
                varint(m.newLengthBytes());
                integer(m.flags());
                pointer(m.newAddr());
                pointer(m.result());
                break;
            }
            case BRK: {
                TraceEvent.Brk b = (TraceEvent.Brk) e;
                pointer(b.requested());
                pointer(b.result());
                break;
            }
            case MPROTECT: {
                TraceEvent.Mprotect m = (TraceEvent.Mprotect) e;
                pointer(m.addr());
                varint(m.lengthBytes());
                integer(m.prot());
                pointer(m.result());
                break;
            }
            case MADVISE: {
                TraceEvent.Madvise m = (TraceEvent.Madvise) e;
                pointer(m.addr());
                varint(m.lengthBytes());
                integer(m.advice());
                pointer(m.result());
                break;
            }
            case MALLOC: {
                TraceEvent.Malloc m = (TraceEvent.Malloc) e;
                varint(m.sizeBytes());
                pointer(m.result());
                break;
            }
            case CALLOC: {
                TraceEvent.Calloc c = (TraceEvent.Calloc) e;
                varint(c.count());
                varint(c.sizeBytes());
                pointer(c.result());
                break;
            }
            case REALLOC: {
                TraceEvent.Realloc r = (TraceEvent.Realloc) e;
                pointer(r.ptr());
                varint(r.sizeBytes());
                pointer(r.result());
                break;
            }
            case REALLOCARRAY: {
                TraceEvent.Reallocarray r = (TraceEvent.Reallocarray) e;
                pointer(r.ptr());
                varint(r.count());
                varint(r.sizeBytes());
                pointer(r.result());
                break;
            }
            case FREE:
                pointer(((TraceEvent.Free) e).ptr());
                break;
            case POSIX_MEMALIGN: {
                TraceEvent.PosixMemalign p = (TraceEvent.PosixMemalign) e;
                varint(p.alignmentBytes());
                varint(p.sizeBytes());
                pointer(p.result());
                integer(p.rc());
                break;
            }
            case ALIGNED_ALLOC: {
                TraceEvent.AlignedAlloc a = (TraceEvent.AlignedAlloc) e;
                varint(a.alignmentBytes());
                varint(a.sizeBytes());
                pointer(a.result());
                break;
            }
            case MEMALIGN: {
                TraceEvent.Memalign a = (TraceEvent.Memalign) e;
                varint(a.alignmentBytes());
                varint(a.sizeBytes());
                pointer(a.result());
                break;
            }
            case VALLOC: {
                TraceEvent.Valloc v = (TraceEvent.Valloc) e;
                varint(v.sizeBytes());
                pointer(v.result());
                break;
            }
            case PVALLOC: {
                TraceEvent.Pvalloc v = (TraceEvent.Pvalloc) e;
                varint(v.sizeBytes());
                pointer(v.result());
                break;
            }
            default:
                throw new IllegalArgumentException("no compact coding for " + e.kind());
        }
    }

    /**
     * Writes the trailer (the summary of the source read, with this writer's event count);
     * nothing may be written after it.
     */
    public void finish(ReadSummary source) throws IOException {
        finished = true;
        len = 0;
        buf[len++] = (byte) CompactFormat.END;
        varint(events);
        varint(source.lines());
        varint(source.ignoredLines());
        varint(source.interruptedCalls());
        varint(source.skippedLines());
        out.write(buf, 0, len);
        out.flush();
    }

    /** Records written so far. */
    public long events() {
        return events;
    }

    private void varint(long v) {
        while ((v & ~0x7fL) != 0) {
            buf[len++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    private void integer(long v) {
        varint(CompactFormat.zigzag(v));
    }

    private void pointer(long value) {
        long head = CompactFormat.encodePointer(value, pointer);
        varint(head);
        if (head == CompactFormat.POINTER_ABSOLUTE) {
            varint(CompactFormat.zigzag(value));
        } else if (head != CompactFormat.POINTER_NULL) {
            pointer = value;
        }
    }
}
