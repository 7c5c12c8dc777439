package dev.linmem.replay.report;

import java.util.Locale;

/**
 * Human-readable units for the reports: binary byte sizes, ratios, counts and durations.
 *
 * <p>All formatting uses {@link Locale#ROOT}, so a report reads the same on every machine: the
 * decimal separator is {@code .} and thousands are grouped with {@code ,}.
 */
public final class Units {

    /** The binary prefixes, one per power of 1024, starting at bytes. */
    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /**
     * Formats a byte count with the largest binary unit that keeps the value at least 1, with two
     * decimals above bytes: {@code 512 B}, {@code 1.50 KiB}, {@code 48.00 MiB}, {@code 1.25 GiB}.
     * Negative counts keep their sign.
     */
    public static String bytes(long sizeBytes) {
        if (sizeBytes == Long.MIN_VALUE) {
            return "-8.00 EiB";
        }
        long magnitude = Math.abs(sizeBytes);
        String sign = sizeBytes < 0 ? "-" : "";
        if (magnitude < 1024) {
            return sign + magnitude + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(magnitude)) / 10;
        double scaled = magnitude / Math.pow(1024, unit);
        String text = String.format(Locale.ROOT, "%.2f", scaled);
        if (text.equals("1024.00") && unit + 1 < BYTE_UNITS.length) {
            unit++;
            text = "1.00";
        }
        return sign + text + " " + BYTE_UNITS[unit];
    }

    /** Formats a ratio with two decimals ({@code 1.05}); a ratio that is not finite prints {@code -}. */
    public static String ratio(double ratio) {
        if (!Double.isFinite(ratio)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", ratio);
    }

    /** Formats a count with thousands separators: {@code 4,235}. */
    public static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    /**
     * Formats a duration given in nanoseconds with the unit that suits it: {@code 850 ns},
     * {@code 12.5 us}, {@code 3.20 ms}, {@code 1.75 s}.
     */
    public static String duration(long nanos) {
        if (nanos < 0) {
            return "-" + duration(nanos == Long.MIN_VALUE ? Long.MAX_VALUE : -nanos);
        }
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /**
     * Formats a per-event time given in nanoseconds: one decimal below a microsecond
     * ({@code 212.4 ns}), otherwise as {@link #duration(long)} ({@code 93.5 us}).
     */
    public static String nanosPerEvent(double nanos) {
        if (!Double.isFinite(nanos)) {
            return "-";
        }
        if (Math.abs(nanos) < 999.95) {
            return String.format(Locale.ROOT, "%.1f ns", nanos);
        }
        return duration(Math.round(nanos));
    }

    /** Formats a rate in events per second with the right metric prefix: {@code 2.41 M events/s}. */
    public static String eventsPerSecond(double perSecond) {
        if (!Double.isFinite(perSecond) || perSecond < 0) {
            return "-";
        }
        if (perSecond < 1e3) {
            return String.format(Locale.ROOT, "%.0f events/s", perSecond);
        }
        if (perSecond < 1e6) {
            return String.format(Locale.ROOT, "%.1f k events/s", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f M events/s", perSecond / 1e6);
    }
}
