package dev.linmem.replay;

import dev.linmem.emscripten.EmscriptenMmap;
import dev.linmem.replay.php.PhpTargets;
import java.util.List;

/** The list behind {@link TargetRegistry#standard()}: one line per shipped strategy. */
final class StandardTargets {

    private StandardTargets() {
    }

    static List<Target> all() {
        Target linmem = new LinmemTarget();
        Target dlmallocEmscripten = new HeapTarget(HeapTarget.Kind.DLMALLOC_EMSCRIPTEN);
        return List.of(
                linmem,
                new EmscriptenTarget(EmscriptenMmap.Malloc.DLMALLOC),
                new EmscriptenTarget(EmscriptenMmap.Malloc.EMMALLOC),
                new HeapTarget(HeapTarget.Kind.DLMALLOC),
                new HeapTarget(HeapTarget.Kind.EMMALLOC),
                dlmallocEmscripten,
                new HeapTarget(HeapTarget.Kind.EMMALLOC_EMSCRIPTEN),
                PhpTargets.onLinmem(linmem),
                PhpTargets.onEmscripten(),
                PhpTargets.playground(dlmallocEmscripten));
    }
}
