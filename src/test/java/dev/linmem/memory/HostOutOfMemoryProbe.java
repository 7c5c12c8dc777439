package dev.linmem.memory;

/**
 * Run in a child JVM with a tiny heap by {@link LinearMemoryHostMemoryTest}: grows memory64
 * memories far beyond that heap so the page directory's chunk allocation throws
 * {@link OutOfMemoryError}, and prints what {@code grow} did. Exits non-zero on any surprise.
 */
final class HostOutOfMemoryProbe {

    private HostOutOfMemoryProbe() {
    }

    public static void main(String[] args) {
        long hostLimitPages = 1L << 30; // 64 TiB: its directory chunks alone need 4 GiB of heap
        for (Backing backing : Backing.values()) {
            LinearMemory memory = LinearMemory.builder(MemoryType.i64(1, MemoryType.NO_MAXIMUM))
                    .backing(backing)
                    .hostLimitPages(hostLimitPages)
                    .build();
            memory.putI8(0, (byte) 7);
            long result = memory.grow(hostLimitPages - 1);
            memory.checkInvariants();
            long afterwards = memory.grow(1);
            memory.putI8(LinearMemory.PAGE_BYTES + 1, (byte) 8);
            memory.checkInvariants();
            System.out.println(backing + " grow=" + result + " pages=" + memory.pages()
                    + " first=" + memory.getI8(0) + " then=" + afterwards
                    + " second=" + memory.getI8(LinearMemory.PAGE_BYTES + 1));
        }
    }
}
