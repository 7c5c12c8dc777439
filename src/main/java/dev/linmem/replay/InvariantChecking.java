package dev.linmem.replay;

/** How often the replayer runs every structure's {@code checkInvariants()} (the {@code --check} option). */
public enum InvariantChecking {
    /** Only once, after the last event. */
    AT_END,
    /** After every replayed event: slow, for debugging a target. */
    EVERY_EVENT
}
