/* Eight buffers grown together by realloc (x1.25 per round, glibc mmaps them and grows them with
 * mremap), with 40 blocks of about 200 KiB allocated and freed between rounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char *bufs[8] = {0};
    size_t sizes[8] = {0};
    for (int round = 0; round < 6; round++) {
        for (int k = 0; k < 8; k++) {
            size_t n = sizes[k] ? sizes[k] * 5 / 4 : 300000;
            bufs[k] = realloc(bufs[k], n);
            memset(bufs[k], 1, n);
            sizes[k] = n;
        }
        void *tmp[40];
        for (int i = 0; i < 40; i++) {
            tmp[i] = malloc(200000 + i * 1000);
            memset(tmp[i], 2, 1000);
        }
        for (int i = 0; i < 40; i += 2) free(tmp[i]);
        for (int i = 1; i < 40; i += 2) free(tmp[i]);
    }
    for (int k = 0; k < 8; k++) free(bufs[k]);
    puts("ok");
    return 0;
}
