/**
 * Layer 1, the bottom: the wasm linear memory.
 *
 * <p>May use: the JDK only (no other linmem package). Used by every layer above.
 *
 * <p>API: {@link dev.linmem.memory.LinearMemory} (created with
 * {@link dev.linmem.memory.LinearMemory#create(dev.linmem.memory.MemoryType)} or a
 * {@link dev.linmem.memory.LinearMemoryBuilder}), its type
 * {@link dev.linmem.memory.MemoryType} ({@link dev.linmem.memory.AddressType}, shared flag),
 * {@link dev.linmem.memory.Backing}, {@link dev.linmem.memory.LinearMemoryStats} and the two
 * traps {@link dev.linmem.memory.OutOfBoundsException} and
 * {@link dev.linmem.memory.UnalignedAtomicException}. Implementations are package-private:
 * {@code HeapMemory32}, {@code HeapMemory64}, {@code DirectMemory32}, {@code DirectMemory64}
 * over {@code HeapLinearMemory} / {@code DirectLinearMemory} / {@code AbstractLinearMemory},
 * with {@code Slabs} behind the wasm32 page tables and {@code WaitQueues} for wait/notify. The
 * design is in {@code docs/memory.md}.
 *
 * <p>Vocabulary: a <em>wasm page</em> is the spec's fixed 64 KiB unit of size and growth
 * ({@link dev.linmem.memory.LinearMemory#PAGE_BYTES}); <em>size</em> is the current number of
 * wasm pages; the <em>limit</em> is the most pages a memory may ever have (the type's maximum
 * capped by the host); the <em>page table</em> maps a page index ({@code address >>> 16}) to its
 * <em>page buffer</em> (one level for wasm32, a directory of <em>chunks</em> for memory64); a
 * wasm32 memory's page buffers are <em>slabs</em> of one or more consecutive pages
 * ({@code Slabs}), and the <em>low slab</em> is slab 0, from address 0 up to the initial size
 * rounded down to whole slabs (capped by
 * {@link dev.linmem.memory.LinearMemoryBuilder#lowSlabMaxPages}), committed whole and reached by
 * unshared memories without the page table; a page is <em>committed</em> once its slot holds its buffer,
 * which happens on its first write (on the first write into any low page, for the low slab's),
 * and an uncommitted page reads zero; <em>discard</em> zeroes whole wasm pages and releases their
 * buffers; a <em>span</em> is the part of a bulk operation inside one page. Addresses are
 * {@code long} byte addresses; ranges are half-open; multi-byte values are little-endian.
 */
package dev.linmem.memory;
