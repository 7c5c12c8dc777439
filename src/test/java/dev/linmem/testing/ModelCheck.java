package dev.linmem.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A small model-based testing harness: generates a seeded random sequence of weighted ops,
 * applies each to a fresh context (system under test plus reference model), runs the
 * invariants after every step, and on failure shrinks the sequence and reports it.
 *
 * <pre>{@code
 * ModelCheck.<Ctx>of("address space", Ctx::new)
 *     .op(5, (rnd, c) -> new Mmap(rnd.nextInt(16)))
 *     .op(3, (rnd, c) -> new Munmap(rnd.nextInt(), rnd.nextInt(4)))
 *     .invariant(c -> c.space.checkInvariants())
 *     .runSeeds(10_000, 1, 2, 3);
 * }</pre>
 *
 * <p>Reproducibility: everything random comes from one {@link SplittableRandom} seeded with the
 * run's seed, and generators see the context only through the ops already applied, so a seed
 * always yields the same sequence. {@code -Dlinmem.seed=N} runs that seed alone;
 * {@code -Dlinmem.steps=N} overrides the step count.
 *
 * <p>Shrinking: the failing prefix (up to and including the failing step) is reduced by deleting
 * chunks of ops, halving the chunk size when no deletion of that size still fails (delta
 * debugging). A candidate "still fails" when replaying it on a fresh context throws an error of
 * the same class as the original. The shrinker stops after {@link #shrinkBudget} replays or
 * {@link #shrinkMillis} milliseconds, and reports the smallest sequence found.
 *
 * @param <C> the context type
 */
public final class ModelCheck<C> {

    /** System property naming a single seed to run instead of the test's seeds. */
    public static final String SEED_PROPERTY = "linmem.seed";

    /** System property overriding the number of steps per seed. */
    public static final String STEPS_PROPERTY = "linmem.steps";

    private final String name;
    private final Supplier<C> freshContext;
    private final List<OpGenerator<C>> generators = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();
    private final List<Invariant<C>> invariants = new ArrayList<>();
    private Consumer<C> closer = c -> { };
    private int totalWeight;
    private int shrinkBudget = 4_000;
    private long shrinkMillis = 20_000;

    private ModelCheck(String name, Supplier<C> freshContext) {
        this.name = Objects.requireNonNull(name, "name");
        this.freshContext = Objects.requireNonNull(freshContext, "freshContext");
    }

    /** A harness named {@code name} that builds a fresh context with {@code freshContext} for every run. */
    public static <C> ModelCheck<C> of(String name, Supplier<C> freshContext) {
        return new ModelCheck<>(name, freshContext);
    }

    /** Adds a generator drawn with relative frequency {@code weight} (> 0). */
    public ModelCheck<C> op(int weight, OpGenerator<C> generator) {
        if (weight <= 0) {
            throw new IllegalArgumentException("weight must be positive: " + weight);
        }
        generators.add(Objects.requireNonNull(generator, "generator"));
        weights.add(weight);
        totalWeight += weight;
        return this;
    }

    /** Adds a check run after every step. */
    public ModelCheck<C> invariant(Invariant<C> invariant) {
        invariants.add(Objects.requireNonNull(invariant, "invariant"));
        return this;
    }

    /** Releases a context after each run (threads, files); exceptions from it are not test failures. */
    public ModelCheck<C> closer(Consumer<C> closer) {
        this.closer = Objects.requireNonNull(closer, "closer");
        return this;
    }

    /** At most this many replays while shrinking (default 4,000). */
    public ModelCheck<C> shrinkBudget(int replays) {
        this.shrinkBudget = replays;
        return this;
    }

    /** At most this long shrinking (default 20 s). */
    public ModelCheck<C> shrinkMillis(long millis) {
        this.shrinkMillis = millis;
        return this;
    }

    /**
     * Runs {@code steps} ops for each seed, or only the seed in {@code -Dlinmem.seed}.
     *
     * @return the total number of ops applied
     */
    public long runSeeds(int steps, long... seeds) {
        String forced = System.getProperty(SEED_PROPERTY);
        long[] toRun = forced != null && !forced.isBlank() ? new long[] {Long.parseLong(forced.trim())} : seeds;
        long applied = 0;
        for (long seed : toRun) {
            applied += run(seed, steps);
        }
        return applied;
    }

    /**
     * Runs one seeded sequence of {@code steps} ops (or {@code -Dlinmem.steps}).
     *
     * @return the number of ops applied
     * @throws AssertionError naming the seed and the shrunk op sequence when any op or invariant fails
     */
    public int run(long seed, int steps) {
        if (generators.isEmpty()) {
            throw new IllegalStateException(name + ": no op generators");
        }
        String forcedSteps = System.getProperty(STEPS_PROPERTY);
        int stepCount = forcedSteps != null && !forcedSteps.isBlank() ? Integer.parseInt(forcedSteps.trim()) : steps;
        SplittableRandom random = new SplittableRandom(seed);
        List<Op<C>> applied = new ArrayList<>(Math.min(stepCount, 1 << 16));
        C context = freshContext.get();
        try {
            try {
                checkInvariants(context);
            } catch (Throwable failure) {
                rethrowIfFatal(failure);
                throw new AssertionError(name + ": invariants fail on a fresh context", failure);
            }
            for (int step = 0; step < stepCount; step++) {
                Op<C> op = pick(random).next(random, context);
                applied.add(op);
                try {
                    op.apply(context);
                    checkInvariants(context);
                } catch (Throwable failure) {
                    rethrowIfFatal(failure);
                    throw report(seed, stepCount, applied, failure);
                }
            }
        } finally {
            closeQuietly(context);
        }
        return stepCount;
    }

    private OpGenerator<C> pick(SplittableRandom random) {
        int ticket = random.nextInt(totalWeight);
        for (int i = 0; i < generators.size(); i++) {
            ticket -= weights.get(i);
            if (ticket < 0) {
                return generators.get(i);
            }
        }
        throw new AssertionError("unreachable: weights sum to " + totalWeight);
    }

    private void checkInvariants(C context) throws Exception {
        for (Invariant<C> invariant : invariants) {
            invariant.check(context);
        }
    }

    private AssertionError report(long seed, int steps, List<Op<C>> failingPrefix, Throwable original) {
        Shrunk<C> shrunk = shrink(failingPrefix, original);
        StringBuilder text = new StringBuilder()
                .append(name).append(" failed with seed ").append(seed)
                .append(" at step ").append(failingPrefix.size()).append(" of ").append(steps)
                .append(": ").append(original)
                .append("\nrerun with -D").append(SEED_PROPERTY).append('=').append(seed)
                .append("\nshrunk to ").append(shrunk.ops.size()).append(" ops (")
                .append(shrunk.replays).append(" replays):");
        for (int i = 0; i < shrunk.ops.size(); i++) {
            text.append("\n  ").append(i + 1).append(". ").append(shrunk.ops.get(i));
        }
        text.append("\nshrunk failure: ").append(shrunk.failure);
        AssertionError error = new AssertionError(text.toString(), shrunk.failure);
        if (shrunk.failure != original) {
            error.addSuppressed(original);
        }
        return error;
    }

    private record Shrunk<C>(List<Op<C>> ops, Throwable failure, int replays) {
    }

    private Shrunk<C> shrink(List<Op<C>> failing, Throwable original) {
        Class<?> failureClass = original.getClass();
        long deadline = System.currentTimeMillis() + shrinkMillis;
        List<Op<C>> current = new ArrayList<>(failing);
        Throwable currentFailure = original;
        int replays = 0;
        int chunk = Math.max(1, current.size() / 2);
        while (replays < shrinkBudget && System.currentTimeMillis() < deadline) {
            boolean removedAny = false;
            int start = 0;
            while (start < current.size() && replays < shrinkBudget && System.currentTimeMillis() < deadline) {
                List<Op<C>> candidate = new ArrayList<>(current.size());
                candidate.addAll(current.subList(0, start));
                candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                replays++;
                Failure<C> result = replay(candidate, failureClass);
                if (result != null) {
                    current = result.prefix;
                    currentFailure = result.failure;
                    removedAny = true;
                } else {
                    start += chunk;
                }
            }
            if (chunk == 1 && !removedAny) {
                break;
            }
            if (!removedAny) {
                chunk = Math.max(1, chunk / 2);
            }
        }
        return new Shrunk<>(current, currentFailure, replays);
    }

    private record Failure<C>(List<Op<C>> prefix, Throwable failure) {
    }

    /** Replays {@code ops} on a fresh context; the failing prefix and its failure, or null if it passes. */
    private Failure<C> replay(List<Op<C>> ops, Class<?> failureClass) {
        C context;
        try {
            context = freshContext.get();
        } catch (RuntimeException e) {
            return null;
        }
        try {
            checkInvariants(context);
            for (int i = 0; i < ops.size(); i++) {
                try {
                    ops.get(i).apply(context);
                    checkInvariants(context);
                } catch (Throwable failure) {
                    rethrowIfFatal(failure);
                    return failure.getClass() == failureClass
                            ? new Failure<>(new ArrayList<>(ops.subList(0, i + 1)), failure)
                            : null;
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        } finally {
            closeQuietly(context);
        }
    }

    private void closeQuietly(C context) {
        try {
            closer.accept(context);
        } catch (RuntimeException ignored) {
            // closing is best effort; the run's outcome has been decided
        }
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError error && !(t instanceof StackOverflowError)) {
            throw error;
        }
    }
}
