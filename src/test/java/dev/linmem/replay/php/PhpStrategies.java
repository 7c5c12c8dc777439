package dev.linmem.replay.php;

import dev.linmem.replay.Target;
import java.util.List;

/** The PHP targets as the tests build them. */
final class PhpStrategies {

    private PhpStrategies() {
    }

    static List<Target> all() {
        return List.of(PhpTargets.onLinmem(TestMachines.linmem()),
                PhpTargets.playground(TestMachines.dlmallocEmscripten()));
    }
}
