package dev.linmem.chicory;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.linmem.emscripten.EmscriptenMmap;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.Mman;
import java.util.List;
import java.util.function.Function;

/**
 * Host functions that give a wasm32 guest the mmap family over a {@link MemoryMapper} on its
 * own memory, under the import module {@value #MODULE}.
 *
 * <pre>
 * import           wasm signature                                   C meaning
 * linmem.mmap      (addr i32, len i32, prot i32, flags i32,
 *                   fd i32, offset i64) -> i32                     mmap(2)
 * linmem.munmap    (addr i32, len i32) -> i32                       munmap(2)
 * linmem.mremap    (old i32, oldLen i32, newLen i32, flags i32,
 *                   newAddr i32) -> i32                             mremap(2)
 * linmem.mprotect  (addr i32, len i32, prot i32) -> i32            mprotect(2)
 * linmem.madvise   (addr i32, len i32, advice i32) -> i32          madvise(2)
 * linmem.getpagesize () -> i32                                      the mapper's granule
 * </pre>
 *
 * <p>Convention: like the Linux system calls, each returns the result or a negative errno in
 * [-4095, -1] (Linux's numbers and flag bits). Pointers and lengths are unsigned 32-bit values.
 * The C header {@code include/linmem/mman.h} wraps the raw imports into the libc convention
 * ({@code MAP_FAILED} or -1 with {@code errno} set). No valid address collides with an error:
 * Chicory memories stop below 2 GiB.
 *
 * <p>The mapper is created on the first call from the calling instance's memory, which must be
 * a {@link LinmemMemory} (plug it in with {@link LinmemMemory#factory()}); one {@code MmapImports}
 * serves one instance.
 */
public final class MmapImports {

    /** The import module name. */
    public static final String MODULE = "linmem";

    private final Function<LinearMemory, MemoryMapper> mapperFactory;
    private volatile MemoryMapper mapper;
    private volatile LinearMemory mapperMemory;

    private MmapImports(Function<LinearMemory, MemoryMapper> mapperFactory) {
        this.mapperFactory = mapperFactory;
    }

    /**
     * Imports backed by the mapper {@code mapperFactory} builds for the instance's memory on the
     * first call (for example an {@code AddressSpace} whose base is the memory's size then, so
     * the guest's static data, stack and heap below it stay the guest's).
     */
    public static MmapImports using(Function<LinearMemory, MemoryMapper> mapperFactory) {
        if (mapperFactory == null) {
            throw new IllegalArgumentException("mapperFactory must not be null");
        }
        return new MmapImports(mapperFactory);
    }

    /**
     * The LINUX behaviour: an {@link AddressSpace} with 64 KiB map pages (what a wasm guest's
     * {@code getpagesize()} reports) over everything above the memory's size at the guest's first
     * call. Memory the guest later grows itself ({@code memory.grow}, as wasi-libc's malloc does)
     * is adopted as a mapping at once, so the address space never places a mapping on it.
     */
    public static MmapImports linux() {
        return using(memory -> AddressSpace.builder(memory)
                .pageSizeBytes(AddressSpace.WASM_PAGE_BYTES)
                .baseAddress(Math.max(memory.sizeBytes(), AddressSpace.WASM_PAGE_BYTES))
                .build());
    }

    /**
     * The EMSCRIPTEN behaviour, as a program built with Emscripten's default malloc gets it:
     * {@link EmscriptenMmap} over dlmalloc in Emscripten's configuration, its heap on Emscripten's
     * sbrk starting at the memory's size at the guest's first call. Hints are refused, partial
     * munmaps fail and leak, mremap always fails. The heap's sbrk grows the memory itself; a
     * guest that also grows the memory on its own is not supported with this behaviour (its pages
     * would be handed out by the heap), just as an Emscripten program has only one sbrk.
     */
    public static MmapImports emscripten() {
        return emscripten(EmscriptenMmap.Malloc.DLMALLOC);
    }

    /** {@link #emscripten()} with the given malloc ({@code -sMALLOC=}). */
    public static MmapImports emscripten(EmscriptenMmap.Malloc malloc) {
        return using(memory -> EmscriptenMmap.create(memory, malloc));
    }

    /** The mapper serving the guest, or null before the guest's first call. */
    public MemoryMapper mapper() {
        return mapper;
    }

    /** The host functions, to add to {@code ImportValues.builder().addFunction(...)}. */
    public HostFunction[] hostFunctions() {
        ValType i32 = ValType.I32;
        ValType i64 = ValType.I64;
        return new HostFunction[] {
            new HostFunction(MODULE, "mmap",
                    FunctionType.of(List.of(i32, i32, i32, i32, i32, i64), List.of(i32)),
                    (instance, args) -> result(mapperOf(instance).mmap(u32(args[0]), u32(args[1]),
                            (int) args[2], (int) args[3], (int) args[4], args[5]))),
            new HostFunction(MODULE, "munmap",
                    FunctionType.of(List.of(i32, i32), List.of(i32)),
                    (instance, args) -> result(mapperOf(instance).munmap(u32(args[0]), u32(args[1])))),
            new HostFunction(MODULE, "mremap",
                    FunctionType.of(List.of(i32, i32, i32, i32, i32), List.of(i32)),
                    (instance, args) -> result(mapperOf(instance).mremap(u32(args[0]), u32(args[1]),
                            u32(args[2]), (int) args[3], u32(args[4])))),
            new HostFunction(MODULE, "mprotect",
                    FunctionType.of(List.of(i32, i32, i32), List.of(i32)),
                    (instance, args) -> result(mapperOf(instance).mprotect(u32(args[0]), u32(args[1]),
                            (int) args[2]))),
            new HostFunction(MODULE, "madvise",
                    FunctionType.of(List.of(i32, i32, i32), List.of(i32)),
                    (instance, args) -> result(mapperOf(instance).madvise(u32(args[0]), u32(args[1]),
                            (int) args[2]))),
            new HostFunction(MODULE, "getpagesize",
                    FunctionType.of(List.of(), List.of(i32)),
                    (instance, args) -> result(mapperOf(instance).pageSizeBytes())),
        };
    }

    private MemoryMapper mapperOf(Instance instance) {
        Memory memory = instance.memory();
        if (!(memory instanceof LinmemMemory)) {
            throw new IllegalStateException("the linmem imports need the instance's memory to be a LinmemMemory"
                    + " (Instance.builder(module).withMemoryFactory(LinmemMemory.factory())), found "
                    + (memory == null ? "no memory" : memory.getClass().getName()));
        }
        LinearMemory linear = ((LinmemMemory) memory).linearMemory();
        MemoryMapper current = mapper;
        if (current == null) {
            synchronized (this) {
                current = mapper;
                if (current == null) {
                    current = mapperFactory.apply(linear);
                    if (current instanceof AddressSpace) {
                        ((LinmemMemory) memory).onGuestGrowth(adoptInto((AddressSpace) current));
                    } else {
                        ((LinmemMemory) memory).onGuestGrowth(refuseUnder(current));
                    }
                    mapperMemory = linear;
                    mapper = current;
                }
            }
        }
        if (mapperMemory != linear) {
            throw new IllegalStateException("these MmapImports already serve another instance's memory;"
                    + " create one MmapImports per instance");
        }
        return current;
    }

    /** Maps the pages the guest grew itself, so they are never handed out by mmap. */
    private static LinmemMemory.GuestGrowthListener adoptInto(AddressSpace space) {
        return (oldSizeBytes, newSizeBytes) -> {
            long result = space.mmap(oldSizeBytes, newSizeBytes - oldSizeBytes, Mman.PROT_READ | Mman.PROT_WRITE,
                    Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED_NOREPLACE);
            if (Errno.isError(result)) {
                throw new IllegalStateException("could not adopt the guest's growth [0x" + Long.toHexString(oldSizeBytes)
                        + ", 0x" + Long.toHexString(newSizeBytes) + ") into the address space: " + Errno.of(result));
            }
        };
    }

    /**
     * A mapper that takes its memory from an sbrk of its own cannot share the memory's growth
     * with the guest: stop with a clear message instead of letting both use the same pages.
     */
    private static LinmemMemory.GuestGrowthListener refuseUnder(MemoryMapper mapper) {
        return (oldSizeBytes, newSizeBytes) -> {
            throw new IllegalStateException("the guest grew the memory itself (to 0x" + Long.toHexString(newSizeBytes)
                    + ") while " + mapper.getClass().getSimpleName() + " owns the memory's growth through its own"
                    + " sbrk; use MmapImports.linux(), which adopts the guest's growth");
        };
    }

    private static long u32(long value) {
        return value & 0xFFFF_FFFFL;
    }

    private static long[] result(long value) {
        return new long[] {(int) value};
    }
}
