package dev.linmem.replay;

import java.util.List;

/**
 * A source of strategies beyond the replayer's own, found with {@link java.util.ServiceLoader}
 * by {@link TargetRegistry#standard()}. This is how a layer above the replayer (PHP's memory
 * manager in {@code dev.linmem.replay.php}, or a user's own allocator in another jar) adds
 * targets without the replayer depending on it.
 *
 * <p>Register an implementation (public, with a public no-argument constructor) both ways, so
 * it is found on the module path and on the class path:
 * <pre>
 *   module-info.java:   provides dev.linmem.replay.TargetProvider with com.example.MyTargets;
 *   META-INF/services/dev.linmem.replay.TargetProvider:   com.example.MyTargets
 * </pre>
 */
public interface TargetProvider {

    /**
     * The targets this provider adds, in report order. {@code builtIn} holds the replayer's own
     * targets ({@code linmem}, {@code emscripten}, the heap targets ...), for strategies built
     * over one of their machines. Names must not repeat any other target's.
     */
    List<Target> targets(TargetRegistry builtIn);
}
