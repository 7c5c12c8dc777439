package dev.linmem.testing;

/**
 * One step of a generated sequence: applies itself to the system under test and its reference
 * model, and asserts that they agree.
 *
 * <p>An op must be applicable in any state, because the shrinker drops ops from a failing
 * sequence and replays the rest: refer to live things by index modulo the current count, and
 * do nothing when there is none. Its {@code toString()} is what the failure report prints, so
 * records make good ops.
 *
 * @param <C> the context: a fresh system under test plus its reference model
 */
@FunctionalInterface
public interface Op<C> {

    void apply(C context) throws Exception;
}
