/*
 * What one page fault costs on this machine: touches 100 MiB of fresh anonymous memory, one
 * write per 4 KiB page, and prints the mean microseconds per fault. A JVM's start touches
 * thousands of pages (its heap, the AOT cache it maps and relocates), so on a VM where faults
 * are slow (this project's is ~30x a bare-metal one) every JVM, and Go, start pays for it.
 *   cc -O2 -o pagefault bench/pagefault.c && ./pagefault
 */
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

int main(void)
{
    const size_t pages = 25600;
    char *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (size_t i = 0; i < pages; i++)
        p[i * 4096] = 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
    printf("%.2f us per page fault\n", ns / 1e3 / (double)pages);
    return 0;
}
