package dev.linmem.replay.trace.ltrace;

import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.Timestamps;

/**
 * The shape of one ltrace line. Reused line after line.
 *
 * <pre>
 *   line := [digits " "+ | "[pid " digits "] "] [timestamp " "+] body
 *   body := [caller "->"] name "(" args ")" " "* "= " result
 *         | [caller "->"] name "(" args " &lt;unfinished ...&gt;"
 *         | "&lt;... " name " resumed&gt;" rest
 *         | "--- " signal " ---" | "+++ " exit " +++"
 * </pre>
 */
final class LtraceLine {

    enum Kind { CALL, UNFINISHED, RESUMED, SIGNAL, EXIT }

    private static final String UNFINISHED_MARK = " <unfinished ...>";
    private static final String RESUMED_OPEN = "<... ";
    private static final String RESUMED_CLOSE = " resumed>";

    Kind kind;
    int tid;
    /** The call's name (RESUMED), else unset. */
    String name;
    /** CALL: the call from its name on; UNFINISHED: the same before the mark; RESUMED: the rest. */
    String text;

    private static int pid(String line, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (line.charAt(i) - '0');
        }
        return v;
    }

    void parse(String line) throws BadLine {
        int n = line.length();
        int p = 0;
        int digits = 0;
        if (line.startsWith("[pid ")) {
            p = 5;
            while (p < n && line.charAt(p) == ' ') {
                p++;
            }
            digits = p;
        }
        while (p < n && Character.isDigit(line.charAt(p))) {
            p++;
        }
        if (p - digits > 10) {
            throw new BadLine("a pid of at most 10 digits");
        }
        if (digits > 0) {
            if (p == digits || p >= n || line.charAt(p) != ']') {
                throw new BadLine("'[pid N]' prefix");
            }
            tid = pid(line, digits, p);
            p++;
        } else if (p > 0 && !Timestamps.startsAt(line, 0)) {
            if (p >= n || line.charAt(p) != ' ') {
                throw new BadLine("a space after the pid");
            }
            tid = pid(line, 0, p);
        } else {
            tid = 0;
            p = 0;
        }
        while (p < n && line.charAt(p) == ' ') {
            p++;
        }
        p = Timestamps.skip(line, p);
        if (p >= n) {
            throw new BadLine("a call after the pid");
        }
        if (line.startsWith("--- ", p)) {
            if (!line.endsWith(" ---")) {
                throw new BadLine("a signal line ending in ' ---'");
            }
            kind = Kind.SIGNAL;
            return;
        }
        if (line.startsWith("+++ ", p)) {
            if (!line.endsWith(" +++")) {
                throw new BadLine("an exit line ending in ' +++'");
            }
            kind = Kind.EXIT;
            return;
        }
        if (line.startsWith(RESUMED_OPEN, p)) {
            int close = line.indexOf(RESUMED_CLOSE, p);
            if (close < 0) {
                throw new BadLine("'<... NAME resumed>'");
            }
            kind = Kind.RESUMED;
            name = line.substring(p + RESUMED_OPEN.length(), close);
            text = line.substring(close + RESUMED_CLOSE.length());
            return;
        }
        int open = line.indexOf('(', p);
        if (open < 0) {
            throw new BadLine("a call '[caller->]name(arguments) = result'");
        }
        int arrow = line.lastIndexOf("->", open);
        int from = arrow >= p ? arrow + 2 : p;
        if (line.endsWith(UNFINISHED_MARK)) {
            kind = Kind.UNFINISHED;
            text = line.substring(from, n - UNFINISHED_MARK.length());
        } else {
            kind = Kind.CALL;
            text = line.substring(from);
        }
        name = text.substring(0, open - from);
    }
}
