package dev.linmem.replay.trace.text;

/**
 * Number parsing on a slice of a line, without allocating: hexadecimal ({@code 0x...}) and
 * decimal, both read as unsigned 64-bit values wrapping into {@code long} (a recorded
 * {@code 0xffffffffffffffff} is -1), decimal also with a leading minus sign.
 */
public final class Numbers {

    private Numbers() {
    }

    /** True when {@code s[from, to)} starts with {@code 0x}. */
    public static boolean isHex(String s, int from, int to) {
        return to - from > 2 && s.charAt(from) == '0' && (s.charAt(from + 1) == 'x' || s.charAt(from + 1) == 'X');
    }

    /** True when {@code s[from, to)} is a hexadecimal or (signed) decimal number. */
    public static boolean isNumber(String s, int from, int to) {
        if (isHex(s, from, to)) {
            for (int i = from + 2; i < to; i++) {
                if (Character.digit(s.charAt(i), 16) < 0) {
                    return false;
                }
            }
            return to - from <= 18;
        }
        int i = from < to && s.charAt(from) == '-' ? from + 1 : from;
        if (i == to || to - i > 20) {
            return false;
        }
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The number {@code s[from, to)}: {@code 0x} hex or (signed) decimal.
     *
     * @throws BadLine naming {@code what} when it is not a number
     */
    public static long parse(String s, int from, int to, String what) throws BadLine {
        if (!isNumber(s, from, to)) {
            throw new BadLine(what + " as a number, found '" + s.substring(from, to) + "'");
        }
        if (isHex(s, from, to)) {
            long v = 0;
            for (int i = from + 2; i < to; i++) {
                v = (v << 4) | Character.digit(s.charAt(i), 16);
            }
            return v;
        }
        boolean negative = s.charAt(from) == '-';
        long v = 0;
        for (int i = negative ? from + 1 : from; i < to; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return negative ? -v : v;
    }

    /** {@link #parse} over a whole string. */
    public static long parse(String s, String what) throws BadLine {
        return parse(s, 0, s.length(), what);
    }

    /** {@link #parse}, requiring the value to fit an {@code int} (signed or unsigned). */
    public static int parseInt(String s, int from, int to, String what) throws BadLine {
        long v = parse(s, from, to, what);
        if (v < Integer.MIN_VALUE || v > 0xffffffffL) {
            throw new BadLine(what + " within 32 bits, found '" + s.substring(from, to) + "'");
        }
        return (int) v;
    }
}
