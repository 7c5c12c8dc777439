package dev.linmem.replay.php;

import dev.linmem.replay.Target;

/**
 * The PHP strategies, each built over the target whose machine it uses. PHP recordings are
 * lifted to zend_alloc's decisions and replayed on a model of its OS layer (docs/replay.md,
 * "PHP's memory manager").
 */
public final class PhpTargets {

    private PhpTargets() {
    }

    /** {@code php-on-linmem}: PHP on linmem's AddressSpace, over {@code linmem}'s machine. */
    public static Target onLinmem(Target linmem) {
        return new PhpTarget("php-on-linmem",
                "PHP's memory manager on linmem: aligned chunks direct, huge blocks grown in place by hint",
                linmem, PhpStrategy.ON_LINMEM);
    }

    /**
     * {@code php-on-emscripten}: PHP's OS layer unchanged on Emscripten's mmap emulation over
     * dlmalloc in Emscripten's configuration.
     */
    public static Target onEmscripten() {
        return onEmscripten(new EmscriptenMachineTarget());
    }

    /** {@code php-on-emscripten} over the machine of {@code emscripten}, whose mapper is Emscripten's mmap. */
    public static Target onEmscripten(Target emscripten) {
        return new PhpTarget("php-on-emscripten",
                "PHP's memory manager on Emscripten's mmap: hints refused, partial munmaps fail and leak",
                emscripten, PhpStrategy.ON_EMSCRIPTEN);
    }

    /** {@code php-playground}: WordPress Playground's posix_memalign storage, over a heap target's machine. */
    public static Target playground(Target emscriptenHeap) {
        return new PhpTarget("php-playground",
                "PHP's memory manager as WordPress Playground runs it: posix_memalign chunks, every resize copies",
                emscriptenHeap, PhpStrategy.PLAYGROUND);
    }
}
