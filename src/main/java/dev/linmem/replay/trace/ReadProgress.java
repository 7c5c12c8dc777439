package dev.linmem.replay.trace;

/**
 * Told how far a {@link Trace#load(ReadProgress)} has come, for a progress line: every
 * {@link #EVENTS_PER_UPDATE} events and once at the end.
 */
@FunctionalInterface
public interface ReadProgress {

    /** Events between two updates. */
    int EVENTS_PER_UPDATE = 1 << 16;

    /**
     * @param events     events read so far
     * @param bytesRead  stored bytes consumed so far (compressed bytes for a {@code .gz})
     * @param totalBytes the stored size of the file
     */
    void update(long events, long bytesRead, long totalBytes);
}
