package dev.linmem.replay.php;

import dev.linmem.replay.Target;
import dev.linmem.replay.TargetProvider;
import dev.linmem.replay.TargetRegistry;
import java.util.List;

/**
 * Adds PHP's strategies to {@link TargetRegistry#standard()} (registered in {@code module-info}
 * and {@code META-INF/services}): {@code php-on-linmem} over the {@code linmem} target's
 * machine, {@code php-on-emscripten} over Emscripten's mmap, {@code php-playground} over
 * {@code dlmalloc-emscripten}'s heap.
 */
public final class PhpTargetProvider implements TargetProvider {

    /** For {@link java.util.ServiceLoader}. */
    public PhpTargetProvider() {
    }

    @Override
    public List<Target> targets(TargetRegistry builtIn) {
        return List.of(
                PhpTargets.onLinmem(required(builtIn, "linmem")),
                PhpTargets.onEmscripten(),
                PhpTargets.playground(required(builtIn, "dlmalloc-emscripten")));
    }

    private static Target required(TargetRegistry builtIn, String name) {
        Target t = builtIn.targetNamed(name);
        if (t == null) {
            throw new IllegalStateException("PHP's strategies need the built-in target '" + name + "'; built-in: "
                    + String.join(", ", builtIn.names()));
        }
        return t;
    }
}
