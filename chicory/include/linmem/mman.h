/*
 * linmem/mman.h: the mmap family for wasm32 guests running on linmem's Chicory host.
 *
 * The host provides raw imports in module "linmem" that follow the Linux system-call
 * convention: the result, or a negative errno in [-4095, -1]. The functions below wrap them
 * into libc's convention: mmap/mremap return MAP_FAILED and the others -1, with errno set.
 * Flag and protection values are Linux's, the same numbers as <sys/mman.h> on Linux.
 */
#ifndef LINMEM_MMAN_H
#define LINMEM_MMAN_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define LINMEM_PROT_NONE 0x0
#define LINMEM_PROT_READ 0x1
#define LINMEM_PROT_WRITE 0x2
#define LINMEM_PROT_EXEC 0x4

#define LINMEM_MAP_SHARED 0x01
#define LINMEM_MAP_PRIVATE 0x02
#define LINMEM_MAP_FIXED 0x10
#define LINMEM_MAP_ANONYMOUS 0x20
#define LINMEM_MAP_FIXED_NOREPLACE 0x100000

#define LINMEM_MREMAP_MAYMOVE 1
#define LINMEM_MREMAP_FIXED 2
#define LINMEM_MREMAP_DONTUNMAP 4

#define LINMEM_MADV_DONTNEED 4

#define LINMEM_MAP_FAILED ((void *) -1)

#define LINMEM_IMPORT(name) __attribute__((import_module("linmem"), import_name(name)))

LINMEM_IMPORT("mmap") int32_t __linmem_mmap(uint32_t addr, uint32_t len, int32_t prot, int32_t flags,
                                            int32_t fd, int64_t offset);
LINMEM_IMPORT("munmap") int32_t __linmem_munmap(uint32_t addr, uint32_t len);
LINMEM_IMPORT("mremap") int32_t __linmem_mremap(uint32_t old_addr, uint32_t old_len, uint32_t new_len,
                                                int32_t flags, uint32_t new_addr);
LINMEM_IMPORT("mprotect") int32_t __linmem_mprotect(uint32_t addr, uint32_t len, int32_t prot);
LINMEM_IMPORT("madvise") int32_t __linmem_madvise(uint32_t addr, uint32_t len, int32_t advice);
LINMEM_IMPORT("getpagesize") int32_t __linmem_getpagesize(void);

static inline int linmem_is_error(int32_t raw) { return raw < 0 && raw >= -4095; }

static inline void *linmem_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t offset) {
    int32_t raw = __linmem_mmap((uint32_t) (uintptr_t) addr, (uint32_t) len, prot, flags, fd, offset);
    if (linmem_is_error(raw)) { errno = -raw; return LINMEM_MAP_FAILED; }
    return (void *) (uintptr_t) (uint32_t) raw;
}

static inline int linmem_munmap(void *addr, size_t len) {
    int32_t raw = __linmem_munmap((uint32_t) (uintptr_t) addr, (uint32_t) len);
    if (linmem_is_error(raw)) { errno = -raw; return -1; }
    return 0;
}

static inline void *linmem_mremap(void *old_addr, size_t old_len, size_t new_len, int flags, void *new_addr) {
    int32_t raw = __linmem_mremap((uint32_t) (uintptr_t) old_addr, (uint32_t) old_len, (uint32_t) new_len,
                                  flags, (uint32_t) (uintptr_t) new_addr);
    if (linmem_is_error(raw)) { errno = -raw; return LINMEM_MAP_FAILED; }
    return (void *) (uintptr_t) (uint32_t) raw;
}

static inline int linmem_mprotect(void *addr, size_t len, int prot) {
    int32_t raw = __linmem_mprotect((uint32_t) (uintptr_t) addr, (uint32_t) len, prot);
    if (linmem_is_error(raw)) { errno = -raw; return -1; }
    return 0;
}

static inline int linmem_madvise(void *addr, size_t len, int advice) {
    int32_t raw = __linmem_madvise((uint32_t) (uintptr_t) addr, (uint32_t) len, advice);
    if (linmem_is_error(raw)) { errno = -raw; return -1; }
    return 0;
}

static inline size_t linmem_getpagesize(void) { return (size_t) __linmem_getpagesize(); }

#endif
