package dev.linmem.replay.trace.text;

/**
 * The timestamps strace and ltrace print before a call with {@code -t}, {@code -tt},
 * {@code -ttt} or {@code -r}: digits with ':' or '.', then spaces. Readers skip them.
 */
public final class Timestamps {

    private Timestamps() {
    }

    /** True when a timestamp followed by a space starts at {@code p}. */
    public static boolean startsAt(String line, int p) {
        int n = line.length();
        if (p >= n || !Character.isDigit(line.charAt(p))) {
            return false;
        }
        boolean separator = false;
        int i = p;
        while (i < n) {
            char c = line.charAt(i);
            if (c == ':' || c == '.') {
                separator = true;
            } else if (!Character.isDigit(c)) {
                break;
            }
            i++;
        }
        return separator && i < n && line.charAt(i) == ' ';
    }

    /** Where the text after a timestamp at {@code p} starts, or {@code p} when there is none. */
    public static int skip(String line, int p) {
        if (!startsAt(line, p)) {
            return p;
        }
        int i = line.indexOf(' ', p);
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
