package dev.linmem.memory;

/** The read-modify-write operators of the threads proposal's {@code atomic.rmw} instructions. */
enum AtomicOp {
    ADD, SUB, AND, OR, XOR, EXCHANGE;

    /** The value an {@code rmw} stores, given the value it read. */
    int apply(int old, int operand) {
        switch (this) {
            case ADD: return old + operand;
            case SUB: return old - operand;
            case AND: return old & operand;
            case OR: return old | operand;
            case XOR: return old ^ operand;
            case EXCHANGE: return operand;
            default: throw new AssertionError(this);
        }
    }

    /** The value an {@code rmw} stores, given the value it read. */
    long apply(long old, long operand) {
        switch (this) {
            case ADD: return old + operand;
            case SUB: return old - operand;
            case AND: return old & operand;
            case OR: return old | operand;
            case XOR: return old ^ operand;
            case EXCHANGE: return operand;
            default: throw new AssertionError(this);
        }
    }
}
