/*
 * Guest 3: a memory-heavy loop for the JMH comparison of Chicory's own memory with the linmem
 * adapter. A reactor exporting run(rounds): each round streams over a 1 MiB buffer with 32- and
 * 64-bit loads and stores (a running checksum rewrites every word), then moves half the buffer
 * with memory.copy and clears a slice with memory.fill. Returns the checksum so the host can
 * check that both memories computed the same thing.
 */
#include <stdint.h>
#include <string.h>

#define WORDS (1u << 18) /* 1 MiB of uint32_t */

static uint32_t buffer[WORDS];

__attribute__((export_name("run"))) uint32_t run(uint32_t rounds) {
    uint32_t checksum = 0x9E3779B9u;
    for (uint32_t r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < WORDS; i++) {
            uint32_t v = buffer[i] ^ (checksum + i);
            checksum = (checksum << 5) ^ (checksum >> 27) ^ v;
            buffer[i] = v;
        }
        uint64_t *wide = (uint64_t *) buffer;
        for (uint32_t i = 0; i < WORDS / 2; i += 7) {
            wide[i] += checksum;
        }
        memmove(buffer + 1, buffer, (WORDS / 2) * sizeof(uint32_t));
        memset(buffer + WORDS / 2, (int) (checksum & 0xFF), 4096);
    }
    return checksum;
}
