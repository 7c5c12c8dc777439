/*
 * Guest 2: PHP's memory-manager chunk pattern, run through linmem's mmap imports.
 *
 * What PHP's zend_alloc asks of the OS, re-enacted step by step:
 *   - 2 MiB chunks aligned to 2 MiB: map the size; if misaligned, unmap it and map
 *     size + 2 MiB - one page, then unmap the misaligned head and the tail beyond the size;
 *   - a huge block grown by mappings hinted at its end (PHP's path on every non-Linux target),
 *     another by mremap(addr, old, new, 0) (its Linux path); if a growth fails: map a new
 *     block, copy, unmap the old one;
 *   - a huge block shrunk by unmapping its tail; blocks freed by unmapping them whole.
 * PHP does not check the result of its trims and frees; this guest counts the failures, which
 * are the pages a failed partial munmap leaves allocated. After every step the guest checks
 * the contents of every live block, then prints its figures as key=value lines and exits
 * 0 when every byte it checked was right.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "linmem/mman.h"

#define MIB (1024u * 1024u)
#define CHUNK (2u * MIB)
#define CHUNKS 3

static size_t page;
static unsigned long mismatches, in_place_growths, copied_growths, copied_bytes, failed_munmaps, failed_maps;

static void *map(void *hint, size_t len) {
    void *p = linmem_mmap(hint, len, LINMEM_PROT_READ | LINMEM_PROT_WRITE,
                          LINMEM_MAP_PRIVATE | LINMEM_MAP_ANONYMOUS, -1, 0);
    if (p == LINMEM_MAP_FAILED && hint == NULL) failed_maps++;
    return p;
}

/* PHP ignores munmap's result; the guest counts failures, each a leak. */
static void unmap(void *p, size_t len) {
    if (linmem_munmap(p, len) != 0) failed_munmaps++;
}

/* Blocks are written and checked at every STRIDE-th byte, which touches every page and keeps
 * the guest quick on Chicory's interpreter. */
#define STRIDE 61u

static uint8_t pattern(uint32_t seed, size_t i) { return (uint8_t) (seed * 31u + i * 7u + (i >> 12) + 1u); }

static size_t first_at_or_after(size_t from) { return (from + STRIDE - 1) / STRIDE * STRIDE; }

static void fill(uint8_t *p, uint32_t seed, size_t from, size_t to) {
    for (size_t i = first_at_or_after(from); i < to; i += STRIDE) p[i] = pattern(seed, i);
}

static void verify(const uint8_t *p, uint32_t seed, size_t from, size_t to) {
    for (size_t i = first_at_or_after(from); i < to; i += STRIDE) {
        if (p[i] != pattern(seed, i)) { mismatches++; return; }
    }
}

static void verify_zero(const uint8_t *p, size_t from, size_t to) {
    for (size_t i = from; i < to; i += 509) {
        if (p[i] != 0) { mismatches++; return; }
    }
}

/* An aligned allocation as zend_alloc makes it. */
static void *aligned_alloc_chunk(size_t size, size_t alignment) {
    void *p = map(NULL, size);
    if (p == LINMEM_MAP_FAILED) return NULL;
    if (((uintptr_t) p & (alignment - 1)) == 0) return p;
    unmap(p, size);
    p = map(NULL, size + alignment - page);
    if (p == LINMEM_MAP_FAILED) return NULL;
    size_t misalignment = (uintptr_t) p & (alignment - 1);
    size_t spare = alignment - page;
    if (misalignment != 0) {
        size_t head = alignment - misalignment;
        unmap(p, head);
        p = (uint8_t *) p + head;
        spare -= head;
    }
    if (spare > 0) unmap((uint8_t *) p + size, spare);
    return p;
}

struct block { uint8_t *p; size_t size; uint32_t seed; };

static void check(const struct block *b) { if (b->p) verify(b->p, b->seed, 0, b->size); }

/* Grows b to new_size: in place if the OS allows, else allocate, copy, free. */
static void grow(struct block *b, size_t new_size, int use_mremap) {
    int done = 0;
    if (use_mremap) {
        done = linmem_mremap(b->p, b->size, new_size, 0, NULL) != LINMEM_MAP_FAILED;
    } else {
        uint8_t *end = b->p + b->size;
        void *r = linmem_mmap(end, new_size - b->size, LINMEM_PROT_READ | LINMEM_PROT_WRITE,
                              LINMEM_MAP_PRIVATE | LINMEM_MAP_ANONYMOUS, -1, 0);
        if (r == end) {
            done = 1;
        } else if (r != LINMEM_MAP_FAILED) {
            unmap(r, new_size - b->size);
        }
    }
    if (done) {
        in_place_growths++;
    } else {
        uint8_t *fresh = aligned_alloc_chunk(new_size, CHUNK);
        if (fresh == NULL) { mismatches++; return; }
        memcpy(fresh, b->p, b->size);
        copied_bytes += b->size;
        copied_growths++;
        unmap(b->p, b->size);
        b->p = fresh;
    }
    verify(b->p, b->seed, 0, b->size);
    verify_zero(b->p, b->size, new_size);
    fill(b->p, b->seed, b->size, new_size);
    b->size = new_size;
}

int main(void) {
    page = linmem_getpagesize();
    struct block chunks[CHUNKS];
    for (int i = 0; i < CHUNKS; i++) {
        chunks[i] = (struct block) {aligned_alloc_chunk(CHUNK, CHUNK), CHUNK, 100u + (uint32_t) i};
        if (chunks[i].p == NULL || ((uintptr_t) chunks[i].p & (CHUNK - 1)) != 0) { mismatches++; return 1; }
        verify_zero(chunks[i].p, 0, CHUNK);
        fill(chunks[i].p, chunks[i].seed, 0, CHUNK);
    }

    /* A huge block grown by hints at its end, as PHP does on every non-Linux target. */
    struct block huge = {aligned_alloc_chunk(4 * MIB, CHUNK), 4 * MIB, 7};
    if (huge.p == NULL) { mismatches++; return 1; }
    fill(huge.p, huge.seed, 0, huge.size);
    for (size_t size = 6 * MIB; size <= 12 * MIB; size += 2 * MIB) {
        grow(&huge, size, 0);
        for (int i = 0; i < CHUNKS; i++) check(&chunks[i]);
    }

    /* Another grown by mremap(addr, old, new, 0), PHP's path on Linux. */
    struct block remapped = {aligned_alloc_chunk(4 * MIB, CHUNK), 4 * MIB, 9};
    if (remapped.p == NULL) { mismatches++; return 1; }
    fill(remapped.p, remapped.seed, 0, remapped.size);
    for (size_t size = 6 * MIB; size <= 8 * MIB; size += 2 * MIB) {
        grow(&remapped, size, 1);
        check(&huge);
    }

    /* Truncate to 6 MiB: unmap the tail, result unchecked as in PHP. */
    unmap(huge.p + 6 * MIB, huge.size - 6 * MIB);
    huge.size = 6 * MIB;
    check(&huge);

    /* Free the middle chunk and allocate another: the freed pages should serve it. */
    unmap(chunks[1].p, CHUNK);
    chunks[1] = (struct block) {aligned_alloc_chunk(CHUNK, CHUNK), CHUNK, 200};
    if (chunks[1].p == NULL) { mismatches++; return 1; }
    verify_zero(chunks[1].p, 0, CHUNK);
    fill(chunks[1].p, chunks[1].seed, 0, CHUNK);
    for (int i = 0; i < CHUNKS; i++) check(&chunks[i]);
    check(&huge);

    check(&remapped);
    for (int i = 0; i < CHUNKS; i++) unmap(chunks[i].p, CHUNK);
    unmap(huge.p, huge.size);
    unmap(remapped.p, remapped.size);

    printf("page_size=%lu\n", (unsigned long) page);
    printf("peak_pages=%lu\n", (unsigned long) __builtin_wasm_memory_size(0));
    printf("in_place_growths=%lu\n", in_place_growths);
    printf("copied_growths=%lu\n", copied_growths);
    printf("copied_bytes=%lu\n", copied_bytes);
    printf("failed_munmaps=%lu\n", failed_munmaps);
    printf("failed_maps=%lu\n", failed_maps);
    printf("mismatches=%lu\n", mismatches);
    return mismatches == 0 ? 0 : 1;
}
