package dev.linmem.replay;

/**
 * One point of a replay's time series, for the charts.
 *
 * @param eventIndex  the number of events replayed when the sample was taken (0 before the first)
 * @param linearBytes the target's linear memory size in bytes at that moment
 * @param liveBytes   the recording's live bytes at that moment (the same for every target)
 */
public record Sample(long eventIndex, long linearBytes, long liveBytes) {
}
