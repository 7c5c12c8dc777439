package dev.linmem.replay;

/** Receives the target ranges a player holds live, for the {@link PeakMap}. */
@FunctionalInterface
public interface LiveRangeVisitor {

    /** {@code [startAddress, startAddress + lengthBytes)} of the target's memory holds {@code kind}. */
    void range(long startAddress, long lengthBytes, PeakMap.Kind kind);
}
