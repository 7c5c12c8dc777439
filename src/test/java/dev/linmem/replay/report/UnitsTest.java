package dev.linmem.replay.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UnitsTest {

    @Test
    void bytesPicksTheLargestBinaryUnitAtLeastOne() {
        assertThat(Units.bytes(0)).isEqualTo("0 B");
        assertThat(Units.bytes(1023)).isEqualTo("1023 B");
        assertThat(Units.bytes(1024)).isEqualTo("1.00 KiB");
        assertThat(Units.bytes(1536)).isEqualTo("1.50 KiB");
        assertThat(Units.bytes(48L << 20)).isEqualTo("48.00 MiB");
        assertThat(Units.bytes((5L << 30) / 4)).isEqualTo("1.25 GiB");
        assertThat(Units.bytes(3L << 40)).isEqualTo("3.00 TiB");
        assertThat(Units.bytes(-2048)).isEqualTo("-2.00 KiB");
        assertThat(Units.bytes(Long.MAX_VALUE)).isEqualTo("8.00 EiB");
        assertThat(Units.bytes(Long.MIN_VALUE)).isEqualTo("-8.00 EiB");
    }

    @Test
    void bytesRoundingUpToTheNextUnitShowsTheNextUnit() {
        // 1 MiB - 1 byte is 1023.999 KiB: it must not print as "1024.00 KiB".
        assertThat(Units.bytes((1L << 20) - 1)).isEqualTo("1.00 MiB");
        assertThat(Units.bytes((1L << 20) - 6)).isEqualTo("1023.99 KiB");
    }

    @Test
    void ratiosHaveTwoDecimalsAndUndefinedOnesADash() {
        assertThat(Units.ratio(1.0)).isEqualTo("1.00");
        assertThat(Units.ratio(1.049)).isEqualTo("1.05");
        assertThat(Units.ratio(61.4444)).isEqualTo("61.44");
        assertThat(Units.ratio(Double.NaN)).isEqualTo("-");
        assertThat(Units.ratio(Double.POSITIVE_INFINITY)).isEqualTo("-");
    }

    @Test
    void countsGroupThousandsWhateverTheDefaultLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            assertThat(Units.count(4235)).isEqualTo("4,235");
            assertThat(Units.count(1_234_567)).isEqualTo("1,234,567");
            assertThat(Units.ratio(1.5)).isEqualTo("1.50");
        } finally {
            java.util.Locale.setDefault(saved);
        }
        assertThat(Units.count(0)).isEqualTo("0");
        assertThat(Units.count(-1200)).isEqualTo("-1,200");
    }

    @Test
    void durationsUseTheUnitThatSuits() {
        assertThat(Units.duration(850)).isEqualTo("850 ns");
        assertThat(Units.duration(12_500)).isEqualTo("12.5 us");
        assertThat(Units.duration(3_200_000)).isEqualTo("3.20 ms");
        assertThat(Units.duration(1_750_000_000L)).isEqualTo("1.75 s");
        assertThat(Units.duration(-5)).isEqualTo("-5 ns");
        assertThat(Units.nanosPerEvent(212.38)).isEqualTo("212.4 ns");
        assertThat(Units.nanosPerEvent(999.9)).isEqualTo("999.9 ns");
        assertThat(Units.nanosPerEvent(999.97)).isEqualTo("1.0 us");
        assertThat(Units.nanosPerEvent(93453.3)).isEqualTo("93.5 us");
        assertThat(Units.nanosPerEvent(Double.NaN)).isEqualTo("-");
    }

    @Test
    void ratesUseMetricPrefixes() {
        assertThat(Units.eventsPerSecond(950)).isEqualTo("950 events/s");
        assertThat(Units.eventsPerSecond(12_300)).isEqualTo("12.3 k events/s");
        assertThat(Units.eventsPerSecond(2_410_000)).isEqualTo("2.41 M events/s");
        assertThat(Units.eventsPerSecond(Double.NaN)).isEqualTo("-");
    }
}
