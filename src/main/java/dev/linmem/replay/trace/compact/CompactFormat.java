package dev.linmem.replay.trace.compact;

import dev.linmem.replay.trace.TraceEvent;

/**
 * The constants and number coding of linmem's compact trace format, version 1.
 *
 * <p>Layout (all integers are LEB128 varints unless said otherwise):
 * <pre>
 *   header  := magic(8 bytes: 89 4c 4d 54 52 0d 0a 1a) version(1 byte = 1)
 *              sourceFormat(string) sourceName(string)
 *   record* := kind(1 byte, EventKind.code()) line(zz delta) tid(zz delta) space(zz delta) fields
 *   trailer := 0xff events lines ignoredLines interruptedCalls skippedLines
 *   string  := length(varint) UTF-8 bytes
 * </pre>
 * Field codings: <em>size</em> = unsigned varint (10 bytes cover 64 bits); <em>int</em> =
 * zigzag varint; <em>pointer</em> = see {@link #encodePointer}. The fields of each kind, in
 * order, are those of its {@link TraceEvent} record after {@code line, tid, space}, with
 * addresses and results as pointers; the start's origin is one byte (INITIAL 0, EXEC 1,
 * FORK 2).
 */
public final class CompactFormat {

    private CompactFormat() {
    }

    /** The first 8 bytes of every compact trace (a non-ASCII byte, "LMTR", CR LF, ^Z). */
    static final byte[] MAGIC = {(byte) 0x89, 'L', 'M', 'T', 'R', '\r', '\n', 0x1a};

    /** The format version this code writes and reads. */
    static final int VERSION = 1;

    /** The kind byte that ends the records. */
    static final int END = 0xff;

    /** Longest accepted string in the header. */
    static final int MAX_STRING_BYTES = 4096;

    /** Pointer head: the value is 0. */
    static final long POINTER_NULL = 0;
    /** Pointer head: an absolute zigzag value follows; the register is not updated. */
    static final long POINTER_ABSOLUTE = 1;
    /** Pointer heads from this one on carry {@code zigzag(value - register) + 2}. */
    static final long POINTER_DELTA_BASE = 2;

    /** Zigzag: small magnitudes of either sign become small unsigned numbers. */
    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    /**
     * The head of a pointer field: {@link #POINTER_NULL} for 0; a delta head when
     * {@code zigzag(value - register) + 2} fits 64 bits unsigned; otherwise
     * {@link #POINTER_ABSOLUTE} (then {@code zigzag(value)} follows). Results such as
     * {@code -errno} or {@link TraceEvent#UNKNOWN_ADDRESS} take the absolute form so the
     * register stays near the addresses.
     */
    static long encodePointer(long value, long register) {
        if (value == 0) {
            return POINTER_NULL;
        }
        if (value < 0 && value > -4096 || value == TraceEvent.UNKNOWN_ADDRESS) {
            return POINTER_ABSOLUTE;
        }
        long zz = zigzag(value - register);
        if (Long.compareUnsigned(zz, -1L - POINTER_DELTA_BASE) > 0) {
            return POINTER_ABSOLUTE;
        }
        return zz + POINTER_DELTA_BASE;
    }

    static int originCode(TraceEvent.Origin origin) {
        switch (origin) {
            case INITIAL:
                return 0;
            case EXEC:
                return 1;
            case FORK:
                return 2;
            default:
                throw new IllegalArgumentException(origin.toString());
        }
    }

    static TraceEvent.Origin originOf(int code) {
        switch (code) {
            case 0:
                return TraceEvent.Origin.INITIAL;
            case 1:
                return TraceEvent.Origin.EXEC;
            case 2:
                return TraceEvent.Origin.FORK;
            default:
                return null;
        }
    }
}
