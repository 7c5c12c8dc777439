/**
 * Layer 2: the address space, Linux's mmap family over a linear memory (the LINUX profile).
 *
 * <p>May use: {@code dev.linmem.memory}, {@code dev.linmem.util} and the JDK. Used by the
 * allocators, the EMSCRIPTEN profile ({@code dev.linmem.emscripten}, which implements
 * {@link dev.linmem.space.MemoryMapper} over malloc) and the replayer. Nothing here knows about
 * malloc.
 *
 * <h2>Vocabulary</h2>
 * <ul>
 *   <li><em>map page</em> (granule): the address space's unit, a power of two from 4 KiB to
 *       64 KiB ({@link dev.linmem.space.AddressSpace#pageSizeBytes()}); distinct from the 64 KiB
 *       <em>wasm page</em> in which the memory grows. Names say which: {@code startPage} is a map
 *       page, {@code growthStepWasmPages} a wasm page count, {@code ...Bytes}/{@code address}
 *       bytes. Ranges are half-open.</li>
 *   <li><em>mapping</em>: one mmap'd range (the kernel's VMA), with a protection and an
 *       identity; pieces of one mmap keep its identity and merge back when their protections
 *       are equal again, separately created mappings never merge.</li>
 *   <li><em>gap</em>: a free range; the <em>gap index</em> finds gaps by address and by size.</li>
 *   <li><em>base</em>: the first managed address (below it: static data and stack);
 *       <em>limit</em>: the end of the address space, the largest memory the type allows.</li>
 *   <li><em>brk heap</em>: the program break's area ({@code brk}/{@code sbrk}), separate from
 *       mmaps, optionally with a <em>reservation</em> that placement leaves free for it.</li>
 *   <li><em>placement</em>: the choice of where a new mapping goes
 *       ({@link dev.linmem.space.PlacementPolicy}); <em>grower</em>: a mapping that has grown in
 *       place and may grow again; <em>realloc</em>: a grower whose latest growth was an mremap
 *       with {@code MREMAP_MAYMOVE}; <em>room</em>: free pages placement keeps behind a grower.</li>
 *   <li><em>known zero</em>: a page never mapped since the memory grew, or cleared since; such
 *       pages are never cleared again.</li>
 * </ul>
 *
 * <h2>Classes</h2>
 * <ul>
 *   <li>API: {@link dev.linmem.space.MemoryMapper}, {@link dev.linmem.space.AddressSpace} and its
 *       builder, {@link dev.linmem.space.PlacementPolicy} with
 *       {@link dev.linmem.space.PlacementContext}, {@link dev.linmem.space.ZeroingPolicy},
 *       {@link dev.linmem.space.AddressSpaceStats}, {@link dev.linmem.space.MappingInfo},
 *       {@link dev.linmem.space.CheckedMemory} and {@link dev.linmem.space.SegmentationFault},
 *       {@link dev.linmem.space.Errno}, {@link dev.linmem.space.Mman}.</li>
 *   <li>Pure range logic, package-private, tested with page numbers and page pictures:
 *       {@code Mapping}, {@code MappingSet} (mappings, splits, merge rule, brk reservation),
 *       {@code GapIndex} (gaps by address with subtree maxima, plus a size index),
 *       {@code PageRunSet} (runs of known-zero pages), all three over
 *       {@code dev.linmem.util.RangeTree} (a B+tree of page ranges with primitive keys).
 *       Policies: {@code Placements}, {@code GrowthAwarePlacement}.</li>
 * </ul>
 *
 * <h2>Contracts</h2>
 * Results are addresses or {@code -errno} ({@link dev.linmem.space.Errno}); a failed call
 * changes nothing (docs/semantics.md lists where Linux differs). Every operation is O(log n) in
 * the number of mappings plus the mappings it touches. {@link dev.linmem.space.AddressSpace} is
 * thread-safe with one lock.
 */
package dev.linmem.space;
