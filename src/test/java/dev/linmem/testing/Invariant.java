package dev.linmem.testing;

/**
 * A check run after every step; throws when broken.
 *
 * @param <C> the context type
 */
@FunctionalInterface
public interface Invariant<C> {

    void check(C context) throws Exception;
}
