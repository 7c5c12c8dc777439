package dev.linmem.replay.trace.text;

import dev.linmem.replay.trace.TraceEvent;

/**
 * A malloc-family or mmap-family call as the heap recorders print it,
 * {@code name(arg, arg, ...) = result}, with plain numeric arguments (no nesting), turned into
 * an event. Shared by the {@code .malloc} and ltrace readers. Reused call after call.
 *
 * <p>Values: pointers are hex, or {@code 0}, {@code NULL} or {@code nil} for NULL; sizes, fds,
 * offsets, prot and flags are numbers (hex or decimal); {@code free} returns {@code <void>}. A
 * failed mmap or mremap prints {@code MAP_FAILED} ({@code 0xffffffffffffffff}), which reads as
 * -1: a failure whose errno the recording does not say.
 */
public final class CallLine {

    private static final int MAX_ARGS = 6;

    private String text;
    private String name;
    private final int[] argFrom = new int[MAX_ARGS];
    private final int[] argTo = new int[MAX_ARGS];
    private int argc;
    private int resultFrom;
    private int resultTo;

    /** The call's name, after {@link #parse}. */
    public String name() {
        return name;
    }

    /**
     * Parses {@code s[from, end)} as {@code name(args) = result}; spaces may pad the
     * {@code =}; text after the result (ltrace's {@code <time>}) is ignored.
     */
    public void parse(String s, int from) throws BadLine {
        text = s;
        int open = s.indexOf('(', from);
        if (open <= from) {
            throw new BadLine("a call 'name(arguments) = result'");
        }
        for (int i = from; i < open; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                throw new BadLine("a call name of lower-case letters, digits and '_', found '" + s.substring(from, open) + "'");
            }
        }
        name = s.substring(from, open);
        int close = s.indexOf(')', open);
        if (close < 0) {
            throw new BadLine("')' closing the arguments of " + name + " (is the line truncated?)");
        }
        splitArgs(open + 1, close);
        int p = close + 1;
        int n = s.length();
        while (p < n && s.charAt(p) == ' ') {
            p++;
        }
        if (p >= n || s.charAt(p) != '=') {
            throw new BadLine("' = result' after the arguments of " + name + " (is the line truncated?)");
        }
        p++;
        while (p < n && s.charAt(p) == ' ') {
            p++;
        }
        int q = p;
        while (q < n && s.charAt(q) != ' ') {
            q++;
        }
        if (q == p) {
            throw new BadLine("a result after '=' of " + name);
        }
        resultFrom = p;
        resultTo = q;
    }

    private void splitArgs(int from, int to) throws BadLine {
        argc = 0;
        if (from == to) {
            return;
        }
        int start = from;
        while (true) {
            int comma = text.indexOf(',', start);
            int end = comma < 0 || comma > to ? to : comma;
            if (argc == MAX_ARGS) {
                throw new BadLine("at most " + MAX_ARGS + " arguments of " + name);
            }
            int a = start;
            int b = end;
            while (a < b && text.charAt(a) == ' ') {
                a++;
            }
            while (b > a && text.charAt(b - 1) == ' ') {
                b--;
            }
            argFrom[argc] = a;
            argTo[argc] = b;
            argc++;
            if (end == to) {
                return;
            }
            start = end + 1;
        }
    }

    private void requireArgs(int min, int max) throws BadLine {
        if (argc < min || argc > max) {
            String want = min == max ? Integer.toString(min) : min + " or " + max;
            throw new BadLine(want + " arguments of " + name + ", found " + argc);
        }
    }

    private static boolean isNullWord(String s, int from, int to) {
        int len = to - from;
        return len == 4 && s.startsWith("NULL", from) || len == 3 && s.startsWith("nil", from);
    }

    /** Argument {@code i} as a pointer. */
    public long pointer(int i, String what) throws BadLine {
        if (isNullWord(text, argFrom[i], argTo[i])) {
            return 0;
        }
        return Numbers.parse(text, argFrom[i], argTo[i], what);
    }

    /** Argument {@code i} as a number. */
    public long number(int i, String what) throws BadLine {
        return Numbers.parse(text, argFrom[i], argTo[i], what);
    }

    /** The result as a pointer or number ({@code <void>} is rejected). */
    public long result() throws BadLine {
        if (isNullWord(text, resultFrom, resultTo)) {
            return 0;
        }
        return Numbers.parse(text, resultFrom, resultTo, "the result of " + name);
    }

    /** True when the result is {@code <void>}. */
    public boolean resultIsVoid() {
        return resultTo - resultFrom == 6 && text.startsWith("<void>", resultFrom);
    }

    /**
     * The event of the parsed call.
     *
     * @param resultOverride for {@code posix_memalign}: the pointer stored in {@code *memptr}
     *                       when known from elsewhere, or null to take it from the first argument
     * @throws BadLine for a call outside the malloc and mmap families, or bad arguments
     */
    public TraceEvent toEvent(int line, int tid, int space, Long resultOverride) throws BadLine {
        switch (name) {
            case "malloc":
                requireArgs(1, 1);
                return new TraceEvent.Malloc(line, tid, space, number(0, "malloc's size"), result());
            case "calloc":
                requireArgs(2, 2);
                return new TraceEvent.Calloc(line, tid, space, number(0, "calloc's count"), number(1, "calloc's size"),
                        result());
            case "realloc":
                requireArgs(2, 2);
                return new TraceEvent.Realloc(line, tid, space, pointer(0, "realloc's pointer"),
                        number(1, "realloc's size"), result());
            case "reallocarray":
                requireArgs(3, 3);
                return new TraceEvent.Reallocarray(line, tid, space, pointer(0, "reallocarray's pointer"),
                        number(1, "reallocarray's count"), number(2, "reallocarray's size"), result());
            case "free":
                requireArgs(1, 1);
                if (!resultIsVoid()) {
                    throw new BadLine("'= <void>' after free");
                }
                return new TraceEvent.Free(line, tid, space, pointer(0, "free's pointer"));
            case "posix_memalign": {
                requireArgs(3, 3);
                long stored = resultOverride != null ? resultOverride : pointer(0, "posix_memalign's result pointer");
                return new TraceEvent.PosixMemalign(line, tid, space, number(1, "posix_memalign's alignment"),
                        number(2, "posix_memalign's size"), stored, (int) result());
            }
            case "aligned_alloc":
                requireArgs(2, 2);
                return new TraceEvent.AlignedAlloc(line, tid, space, number(0, "aligned_alloc's alignment"),
                        number(1, "aligned_alloc's size"), result());
            case "memalign":
                requireArgs(2, 2);
                return new TraceEvent.Memalign(line, tid, space, number(0, "memalign's alignment"),
                        number(1, "memalign's size"), result());
            case "valloc":
                requireArgs(1, 1);
                return new TraceEvent.Valloc(line, tid, space, number(0, "valloc's size"), result());
            case "pvalloc":
                requireArgs(1, 1);
                return new TraceEvent.Pvalloc(line, tid, space, number(0, "pvalloc's size"), result());
            case "mmap":
                requireArgs(6, 6);
                return new TraceEvent.Mmap(line, tid, space, pointer(0, "mmap's address"), number(1, "mmap's length"),
                        (int) number(2, "mmap's protection"), (int) number(3, "mmap's flags"),
                        (int) number(4, "mmap's fd"), number(5, "mmap's offset"), result());
            case "munmap":
                requireArgs(2, 2);
                return new TraceEvent.Munmap(line, tid, space, pointer(0, "munmap's address"),
                        number(1, "munmap's length"), result());
            case "mremap":
                requireArgs(4, 5);
                return new TraceEvent.Mremap(line, tid, space, pointer(0, "mremap's old address"),
                        number(1, "mremap's old length"), number(2, "mremap's new length"),
                        (int) number(3, "mremap's flags"), argc == 5 ? pointer(4, "mremap's new address") : 0,
                        result());
            default:
                throw new BadLine("a call of the malloc family (malloc, calloc, realloc, reallocarray, free, "
                        + "posix_memalign, aligned_alloc, memalign, valloc, pvalloc) or mmap, munmap, mremap, found '"
                        + name + "'");
        }
    }
}
