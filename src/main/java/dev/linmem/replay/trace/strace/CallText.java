package dev.linmem.replay.trace.strace;

import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.Numbers;

/**
 * One complete call's text, {@code name(args) = result [ERRNO (message)] [<time>]}, split into
 * argument slices and a result. Reused call after call.
 *
 * <p>The result is the text after the last {@code " = "}; the arguments are everything between
 * the name's {@code '('} and the {@code ')'} before it, split at top-level commas (commas inside
 * brackets, braces, parentheses and quoted strings belong to their argument).
 */
final class CallText {

    private static final int MAX_ARGS = 8;

    /** Linux's {@code CLONE_VM}: the child shares the parent's address space. */
    private static final long CLONE_VM = 0x100;

    String text;
    final int[] argFrom = new int[MAX_ARGS];
    final int[] argTo = new int[MAX_ARGS];
    int argc;
    int argsFrom;
    int argsTo;
    /** True for {@code = ?}: the call did not return (cut by exit); no result. */
    boolean interrupted;
    /** The result, {@code -errno} for a failure. */
    long result;

    void parse(String callText, String name) throws BadLine {
        text = callText;
        int open = name.length();
        if (callText.length() <= open || callText.charAt(open) != '(') {
            throw new BadLine("'(' after " + name);
        }
        int eq = callText.lastIndexOf(" = ");
        if (eq < 0) {
            throw new BadLine("' = result' after the arguments of " + name + " (is the line truncated?)");
        }
        int close = eq - 1;
        while (close > open && callText.charAt(close) == ' ') {
            close--;
        }
        if (close <= open || callText.charAt(close) != ')') {
            throw new BadLine("')' closing the arguments of " + name + " before ' = '");
        }
        argsFrom = open + 1;
        argsTo = close;
        argc = -1;
        parseResult(callText, eq + 3, name);
    }

    private void parseResult(String s, int from, String name) throws BadLine {
        int n = s.length();
        int end = s.indexOf(' ', from);
        if (end < 0) {
            end = n;
        }
        if (end == from + 1 && s.charAt(from) == '?') {
            interrupted = true;
            return;
        }
        interrupted = false;
        result = Numbers.parse(s, from, end, "the result of " + name);
        if (result == -1) {
            int errFrom = end + 1;
            int errTo = errFrom < n ? s.indexOf(' ', errFrom) : -1;
            if (errTo < 0) {
                errTo = n;
            }
            if (errFrom >= n || s.charAt(errFrom) != 'E') {
                throw new BadLine("an errno name after the result -1 of " + name);
            }
            result = Symbols.errnoResult(s.substring(errFrom, errTo));
        }
    }

    /** Splits the arguments at top-level commas; requires a count in [min, max]. */
    void splitArgs(String name, int min, int max) throws BadLine {
        int depth = 0;
        int count = 0;
        int start = argsFrom;
        boolean quoted = false;
        for (int i = argsFrom; i <= argsTo; i++) {
            char c = i < argsTo ? text.charAt(i) : ',';
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            switch (c) {
                case '"':
                    quoted = true;
                    break;
                case '(': case '[': case '{':
                    depth++;
                    break;
                case ')': case ']': case '}':
                    depth--;
                    break;
                case ',':
                    if (depth == 0) {
                        if (count == MAX_ARGS) {
                            throw new BadLine("at most " + max + " arguments of " + name);
                        }
                        int a = start;
                        int b = i;
                        while (a < b && text.charAt(a) == ' ') {
                            a++;
                        }
                        while (b > a && text.charAt(b - 1) == ' ') {
                            b--;
                        }
                        argFrom[count] = a;
                        argTo[count] = b;
                        count++;
                        start = i + 1;
                    }
                    break;
                default:
                    break;
            }
        }
        if (count == 1 && argFrom[0] == argTo[0]) {
            count = 0;
        }
        if (count < min || count > max) {
            String want = min == max ? Integer.toString(min) : min + " to " + max;
            throw new BadLine(want + " arguments of " + name + ", found " + count);
        }
        argc = count;
    }

    /** Argument {@code i} as an address: {@code NULL} or a number. */
    long address(int i, String what) throws BadLine {
        if (argTo[i] - argFrom[i] == 4 && text.startsWith("NULL", argFrom[i])) {
            return 0;
        }
        return Numbers.parse(text, argFrom[i], argTo[i], what);
    }

    /** Argument {@code i} as a number. */
    long number(int i, String what) throws BadLine {
        return Numbers.parse(text, argFrom[i], argTo[i], what);
    }

    /**
     * Argument {@code i} as a file descriptor: a number, optionally decorated with its path as
     * {@code strace -y} prints it ({@code 3</usr/lib/libc.so.6>}).
     */
    int fd(int i) throws BadLine {
        int to = argTo[i];
        int angle = text.indexOf('<', argFrom[i]);
        if (angle >= 0 && angle < to && text.charAt(to - 1) == '>') {
            to = angle;
        }
        return (int) Numbers.parse(text, argFrom[i], to, "mmap's fd");
    }

    /** Argument {@code i} as a {@code |}-joined flag list. */
    int flags(int i, String what) throws BadLine {
        return Symbols.flags(text, argFrom[i], argTo[i], what);
    }

    /** Argument {@code i} as madvise advice. */
    int advice(int i) throws BadLine {
        return Symbols.advice(text, argFrom[i], argTo[i]);
    }

    /** True when the {@code flags=} list of a clone names {@code CLONE_VM}. */
    boolean namesCloneVm(String name) throws BadLine {
        int at = text.indexOf("flags=", argsFrom);
        if (at < 0 || at >= argsTo) {
            throw new BadLine("flags= in the arguments of " + name);
        }
        int from = at + 6;
        int to = from;
        while (to < argsTo) {
            char c = text.charAt(to);
            if (c == ',' || c == '}' || c == ' ') {
                break;
            }
            to++;
        }
        int i = from;
        while (i < to) {
            int bar = text.indexOf('|', i);
            int end = bar < 0 || bar > to ? to : bar;
            if (end - i == 8 && text.startsWith("CLONE_VM", i)) {
                return true;
            }
            if (Numbers.isNumber(text, i, end) && (Numbers.parse(text, i, end, "clone flags") & CLONE_VM) != 0) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }
}
