/*
 * Replays an op list written by dev.linmem.replay.NativeOpsMain on this machine's own kernel:
 * the same anonymous mmap, munmap, mremap, mprotect, madvise and brk calls a recording made,
 * at the recorded addresses (shifted by one constant), timed. It is the baseline for the
 * replayer's speed in docs/replay.md ("Speed").
 *
 * Each round runs in a fresh child process (fork), so every round starts from the same empty
 * address space and the child's exit undoes everything; the child times only its loop of calls
 * (CLOCK_MONOTONIC) and sends the nanoseconds and its count of unexpected failures to the parent.
 *
 *   gcc -O2 -o replay-native replay-native.c && ./replay-native OPS [rounds]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

typedef struct {
    char kind;
    uint64_t a, b, c, d, e;
} op;

static op *ops;
static size_t op_count;

static void load(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t capacity = 1024;
    ops = malloc(capacity * sizeof(op));
    char line[256];
    unsigned long lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (op_count == capacity) {
            capacity *= 2;
            ops = realloc(ops, capacity * sizeof(op));
        }
        op *o = &ops[op_count];
        memset(o, 0, sizeof *o);
        o->kind = line[0];
        int want = o->kind == 'm' ? 4 : o->kind == 'u' ? 2 : o->kind == 'r' ? 5
                 : o->kind == 'p' || o->kind == 'a' ? 3 : o->kind == 'b' ? 1 : -1;
        int got = sscanf(line + 1, "%lu %lu %lu %lu %lu", (unsigned long *) &o->a, (unsigned long *) &o->b,
                         (unsigned long *) &o->c, (unsigned long *) &o->d, (unsigned long *) &o->e);
        if (want < 0 || got != want) {
            fprintf(stderr, "%s:%lu: expected an op (m, u, r, p, a or b) with %d numbers: %s", path, lineno,
                    want, line);
            exit(2);
        }
        op_count++;
    }
    fclose(f);
}

static int verbose;

/* Makes every call once; returns the number that failed (printed with LINMEM_NATIVE_VERBOSE set). */
static long replay(void) {
    long failures = 0;
    char *first_break = sbrk(0);
    for (size_t i = 0; i < op_count; i++) {
        op *o = &ops[i];
        long before = failures;
        switch (o->kind) {
        case 'm': {
            int flags = ((int) o->d & ~MAP_FIXED) | MAP_FIXED_NOREPLACE;
            void *p = mmap((void *) o->a, o->b, (int) o->c, flags, -1, 0);
            failures += p != (void *) o->a;
            break;
        }
        case 'u':
            failures += munmap((void *) o->a, o->b) != 0;
            break;
        case 'r': {
            void *p = o->e == o->a
                    ? mremap((void *) o->a, o->b, o->c, (int) o->d & ~MREMAP_FIXED)
                    : mremap((void *) o->a, o->b, o->c, MREMAP_MAYMOVE | MREMAP_FIXED, (void *) o->e);
            failures += p != (void *) o->e;
            break;
        }
        case 'p':
            failures += mprotect((void *) o->a, o->b, (int) o->c) != 0;
            break;
        case 'a':
            failures += madvise((void *) o->a, o->b, (int) o->c) != 0;
            break;
        case 'b':
            failures += brk(first_break + o->a) != 0;
            break;
        }
        if (verbose && failures != before) {
            fprintf(stderr, "op %zu (%c %#lx %lu %lu %lu %#lx) failed: %s\n", i + 1, o->kind, (unsigned long) o->a,
                    (unsigned long) o->b, (unsigned long) o->c, (unsigned long) o->d, (unsigned long) o->e,
                    strerror(errno));
        }
    }
    return failures;
}

static int compare(const void *x, const void *y) {
    double a = *(const double *) x, b = *(const double *) y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s OPS [rounds]\n", argv[0]);
        return 2;
    }
    load(argv[1]);
    verbose = getenv("LINMEM_NATIVE_VERBOSE") != NULL;
    int rounds = argc > 2 ? atoi(argv[2]) : 200;
    double *ns = malloc(rounds * sizeof(double));
    long failures = 0;
    for (int r = 0; r < rounds; r++) {
        int fds[2];
        if (pipe(fds) != 0) {
            perror("pipe");
            return 1;
        }
        pid_t child = fork();
        if (child == 0) {
            close(fds[0]);
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            long failed = replay();
            clock_gettime(CLOCK_MONOTONIC, &t1);
            long result[2] = {(t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec), failed};
            if (write(fds[1], result, sizeof result) != sizeof result) {
                _exit(1);
            }
            _exit(0);
        }
        close(fds[1]);
        long result[2];
        if (read(fds[0], result, sizeof result) != sizeof result) {
            fprintf(stderr, "round %d: the child sent nothing\n", r);
            return 1;
        }
        close(fds[0]);
        waitpid(child, NULL, 0);
        ns[r] = (double) result[0];
        failures += result[1];
    }
    qsort(ns, rounds, sizeof(double), compare);
    double best = ns[0], median = ns[rounds / 2];
    printf("%s: %zu calls, %d rounds, %.1f failed per round; best %.2f M calls/s (%.0f ns/call), median %.2f M calls/s (%.0f ns/call)\n",
           argv[1], op_count, rounds, (double) failures / rounds, op_count / best * 1e3, best / op_count,
           op_count / median * 1e3, median / op_count);
    return 0;
}
