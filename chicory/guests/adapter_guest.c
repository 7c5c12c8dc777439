/*
 * Guest 1: exercises the linmem memory adapter from inside wasm.
 *
 * A WASI reactor: the host calls each exported function and checks its result. Every test
 * returns 0 on success or the number of the first check that failed, so a failure names itself.
 * Built with bulk memory (memory.copy / memory.fill) and atomics enabled.
 */
#include <stdint.h>
#include <string.h>

#define PAGE 65536u
#define CHECK(n, cond) do { if (!(cond)) return (n); } while (0)

static volatile uint32_t counter32;
static volatile uint64_t counter64;
static volatile uint16_t counter16[2];
static volatile uint8_t counter8[4];

__attribute__((export_name("memory_pages"))) uint32_t memory_pages(void) {
    return (uint32_t) __builtin_wasm_memory_size(0);
}

__attribute__((export_name("grow"))) int32_t grow(int32_t delta_pages) {
    return (int32_t) __builtin_wasm_memory_grow(0, (uint32_t) delta_pages);
}

/* Grows by three pages; the new pages read zero and keep what is written across their boundaries. */
__attribute__((export_name("test_grow"))) int test_grow(void) {
    uint32_t before = (uint32_t) __builtin_wasm_memory_size(0);
    int32_t old = (int32_t) __builtin_wasm_memory_grow(0, 3);
    CHECK(1, old == (int32_t) before);
    CHECK(2, __builtin_wasm_memory_size(0) == before + 3);
    volatile uint8_t *base = (volatile uint8_t *) (uintptr_t) (before * PAGE);
    for (uint32_t i = 0; i < 3 * PAGE; i += 4093) {
        CHECK(3, base[i] == 0);
    }
    /* A 64-bit value straddling the boundary between the first and second new page. */
    volatile uint64_t *straddle = (volatile uint64_t *) (uintptr_t) (before * PAGE + PAGE - 3);
    *straddle = 0x1122334455667788ull;
    CHECK(4, *straddle == 0x1122334455667788ull);
    CHECK(5, base[PAGE - 3] == 0x88 && base[PAGE + 4] == 0x11);
    base[3 * PAGE - 1] = 0xAB;
    CHECK(6, base[3 * PAGE - 1] == 0xAB);
    return 0;
}

/* memory.fill and memory.copy (both overlap directions) across page boundaries, checked byte by byte. */
__attribute__((export_name("test_bulk"))) int test_bulk(void) {
    uint32_t pages = (uint32_t) __builtin_wasm_memory_size(0);
    int32_t old = (int32_t) __builtin_wasm_memory_grow(0, 2);
    CHECK(1, old == (int32_t) pages);
    uint8_t *area = (uint8_t *) (uintptr_t) (pages * PAGE);
    uint32_t len = PAGE + 1000;
    __builtin_memset(area, 0x5A, 2 * PAGE);
    for (uint32_t i = 0; i < 2 * PAGE; i += 997) CHECK(2, area[i] == 0x5A);
    for (uint32_t i = 0; i < len; i++) area[i] = (uint8_t) (i * 7 + 3);
    /* Forward overlap: dst above src. */
    __builtin_memmove(area + 100, area, len);
    for (uint32_t i = 0; i < len; i++) CHECK(3, area[100 + i] == (uint8_t) (i * 7 + 3));
    /* Backward overlap: dst below src. */
    __builtin_memmove(area, area + 100, len);
    for (uint32_t i = 0; i < len; i++) CHECK(4, area[i] == (uint8_t) (i * 7 + 3));
    /* A copy from the last bytes of one page into the next. */
    __builtin_memcpy(area + 2 * PAGE - 64, area + PAGE - 64, 64);
    for (uint32_t i = 0; i < 64; i++) CHECK(5, area[2 * PAGE - 64 + i] == area[PAGE - 64 + i]);
    return 0;
}

/* Every atomic read-modify-write the C11 atomics lower to, at 8, 16, 32 and 64 bits. */
__attribute__((export_name("test_atomics"))) int test_atomics(void) {
    counter32 = 10;
    CHECK(1, __atomic_fetch_add(&counter32, 5, __ATOMIC_SEQ_CST) == 10);
    CHECK(2, __atomic_fetch_sub(&counter32, 3, __ATOMIC_SEQ_CST) == 15);
    CHECK(3, __atomic_fetch_and(&counter32, 0xC, __ATOMIC_SEQ_CST) == 12);
    CHECK(4, __atomic_fetch_or(&counter32, 0x3, __ATOMIC_SEQ_CST) == 12);
    CHECK(5, __atomic_fetch_xor(&counter32, 0xF, __ATOMIC_SEQ_CST) == 15);
    CHECK(6, __atomic_exchange_n(&counter32, 77, __ATOMIC_SEQ_CST) == 0);
    uint32_t expected32 = 77;
    CHECK(7, __atomic_compare_exchange_n(&counter32, &expected32, 99, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    expected32 = 1;
    CHECK(8, !__atomic_compare_exchange_n(&counter32, &expected32, 5, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK(9, expected32 == 99 && __atomic_load_n(&counter32, __ATOMIC_SEQ_CST) == 99);

    counter64 = 1ull << 40;
    CHECK(10, __atomic_fetch_add(&counter64, 1, __ATOMIC_SEQ_CST) == 1ull << 40);
    uint64_t expected64 = (1ull << 40) + 1;
    CHECK(11, __atomic_compare_exchange_n(&counter64, &expected64, 7, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK(12, __atomic_exchange_n(&counter64, 8, __ATOMIC_SEQ_CST) == 7);
    CHECK(13, __atomic_load_n(&counter64, __ATOMIC_SEQ_CST) == 8);

    /* Narrow atomics must not disturb their neighbours in the same 32-bit word. */
    counter16[0] = 0xFFFF;
    counter16[1] = 0x1234;
    CHECK(14, __atomic_fetch_add(&counter16[0], 1, __ATOMIC_SEQ_CST) == 0xFFFF);
    CHECK(15, counter16[0] == 0 && counter16[1] == 0x1234);
    counter8[0] = 1; counter8[1] = 2; counter8[2] = 3; counter8[3] = 4;
    CHECK(16, __atomic_exchange_n(&counter8[2], 0xEE, __ATOMIC_SEQ_CST) == 3);
    uint8_t expected8 = 4;
    CHECK(17, __atomic_compare_exchange_n(&counter8[3], &expected8, 0x44, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK(18, counter8[0] == 1 && counter8[1] == 2 && counter8[2] == 0xEE && counter8[3] == 0x44);
    return 0;
}

/* Raw accesses the host uses to probe the bounds: each traps when out of bounds. */
__attribute__((export_name("load_i32"))) int32_t load_i32(uint32_t addr) {
    return *(volatile int32_t *) (uintptr_t) addr;
}

__attribute__((export_name("store_i8"))) void store_i8(uint32_t addr, int32_t value) {
    *(volatile uint8_t *) (uintptr_t) addr = (uint8_t) value;
}

__attribute__((export_name("fill"))) void fill(uint32_t addr, int32_t value, uint32_t len) {
    __builtin_memset((void *) (uintptr_t) addr, value, len);
}

__attribute__((export_name("copy"))) void copy(uint32_t dst, uint32_t src, uint32_t len) {
    __builtin_memmove((void *) (uintptr_t) dst, (const void *) (uintptr_t) src, len);
}
