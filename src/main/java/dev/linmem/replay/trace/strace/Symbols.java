package dev.linmem.replay.trace.strace;

import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.Numbers;
import dev.linmem.space.Mman;
import java.util.HashMap;
import java.util.Map;

/**
 * The symbolic names strace prints for flags, advice and errors, with Linux's x86-64 values.
 * A flag list is {@code |}-joined names and hex numbers; a name not in the table is opaque (it
 * contributes no bits), as the format's notes ask.
 */
final class Symbols {

    private Symbols() {
    }

    /** Advice value for a name strace printed that this table does not know. */
    static final int UNKNOWN_ADVICE = -1;

    /** Result for an errno name this table does not know: the kernel's largest error. */
    static final long UNKNOWN_ERRNO_RESULT = -4095;

    private static final Map<String, Integer> FLAGS = new HashMap<>();
    private static final Map<String, Integer> ADVICE = new HashMap<>();
    private static final Map<String, Integer> ERRNO = new HashMap<>();
    /** The keys of {@link #FLAGS}, indexed by their length. */
    private static final String[][] FLAG_NAMES_BY_LENGTH;

    static {
        FLAGS.put("PROT_NONE", Mman.PROT_NONE);
        FLAGS.put("PROT_READ", Mman.PROT_READ);
        FLAGS.put("PROT_WRITE", Mman.PROT_WRITE);
        FLAGS.put("PROT_EXEC", Mman.PROT_EXEC);
        FLAGS.put("PROT_SEM", 0x8);
        FLAGS.put("PROT_GROWSDOWN", Mman.PROT_GROWSDOWN);
        FLAGS.put("PROT_GROWSUP", Mman.PROT_GROWSUP);
        FLAGS.put("MAP_SHARED", Mman.MAP_SHARED);
        FLAGS.put("MAP_PRIVATE", Mman.MAP_PRIVATE);
        FLAGS.put("MAP_SHARED_VALIDATE", Mman.MAP_SHARED_VALIDATE);
        FLAGS.put("MAP_FIXED", Mman.MAP_FIXED);
        FLAGS.put("MAP_ANONYMOUS", Mman.MAP_ANONYMOUS);
        FLAGS.put("MAP_ANON", Mman.MAP_ANONYMOUS);
        FLAGS.put("MAP_32BIT", 0x40);
        FLAGS.put("MAP_GROWSDOWN", Mman.MAP_GROWSDOWN);
        FLAGS.put("MAP_DENYWRITE", Mman.MAP_DENYWRITE);
        FLAGS.put("MAP_EXECUTABLE", Mman.MAP_EXECUTABLE);
        FLAGS.put("MAP_LOCKED", Mman.MAP_LOCKED);
        FLAGS.put("MAP_NORESERVE", Mman.MAP_NORESERVE);
        FLAGS.put("MAP_POPULATE", Mman.MAP_POPULATE);
        FLAGS.put("MAP_NONBLOCK", Mman.MAP_NONBLOCK);
        FLAGS.put("MAP_STACK", Mman.MAP_STACK);
        FLAGS.put("MAP_HUGETLB", Mman.MAP_HUGETLB);
        FLAGS.put("MAP_SYNC", 0x80000);
        FLAGS.put("MAP_FIXED_NOREPLACE", Mman.MAP_FIXED_NOREPLACE);
        FLAGS.put("MAP_UNINITIALIZED", 0x4000000);
        FLAGS.put("MREMAP_MAYMOVE", Mman.MREMAP_MAYMOVE);
        FLAGS.put("MREMAP_FIXED", Mman.MREMAP_FIXED);
        FLAGS.put("MREMAP_DONTUNMAP", Mman.MREMAP_DONTUNMAP);

        ADVICE.put("MADV_NORMAL", Mman.MADV_NORMAL);
        ADVICE.put("MADV_RANDOM", Mman.MADV_RANDOM);
        ADVICE.put("MADV_SEQUENTIAL", Mman.MADV_SEQUENTIAL);
        ADVICE.put("MADV_WILLNEED", Mman.MADV_WILLNEED);
        ADVICE.put("MADV_DONTNEED", Mman.MADV_DONTNEED);
        ADVICE.put("MADV_FREE", Mman.MADV_FREE);
        ADVICE.put("MADV_REMOVE", Mman.MADV_REMOVE);
        ADVICE.put("MADV_DONTFORK", Mman.MADV_DONTFORK);
        ADVICE.put("MADV_DOFORK", Mman.MADV_DOFORK);
        ADVICE.put("MADV_MERGEABLE", Mman.MADV_MERGEABLE);
        ADVICE.put("MADV_UNMERGEABLE", Mman.MADV_UNMERGEABLE);
        ADVICE.put("MADV_HUGEPAGE", Mman.MADV_HUGEPAGE);
        ADVICE.put("MADV_NOHUGEPAGE", Mman.MADV_NOHUGEPAGE);
        ADVICE.put("MADV_DONTDUMP", Mman.MADV_DONTDUMP);
        ADVICE.put("MADV_DODUMP", Mman.MADV_DODUMP);
        ADVICE.put("MADV_WIPEONFORK", 18);
        ADVICE.put("MADV_KEEPONFORK", 19);
        ADVICE.put("MADV_COLD", 20);
        ADVICE.put("MADV_PAGEOUT", 21);
        ADVICE.put("MADV_POPULATE_READ", 22);
        ADVICE.put("MADV_POPULATE_WRITE", 23);

        String[] names = {
            null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
            "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
            "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY",
            "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",
            "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",
        };
        for (int i = 1; i < names.length; i++) {
            ERRNO.put(names[i], i);
        }
        int longest = 0;
        for (String name : FLAGS.keySet()) {
            longest = Math.max(longest, name.length());
        }
        FLAG_NAMES_BY_LENGTH = new String[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            final int l = length;
            FLAG_NAMES_BY_LENGTH[length] = FLAGS.keySet().stream().filter(n -> n.length() == l).sorted()
                    .toArray(String[]::new);
        }

        ERRNO.put("EWOULDBLOCK", 11);
        ERRNO.put("EOVERFLOW", 75);
        ERRNO.put("EOPNOTSUPP", 95);
        ERRNO.put("ENOTSUP", 95);
        ERRNO.put("ERESTARTSYS", 512);
        ERRNO.put("ERESTARTNOINTR", 513);
        ERRNO.put("ERESTARTNOHAND", 514);
        ERRNO.put("ERESTART_RESTARTBLOCK", 516);
    }

    /**
     * The bits of a {@code |}-joined flag list in {@code s[from, to)}: known names, hex or
     * decimal numbers; unknown names are opaque.
     */
    static int flags(String s, int from, int to, String what) throws BadLine {
        if (from >= to) {
            throw new BadLine(what + ", found nothing");
        }
        int bits = 0;
        int start = from;
        while (start <= to) {
            int bar = s.indexOf('|', start);
            int end = bar < 0 || bar > to ? to : bar;
            if (end == start) {
                throw new BadLine(what + " as '|'-joined names, found an empty name");
            }
            if (Numbers.isNumber(s, start, end)) {
                bits |= (int) Numbers.parse(s, start, end, what);
            } else {
                requireName(s, start, end, what);
                bits |= flagBits(s, start, end);
            }
            start = end + 1;
        }
        return bits;
    }

    /**
     * The bits of the flag name {@code s[from, to)}, 0 for an unknown name. Looks the slice up
     * among the names of its length without allocating (the hot path of mmap lines).
     */
    private static int flagBits(String s, int from, int to) {
        int length = to - from;
        if (length >= FLAG_NAMES_BY_LENGTH.length) {
            return 0;
        }
        for (String name : FLAG_NAMES_BY_LENGTH[length]) {
            if (s.startsWith(name, from)) {
                return FLAGS.get(name);
            }
        }
        return 0;
    }

    /** madvise's advice: a number, a known name, or {@link #UNKNOWN_ADVICE}. */
    static int advice(String s, int from, int to) throws BadLine {
        if (Numbers.isNumber(s, from, to)) {
            return (int) Numbers.parse(s, from, to, "madvise advice");
        }
        requireName(s, from, to, "madvise advice");
        return ADVICE.getOrDefault(s.substring(from, to), UNKNOWN_ADVICE);
    }

    /** The {@code -errno} result for an errno name; unknown names give {@link #UNKNOWN_ERRNO_RESULT}. */
    static long errnoResult(String name) {
        Integer n = ERRNO.get(name);
        return n == null ? UNKNOWN_ERRNO_RESULT : -n;
    }

    private static void requireName(String s, int from, int to, String what) throws BadLine {
        if (from >= to) {
            throw new BadLine(what + ", found nothing");
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 'a' && c <= 'z')) {
                throw new BadLine(what + " as a symbolic name or number, found '" + s.substring(from, to) + "'");
            }
        }
    }
}
