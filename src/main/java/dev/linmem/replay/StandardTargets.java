package dev.linmem.replay;

import java.util.List;

/** The list behind {@link TargetRegistry#standard()}: one line per shipped strategy. */
final class StandardTargets {

    private StandardTargets() {
    }

    static List<Target> all() {
        return List.of(
                new LinmemTarget(),
                new HeapTarget(HeapTarget.Kind.DLMALLOC),
                new HeapTarget(HeapTarget.Kind.DLMALLOC_EMSCRIPTEN));
    }
}
