/**
 * linmem: a WebAssembly linear memory, an address space with Linux's mmap family over it, the
 * malloc families Emscripten ships, and a replayer comparing them on real traces.
 */
module dev.linmem {
    exports dev.linmem.memory;
    exports dev.linmem.space;
    exports dev.linmem.alloc;
    exports dev.linmem.emscripten;
    exports dev.linmem.replay;
    exports dev.linmem.replay.trace;
    exports dev.linmem.replay.php;
    exports dev.linmem.replay.report;

    uses dev.linmem.replay.TargetProvider;
    provides dev.linmem.replay.TargetProvider with dev.linmem.replay.php.PhpTargetProvider;
}
