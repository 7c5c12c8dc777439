package dev.linmem.replay.php;

import dev.linmem.replay.Target;
import dev.linmem.replay.TargetRegistry;
import java.util.List;

/** The PHP targets of the standard registry. */
final class PhpStrategies {

    private PhpStrategies() {
    }

    static List<Target> all() {
        return TargetRegistry.standard().targetsNamed(List.of("php-on-linmem", "php-on-emscripten", "php-playground"));
    }
}
