package dev.linmem.replay;

import dev.linmem.space.Errno;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters an {@link EventPlayer} updates while it replays: failed calls, fallbacks' copies
 * and leaks, in-place growths kept and lost, out-of-memory events. The replayer owns the
 * timing, the samples and the peak map; docs/replay.md defines each figure.
 *
 * <p>Not thread-safe: one meter per replay.
 */
public final class ReplayMeter {

    private final Map<String, Long> failedCalls = new LinkedHashMap<>();
    private long leakedBytes;
    private long copiedBytes;
    private long clearedBytes;
    private long inPlaceKept;
    private long inPlaceLost;
    private long outOfMemoryEvents;

    /** The target failed, with {@code errno}, a call that succeeded in the recording. */
    public void failedCall(Errno errno) {
        failedCall(errno.name());
    }

    /** The target failed, with the errno named {@code errnoName}, a call that succeeded in the recording. */
    public void failedCall(String errnoName) {
        failedCalls.merge(errnoName, 1L, Long::sum);
    }

    /** Bytes the target still holds although the recording gave them back. */
    public void leaked(long bytes) {
        requireNonNegative(bytes);
        leakedBytes += bytes;
    }

    /** Bytes copied by a fallback or by the target moving memory. */
    public void copied(long bytes) {
        requireNonNegative(bytes);
        copiedBytes += bytes;
    }

    /** Bytes zeroed beyond what the machine reports itself ({@link Machine#clearedBytes()}). */
    public void cleared(long bytes) {
        requireNonNegative(bytes);
        clearedBytes += bytes;
    }

    /** A growth the recording made in place was also made in place by the target. */
    public void keptInPlace() {
        inPlaceKept++;
    }

    /** A growth the recording made in place was not made in place by the target. */
    public void lostInPlace() {
        inPlaceLost++;
    }

    /** The target could not supply memory the recording obtained (mmap, malloc, sbrk). */
    public void outOfMemory() {
        outOfMemoryEvents++;
    }

    /** Failed calls by errno name, in first-seen order. */
    public Map<String, Long> failedCalls() {
        return Collections.unmodifiableMap(failedCalls);
    }

    public long leakedBytes() {
        return leakedBytes;
    }

    public long copiedBytes() {
        return copiedBytes;
    }

    /** Bytes counted by {@link #cleared(long)} (the machine's own count is added to the result). */
    public long clearedBytes() {
        return clearedBytes;
    }

    public long inPlaceKept() {
        return inPlaceKept;
    }

    public long inPlaceLost() {
        return inPlaceLost;
    }

    public long outOfMemoryEvents() {
        return outOfMemoryEvents;
    }

    private static void requireNonNegative(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("byte count must not be negative: " + bytes);
        }
    }
}
