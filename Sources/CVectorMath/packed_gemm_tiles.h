#ifndef FLOWLM_PACKED_GEMM_TILES_H
#define FLOWLM_PACKED_GEMM_TILES_H

// What packed_gemm.c's driver calls in the other kernel files.

#include "CVectorMath.h"

/// Rows of X per pair tile.
#define FLOWLM_PAIR_ROWS 6

/// C[6 rows, 64 columns] (= or += when `accumulate`) the product of 6 rows of X (row stride ldx, k deep) and
/// two adjacent packed panels, the first at b and the second panel_stride floats after it, plus bias[0 ..< 64]
/// when non-null. The first panel is whole; of the second, `second_width` columns (1 ... 32) are stored.
/// Fetches ahead_lines cache lines from `ahead` into L2 on the way, two every `ahead_gap` groups of four steps.
void flowlm_pair_tile_avx512(int64_t k, const float *x, int64_t ldx, const float *b, int64_t panel_stride,
                             float *c, int64_t ldc, int64_t second_width, const float *bias, int accumulate,
                             const char *ahead, int64_t ahead_lines, int64_t ahead_gap);

#if defined(__x86_64__)
#include <immintrin.h>

/// Lanes stored of a panel's first and second sixteen columns when `width` (1 ... 32) of its columns exist.
static inline __mmask16 panel_low_lanes(int64_t width) {
    return width >= 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
}
static inline __mmask16 panel_high_lanes(int64_t width) {
    return width >= 32 ? 0xFFFF : width <= 16 ? 0 : (__mmask16)((1u << (width - 16)) - 1);
}
#endif

/// The fused logits statistics over a finished tile of C (row_summary.c).
void flowlm_summarize_tile_avx512(const float *c, int64_t ldc, int64_t rows, int64_t column, int64_t width,
                                  const flowlm_summary_request *request, flowlm_row_summary *summaries);

#endif
