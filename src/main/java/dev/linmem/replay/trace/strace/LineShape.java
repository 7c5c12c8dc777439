package dev.linmem.replay.trace.strace;

import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.Timestamps;

/**
 * The shape of one strace line: its tid prefix and the kind of its body. Reused line after
 * line (no allocation beyond the strings a kind needs).
 *
 * <pre>
 *   line     := [prefix] [timestamp " "+] body
 *   prefix   := digits " "+  |  "[pid " " "* digits "] "
 *   timestamp:= digits and ':' or '.' (strace -t, -tt, -ttt, -r)
 *   body     := call | call " &lt;unfinished ...&gt;" | "&lt;... " name " resumed&gt;" rest
 *             | "--- " signal " ---" | "+++ " exit " +++"
 *   call     := name "(" args ")" " "* "= " result
 * </pre>
 */
final class LineShape {

    enum Kind {
        /** A complete call: {@code text} is the body. */
        CALL,
        /** The first half of a split call: {@code text} is the body before {@code <unfinished ...>}. */
        UNFINISHED,
        /** The second half: {@code name} is the call, {@code text} what follows {@code resumed>}. */
        RESUMED,
        /** {@code --- SIGCHLD {...} ---}. */
        SIGNAL,
        /** {@code +++ exited with 0 +++}, {@code +++ killed by SIGKILL +++} and the like. */
        EXIT
    }

    private static final String UNFINISHED_MARK = " <unfinished ...>";
    private static final String RESUMED_OPEN = "<... ";
    private static final String RESUMED_CLOSE = " resumed>";

    Kind kind;
    int tid;
    String name;
    String text;

    /** Classifies {@code line}, filling the fields. */
    void parse(String line) throws BadLine {
        int p = prefix(line);
        int n = line.length();
        if (p >= n) {
            throw new BadLine("a call after the pid");
        }
        char c = line.charAt(p);
        if (c == '-' && line.startsWith("--- ", p)) {
            if (!line.endsWith(" ---")) {
                throw new BadLine("a signal line ending in ' ---'");
            }
            kind = Kind.SIGNAL;
            return;
        }
        if (c == '+' && line.startsWith("+++ ", p)) {
            if (!line.endsWith(" +++")) {
                throw new BadLine("an exit line ending in ' +++'");
            }
            kind = Kind.EXIT;
            return;
        }
        if (c == '<' && line.startsWith(RESUMED_OPEN, p)) {
            int close = line.indexOf(RESUMED_CLOSE, p);
            if (close < 0) {
                throw new BadLine("'<... NAME resumed>'");
            }
            kind = Kind.RESUMED;
            name = line.substring(p + RESUMED_OPEN.length(), close);
            text = line.substring(close + RESUMED_CLOSE.length());
            return;
        }
        int open = callNameEnd(line, p);
        name = line.substring(p, open);
        if (line.endsWith(UNFINISHED_MARK)) {
            kind = Kind.UNFINISHED;
            text = line.substring(p, n - UNFINISHED_MARK.length());
        } else {
            kind = Kind.CALL;
            text = p == 0 ? line : line.substring(p);
        }
    }

    /** Parses the tid prefix; returns where the body starts. */
    private int prefix(String line) throws BadLine {
        int n = line.length();
        int p = 0;
        if (line.startsWith("[pid ")) {
            p = 5;
            while (p < n && line.charAt(p) == ' ') {
                p++;
            }
            int digits = p;
            int v = 0;
            while (p < n && Character.isDigit(line.charAt(p))) {
                v = v * 10 + (line.charAt(p) - '0');
                p++;
            }
            if (p == digits || p >= n || line.charAt(p) != ']') {
                throw new BadLine("'[pid N]' prefix");
            }
            tid = v;
            p++;
        } else if (n > 0 && Character.isDigit(line.charAt(0)) && !Timestamps.startsAt(line, 0)) {
            int v = 0;
            while (p < n && Character.isDigit(line.charAt(p))) {
                if (p > 9) {
                    throw new BadLine("a pid of at most 10 digits");
                }
                v = v * 10 + (line.charAt(p) - '0');
                p++;
            }
            if (p >= n || line.charAt(p) != ' ') {
                throw new BadLine("a space after the pid");
            }
            tid = v;
        } else {
            tid = 0;
        }
        while (p < n && line.charAt(p) == ' ') {
            p++;
        }
        return Timestamps.skip(line, p);
    }

    /** The index of the '(' ending the call name that starts at {@code p}. */
    private static int callNameEnd(String line, int p) throws BadLine {
        int i = p;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
                i++;
            } else {
                break;
            }
        }
        if (i == p || i >= n || line.charAt(i) != '(') {
            throw new BadLine("a call 'name(arguments) = result', a '<... name resumed>', a '--- signal ---' or a '+++ exit +++' line");
        }
        return i;
    }
}
