#include "CVectorMath.h"
#include "packed_gemm_tiles.h"

// C = X · Wᵀ for inference, with W packed once at load time. OpenBLAS re-packs W on every call, which at a
// toy model's sizes (128 rows) costs a fifth of the forward pass; here the tiles broadcast straight from the
// rows of X (nothing of X is copied), and C is not zeroed first: the first depth block stores its tiles with
// the bias and the residual added.

// Blocking (measured on this project's AVX-512 Xeon, docs/BENCHMARKS.md): 6 panels of weights 768 deep
// (576 KB) stay in L2 while 48 rows of activations pass over them, and each block of panels goes through all
// of k before the next, so the part of C it writes is read back from cache rather than memory. The panels
// stream from L2 as fast as they would from L1, and at base's k of 768 C is written in one pass.
// Most of the work runs as 6×64 tiles over pairs of panels (packed_pair_tile.c); a last odd panel, and rows
// that do not fill six, run as the 12×32 tiles below.
enum { TILE_ROWS = 12, PANEL = FLOWLM_PACKED_PANEL, BLOCK_ROWS = 48, DEPTH = 768, PANEL_BLOCK = 6,
       PAIR_ROWS = FLOWLM_PAIR_ROWS };

int64_t flowlm_packed_weight_count(int64_t n, int64_t k) {
    return (n + PANEL - 1) / PANEL * PANEL * k;
}

static int pack_full_panel(int64_t k, const float *w, int64_t ldw, float *out);

void flowlm_pack_weight(int64_t n, int64_t k, const float *w, int64_t ldw, float *packed) {
    int64_t panels = (n + PANEL - 1) / PANEL;
    for (int64_t p = 0; p < panels; p++) {
        float *out = packed + p * PANEL * k;
        if ((p + 1) * PANEL <= n && pack_full_panel(k, w + p * PANEL * ldw, ldw, out)) continue;
        for (int64_t kk = 0; kk < k; kk++)
            for (int64_t j = 0; j < PANEL; j++) {
                int64_t row = p * PANEL + j;
                out[kk * PANEL + j] = row < n ? w[row * ldw + kk] : 0.0f;
            }
    }
}

void flowlm_pack_weight_transposed(int64_t n, int64_t k, const float *wt, int64_t ldwt, float *packed) {
    int64_t panels = (n + PANEL - 1) / PANEL;
    for (int64_t p = 0; p < panels; p++) {
        float *out = packed + p * PANEL * k;
        int64_t width = n - p * PANEL < PANEL ? n - p * PANEL : PANEL;
        for (int64_t kk = 0; kk < k; kk++) {
            const float *source = wt + kk * ldwt + p * PANEL;
            int64_t j = 0;
            for (; j < width; j++) out[kk * PANEL + j] = source[j];
            for (; j < PANEL; j++) out[kk * PANEL + j] = 0.0f;
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

int flowlm_has_avx512(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512f") ? 1 : 0;
    }
    return cached;
}

// A whole panel (32 rows of W) by two 16-lane gathers per k.
__attribute__((target("avx512f")))
static void pack_full_panel_avx512(int64_t k, const float *w, int64_t ldw, float *out) {
    const __m512i low = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                           _mm512_set1_epi32((int)ldw));
    const __m512i high = _mm512_add_epi32(low, _mm512_set1_epi32((int)(16 * ldw)));
    for (int64_t kk = 0; kk < k; kk++) {
        _mm512_store_ps(out + kk * PANEL, _mm512_i32gather_ps(low, w + kk, 4));
        _mm512_store_ps(out + kk * PANEL + 16, _mm512_i32gather_ps(high, w + kk, 4));
    }
}

// 1 when the panel was packed by gathers (AVX-512, and row offsets that fit in 32 bits), else 0.
static int pack_full_panel(int64_t k, const float *w, int64_t ldw, float *out) {
    if (ldw > (int64_t)1 << 25 || !flowlm_has_avx512()) return 0;
    pack_full_panel_avx512(k, w, ldw, out);
    return 1;
}

// One `rows` × PANEL tile over the whole of k (rows: a constant once inlined), broadcasting straight from
// the rows of X (row stride ldx); columns masked out are not stored. While it runs, the tile also fetches
// `ahead_lines` cache lines from `ahead` into L2, one every `ahead_gap` steps: the panel the next tiles will
// need, so its trip from memory overlaps this tile's arithmetic instead of stalling the first tile that reads it.
__attribute__((target("avx512f"), always_inline))
static inline void tile_body(int rows, int64_t k, const float *x, int64_t ldx, const float *b, float *c, int64_t ldc,
                             __mmask16 low_mask, __mmask16 high_mask, const float *bias, int accumulate,
                             const char *ahead, int64_t ahead_lines, int64_t ahead_gap) {
    __m512 acc[TILE_ROWS][2];
    if (accumulate)
        for (int r = 0; r < rows; r++) { _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
                                         _mm_prefetch((const char *)(c + r * ldc + 16), _MM_HINT_T0); }
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) { acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); }
    int64_t countdown = ahead_gap;
    // Row r is read at group[r / 4] + stride[r % 4]: three pointers advanced once per step and three row
    // strides, one base-plus-index load each. Written as x[r·ldx + kk], clang rebuilt every row's address
    // with a chain of adds (57 µops per step for 24 FMAs, 11.4 of the step's 12 cycles at five a cycle);
    // the broadcasts are asm so it cannot fold the addressing back (47 µops).
    const float *group[3] = { x, x + 4 * ldx, x + 8 * ldx };
    const int64_t stride[4] = { 0, ldx, 2 * ldx, 3 * ldx };
    for (int64_t kk = 0; kk < k; kk++) {
        __m512 b0 = _mm512_load_ps(b + kk * PANEL), b1 = _mm512_load_ps(b + kk * PANEL + 16);
        // Never faults: prefetches of addresses past the panel are dropped.
        _mm_prefetch((const char *)(b + (kk + 16) * PANEL), _MM_HINT_T0);
        _mm_prefetch((const char *)(b + (kk + 16) * PANEL + 16), _MM_HINT_T0);
        if (ahead_lines > 0 && --countdown == 0) {
            _mm_prefetch(ahead, _MM_HINT_T1);
            ahead += 64; ahead_lines--; countdown = ahead_gap;
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            __m512 xr;
            // No memory operand: X is never written while a product runs, and declaring the read made clang
            // compute (and spill) every address again.
            if (r % 4 == 0) __asm__("vbroadcastss (%1), %0" : "=v"(xr) : "r"(group[r / 4]));
            else __asm__("vbroadcastss (%1,%2,4), %0" : "=v"(xr) : "r"(group[r / 4]), "r"(stride[r % 4]));
            acc[r][0] = _mm512_fmadd_ps(xr, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(xr, b1, acc[r][1]);
        }
        group[0]++; group[1]++; group[2]++;
    }
    __m512 bias0 = bias ? _mm512_maskz_loadu_ps(low_mask, bias) : _mm512_setzero_ps();
    __m512 bias1 = bias ? _mm512_maskz_loadu_ps(high_mask, bias + 16) : _mm512_setzero_ps();
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        __m512 v0 = _mm512_add_ps(acc[r][0], bias0), v1 = _mm512_add_ps(acc[r][1], bias1);
        if (accumulate) {
            v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(low_mask, row));
            v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(high_mask, row + 16));
        }
        _mm512_mask_storeu_ps(row, low_mask, v0);
        _mm512_mask_storeu_ps(row + 16, high_mask, v1);
    }
}

// Broadcasting straight from X's rows beat packing them (13 µs per 128×256 block, a tenth of a 256-column
// product), and a last tile of fewer than 12 rows runs as tiles of 8, 4, 2 and 1 instead of a zero-padded
// 12 (at 128 rows that padding was a third of the last tile, 3 % of the products).
#define FLOWLM_TILE(ROWS)                                                                                    \
    __attribute__((target("avx512f"), noinline)) static void tile_##ROWS(                                    \
        int64_t k, const float *x, int64_t ldx, const float *b, float *c, int64_t ldc, __mmask16 low_mask,    \
        __mmask16 high_mask, const float *bias, int accumulate, const char *ahead, int64_t ahead_lines,      \
        int64_t ahead_gap) {                                                                                 \
        tile_body(ROWS, k, x, ldx, b, c, ldc, low_mask, high_mask, bias, accumulate, ahead, ahead_lines,     \
                  ahead_gap);                                                                                \
    }
FLOWLM_TILE(12)
FLOWLM_TILE(8)
FLOWLM_TILE(4)
FLOWLM_TILE(2)
FLOWLM_TILE(1)
#undef FLOWLM_TILE

// `rows` rows (at most TILE_ROWS) of one panel: a full tile, or the pieces of 8, 4, 2 and 1 that make up a last one.
// The first piece carries the L2 fetch of the next panel.
__attribute__((target("avx512f")))
static void run_tile(int64_t rows, int64_t k, const float *x, int64_t ldx, const float *b, float *c, int64_t ldc,
                     __mmask16 low, __mmask16 high, const float *bias, int accumulate,
                     const char *ahead, int64_t ahead_lines, int64_t ahead_gap) {
    if (rows == TILE_ROWS) {
        tile_12(k, x, ldx, b, c, ldc, low, high, bias, accumulate, ahead, ahead_lines, ahead_gap);
        return;
    }
    for (int64_t done = 0, piece = 8; piece >= 1; piece /= 2) {
        if (rows - done < piece) continue;
        const float *xp = x + done * ldx;
        float *cp = c + done * ldc;
        switch (piece) {
        case 8: tile_8(k, xp, ldx, b, cp, ldc, low, high, bias, accumulate, ahead, ahead_lines, ahead_gap); break;
        case 4: tile_4(k, xp, ldx, b, cp, ldc, low, high, bias, accumulate, ahead, ahead_lines, ahead_gap); break;
        case 2: tile_2(k, xp, ldx, b, cp, ldc, low, high, bias, accumulate, ahead, ahead_lines, ahead_gap); break;
        default: tile_1(k, xp, ldx, b, cp, ldc, low, high, bias, accumulate, ahead, ahead_lines, ahead_gap); break;
        }
        done += piece;
        ahead_lines = 0;
    }
}

// Where one pass (a block of panels at one depth, over all rows) sits in the traversal. The passes run
// serpentine: each pass takes the rows in the opposite order to the one before, and every other block of
// panels takes its depths from the last, so a pass starts on the rows (and the slice of X) the previous pass
// ended on, still in cache: the part of C it accumulates into, or the rows of X it reads again.
typedef struct {
    int64_t first_row0;    // the row block the pass starts with: its tiles fetch the slices that come next
    int64_t next_k0;       // where this block's next pass starts in depth, or -1 after its last
    int64_t next_block_k0; // where the next block of panels starts in depth
} pass_order;

// The slice of weights the traversal reaches `after` panels past panel p at depth k0: the rest of this block
// at this depth, then the block's panels at its next depth, then the next block's at its first. Null past the end.
static const char *slice_after(const float *packed, int64_t k, int64_t p0, int64_t p1, int64_t end_panel,
                               int64_t k0, const pass_order *order, int64_t p, int64_t after) {
    int64_t q = p + after;
    if (q < p1) return (const char *)(packed + q * PANEL * k + k0 * PANEL);
    q -= p1;
    if (order->next_k0 >= 0)
        return q < p1 - p0 ? (const char *)(packed + (p0 + q) * PANEL * k + order->next_k0 * PANEL) : 0;
    return p1 + q < end_panel ? (const char *)(packed + (p1 + q) * PANEL * k + order->next_block_k0 * PANEL) : 0;
}

// The first row block of a pass brings its slices from memory, so its tiles share fetching the `panels`
// slices that come next into L2: tile `tile` of `tiles` gets `count` lines from `start`.
typedef struct { const char *start; int64_t count; } fetch_share;

static fetch_share share_of_next(const float *packed, int64_t k, int64_t p0, int64_t p1, int64_t end_panel,
                                 int64_t k0, int64_t depth, const pass_order *order, int64_t row0, int64_t p,
                                 int64_t panels, int64_t tile, int64_t tiles) {
    fetch_share none = { 0, 0 };
    int64_t panel_lines = PANEL * depth * (int64_t)sizeof(float) / 64;
    int64_t share = (panels * panel_lines + tiles - 1) / tiles, first = tile * share;
    if (row0 != order->first_row0 || first >= panels * panel_lines) return none;
    int64_t which = first / panel_lines, offset = first % panel_lines;
    const char *slice = slice_after(packed, k, p0, p1, end_panel, k0, order, p, panels + which);
    if (!slice) return none;
    fetch_share result = { slice + offset * 64, panel_lines - offset < share ? panel_lines - offset : share };
    return result;
}

// Steps of `steps` between fetches so that `count` of them spread over the whole tile.
static inline int64_t spread(int64_t steps, int64_t count) { return count > 0 && steps / count > 1 ? steps / count : 1; }

// The block's rows [row0, row0 + rows) of one pair of panels (p, p + 1): 6×64 tiles, then what is left of
// the rows as 12×32 tiles of each panel.
__attribute__((target("avx512f")))
static void run_pair(int64_t row0, int64_t rows, int64_t n, int64_t k, int64_t k0, int64_t depth, const float *x,
                     int64_t ldx, const float *packed, int64_t p0, int64_t p1, int64_t end_panel,
                     const pass_order *order, int64_t p,
                     const float *bias, int accumulate, float *c, int64_t ldc) {
    int64_t col = p * PANEL, second_width = n - col - PANEL < PANEL ? n - col - PANEL : PANEL;
    int64_t full = rows / PAIR_ROWS * PAIR_ROWS, tiles = full / PAIR_ROWS;
    const float *b = packed + p * PANEL * k + k0 * PANEL;
    for (int64_t t = 0; t < tiles; t++) {
        int64_t row = row0 + t * PAIR_ROWS;
        fetch_share next = share_of_next(packed, k, p0, p1, end_panel, k0, depth, order, row0, p, 2, t, tiles);
        flowlm_pair_tile_avx512(depth, x + row * ldx + k0, ldx, b, PANEL * k, c + row * ldc + col, ldc, second_width,
                                bias, accumulate, next.start, next.count, spread(depth / 4, (next.count + 1) / 2));
    }
    for (int64_t half = 0; half < 2 && full < rows; half++) {
        int64_t hcol = col + half * PANEL, width = n - hcol < PANEL ? n - hcol : PANEL;
        run_tile(rows - full, depth, x + (row0 + full) * ldx + k0, ldx, b + half * PANEL * k,
                 c + (row0 + full) * ldc + hcol, ldc, panel_low_lanes(width), panel_high_lanes(width),
                 bias ? bias + half * PANEL : 0, accumulate, 0, 0, 1);
    }
}

// The block's rows of a panel left without a partner: 12×32 tiles.
__attribute__((target("avx512f")))
static void run_single(int64_t row0, int64_t rows, int64_t n, int64_t k, int64_t k0, int64_t depth, const float *x,
                       int64_t ldx, const float *packed, int64_t p0, int64_t p1, int64_t end_panel,
                       const pass_order *order, int64_t p,
                       const float *bias, int accumulate, float *c, int64_t ldc) {
    int64_t col = p * PANEL, width = n - col < PANEL ? n - col : PANEL;
    int64_t tiles = (rows + TILE_ROWS - 1) / TILE_ROWS;
    const float *b = packed + p * PANEL * k + k0 * PANEL;
    for (int64_t t = 0; t < tiles; t++) {
        int64_t row = row0 + t * TILE_ROWS, tile_rows = row0 + rows - row < TILE_ROWS ? row0 + rows - row : TILE_ROWS;
        fetch_share next = share_of_next(packed, k, p0, p1, end_panel, k0, depth, order, row0, p, 1, t, tiles);
        run_tile(tile_rows, depth, x + row * ldx + k0, ldx, b, c + row * ldc + col, ldc, panel_low_lanes(width),
                 panel_high_lanes(width), bias, accumulate, next.start, next.count, spread(depth, next.count));
    }
}

__attribute__((target("avx512f")))
static void gemm_packed(int64_t m, int64_t n, int64_t k, const float *x, int64_t ldx,
                        const float *packed, int64_t first_panel, int64_t end_panel,
                        const float *bias, int accumulate, float *c, int64_t ldc,
                        const flowlm_summary_request *request, flowlm_row_summary *summaries) {
    int64_t slices = (k + DEPTH - 1) / DEPTH, row_blocks = (m + BLOCK_ROWS - 1) / BLOCK_ROWS, pass = 0;
    for (int64_t p0 = first_panel, block = 0; p0 < end_panel; p0 += PANEL_BLOCK, block++) {
        int64_t p1 = end_panel - p0 < PANEL_BLOCK ? end_panel : p0 + PANEL_BLOCK;
        int depths_reversed = block % 2;
        for (int64_t s = 0; s < slices; s++, pass++) {
            int64_t slice = depths_reversed ? slices - 1 - s : s, k0 = slice * DEPTH;
            int64_t depth = k - k0 < DEPTH ? k - k0 : DEPTH;
            int first = s == 0, last = s == slices - 1, rows_reversed = pass % 2;
            pass_order order = { rows_reversed ? (row_blocks - 1) * BLOCK_ROWS : 0,
                                 last ? -1 : (depths_reversed ? slice - 1 : slice + 1) * DEPTH,
                                 depths_reversed ? 0 : (slices - 1) * DEPTH };
            for (int64_t b = 0; b < row_blocks; b++) {
                int64_t row0 = (rows_reversed ? row_blocks - 1 - b : b) * BLOCK_ROWS;
                int64_t rows = m - row0 < BLOCK_ROWS ? m - row0 : BLOCK_ROWS;
                for (int64_t p = p0; p < p1; p += 2) {
                    int64_t pair = p + 1 < p1, col = p * PANEL;
                    const float *tile_bias = first && bias ? bias + col : 0;
                    if (pair)
                        run_pair(row0, rows, n, k, k0, depth, x, ldx, packed, p0, p1, end_panel, &order, p, tile_bias,
                                 !first || accumulate, c, ldc);
                    else
                        run_single(row0, rows, n, k, k0, depth, x, ldx, packed, p0, p1, end_panel, &order, p,
                                   tile_bias, !first || accumulate, c, ldc);
                    if (summaries && last)
                        for (int64_t q = p; q <= p + pair; q++) {
                            int64_t qcol = q * PANEL, width = n - qcol < PANEL ? n - qcol : PANEL;
                            for (int64_t row = row0; row < row0 + rows; row += TILE_ROWS) {
                                int64_t tile_rows = row0 + rows - row < TILE_ROWS ? row0 + rows - row : TILE_ROWS;
                                flowlm_summarize_tile_avx512(c + row * ldc + qcol, ldc, tile_rows, qcol, width,
                                                             request, summaries + row);
                            }
                        }
                }
            }
        }
    }
}

__attribute__((target("avx512f")))
void flowlm_gemm_packed_avx512(int64_t m, int64_t n, int64_t k, const float *x, int64_t ldx,
                               const float *packed, int64_t first_panel, int64_t end_panel,
                               const float *bias, int accumulate, float *c, int64_t ldc) {
    gemm_packed(m, n, k, x, ldx, packed, first_panel, end_panel, bias, accumulate, c, ldc, 0, 0);
}

__attribute__((target("avx512f")))
void flowlm_gemm_packed_summarized_avx512(int64_t m, int64_t n, int64_t k, const float *x, int64_t ldx,
                                          const float *packed, int64_t first_panel, int64_t end_panel,
                                          const float *bias, float *c, int64_t ldc,
                                          const flowlm_summary_request *request, flowlm_row_summary *summaries) {
    gemm_packed(m, n, k, x, ldx, packed, first_panel, end_panel, bias, 0, c, ldc, request, summaries);
}

#else
int flowlm_has_avx512(void) { return 0; }
static int pack_full_panel(int64_t k, const float *w, int64_t ldw, float *out) {
    (void)k; (void)w; (void)ldw; (void)out;
    return 0;
}
void flowlm_gemm_packed_summarized_avx512(int64_t m, int64_t n, int64_t k, const float *x, int64_t ldx,
                                          const float *packed, int64_t first_panel, int64_t end_panel,
                                          const float *bias, float *c, int64_t ldc,
                                          const flowlm_summary_request *request, flowlm_row_summary *summaries) {
    (void)m; (void)n; (void)k; (void)x; (void)ldx; (void)packed; (void)first_panel; (void)end_panel;
    (void)bias; (void)c; (void)ldc; (void)request; (void)summaries;
}
void flowlm_gemm_packed_avx512(int64_t m, int64_t n, int64_t k, const float *x, int64_t ldx,
                               const float *packed, int64_t first_panel, int64_t end_panel,
                               const float *bias, int accumulate, float *c, int64_t ldc) {
    (void)m; (void)n; (void)k; (void)x; (void)ldx; (void)packed; (void)first_panel; (void)end_panel;
    (void)bias; (void)accumulate; (void)c; (void)ldc;
}
#endif
