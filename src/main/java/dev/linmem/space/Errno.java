package dev.linmem.space;

/**
 * The POSIX error numbers the mmap and malloc families report, with Linux's values.
 *
 * <p>Calls of the mmap family return a {@code long}: a non-negative address or 0 on success,
 * or {@code -errno} on failure, as the Linux system call does. {@link #isError(long)} and
 * {@link #of(long)} decode such a result without allocating.
 */
public enum Errno {
    EPERM(1),
    ENOENT(2),
    EBADF(9),
    EAGAIN(11),
    ENOMEM(12),
    EACCES(13),
    EFAULT(14),
    EEXIST(17),
    ENODEV(19),
    EINVAL(22),
    EOVERFLOW(75),
    ENOTSUP(95);

    private static final Errno[] BY_NUMBER = new Errno[128];

    static {
        for (Errno e : values()) {
            BY_NUMBER[e.number] = e;
        }
    }

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** Linux's number for this error. */
    public int number() {
        return number;
    }

    /** The encoded failure result: {@code -number()}. */
    public long result() {
        return -number;
    }

    /** True when {@code result} encodes an error (a value in [-4095, -1], as in the kernel). */
    public static boolean isError(long result) {
        return result < 0 && result >= -4095;
    }

    /** The error a result encodes, or null for a success. */
    public static Errno of(long result) {
        if (!isError(result)) {
            return null;
        }
        return byNumber((int) -result);
    }

    /** The error with Linux's number {@code number}. */
    public static Errno byNumber(int number) {
        Errno e = number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
        if (e == null) {
            throw new IllegalArgumentException("unknown errno " + number);
        }
        return e;
    }
}
