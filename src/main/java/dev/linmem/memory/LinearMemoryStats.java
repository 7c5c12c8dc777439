package dev.linmem.memory;

/**
 * A snapshot of a memory's statistics.
 *
 * @param pages          current size in wasm pages
 * @param committedPages wasm pages whose host backing is allocated (written since growth or discard)
 * @param peakPages      largest size ever reached, in wasm pages (wasm memory never shrinks, so equal to pages)
 * @param growCalls      successful {@code grow} calls with a non-zero delta
 * @param discardedPages wasm pages released by {@code discard}, counted each time
 */
public record LinearMemoryStats(long pages, long committedPages, long peakPages, long growCalls, long discardedPages) {
}
