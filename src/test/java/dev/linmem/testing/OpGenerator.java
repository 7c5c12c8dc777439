package dev.linmem.testing;

import java.util.SplittableRandom;

/**
 * Draws the next op, given the random source and the current context (so it can choose among
 * the things that exist now).
 *
 * @param <C> the context type
 */
@FunctionalInterface
public interface OpGenerator<C> {

    Op<C> next(SplittableRandom random, C context);
}
