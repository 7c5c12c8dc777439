package dev.linmem.replay;

import dev.linmem.emscripten.EmscriptenMmap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The list behind {@link TargetRegistry#standard()}: one line per strategy of the replayer's
 * own, then what each {@link TargetProvider} adds (PHP's strategies come that way, from the
 * layer above), providers in class-name order so reports list targets the same way every run.
 */
final class StandardTargets {

    private StandardTargets() {
    }

    static List<Target> builtIn() {
        return List.of(
                new LinmemTarget(),
                new EmscriptenTarget(EmscriptenMmap.Malloc.DLMALLOC),
                new EmscriptenTarget(EmscriptenMmap.Malloc.EMMALLOC),
                new HeapTarget(HeapTarget.Kind.DLMALLOC),
                new HeapTarget(HeapTarget.Kind.EMMALLOC),
                new HeapTarget(HeapTarget.Kind.DLMALLOC_EMSCRIPTEN),
                new HeapTarget(HeapTarget.Kind.EMMALLOC_EMSCRIPTEN));
    }

    static List<Target> all() {
        TargetRegistry builtIn = TargetRegistry.of(builtIn());
        List<TargetProvider> providers = new ArrayList<>();
        ServiceLoader.load(TargetProvider.class, StandardTargets.class.getClassLoader()).forEach(providers::add);
        providers.sort(Comparator.comparing(p -> p.getClass().getName()));
        List<Target> all = new ArrayList<>(builtIn.all());
        for (TargetProvider provider : providers) {
            all.addAll(provider.targets(builtIn));
        }
        return all;
    }
}
