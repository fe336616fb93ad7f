#include "CVectorMath.h"

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

// A 2048³ product touches 48 MB through 4 KB pages: every row of X and C at that width is a page of its own,
// far more than the TLB holds, and under a hypervisor each miss walks two page tables. Backed by 2 MB pages
// it ran 2–11 % faster (docs/BENCHMARKS.md, sixth session). The kernel gives huge pages only to 2 MB-aligned
// ranges it was advised of (THP "madvise" mode, Debian's default); where it will not, this is plain memory.
enum { HUGE_PAGE = 2 << 20 };

void *flowlm_allocate_buffer(int64_t bytes) {
    size_t size = bytes > 64 ? (size_t)bytes : 64;
    size_t alignment = size >= HUGE_PAGE ? HUGE_PAGE : 64;
    void *buffer = 0;
    if (posix_memalign(&buffer, alignment, size) != 0) return 0;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (alignment == HUGE_PAGE) (void)madvise(buffer, size / HUGE_PAGE * HUGE_PAGE, MADV_HUGEPAGE);
#endif
    return buffer;
}

void flowlm_free_buffer(void *buffer) { free(buffer); }

void flowlm_return_freed_memory(void) {
#if defined(__GLIBC__)
    (void)malloc_trim(0);
#endif
}
