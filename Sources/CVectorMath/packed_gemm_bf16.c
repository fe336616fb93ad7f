#include "CVectorMath.h"
#include "packed_gemm_tiles.h"

// C = X · Wᵀ with W and X rounded to bf16 and the products summed in fp32 (vdpbf16ps), for inference on CPUs
// with AVX-512 BF16. Laid out so that the fp32 kernel's blocking carries over unchanged: a bf16 pair along k
// takes the 4 bytes one float took, so a panel holds, per pair of k, 32 columns × one pair = two zmm, as the
// fp32 panel holds per k; each step of the pair tile loads four weight vectors, broadcasts six pairs of X and
// issues 24 dot-products, which do twice the fp32 tile's multiply-adds. Compiled with per-function targets:
// the package stays baseline x86-64 and this runs only where flowlm_has_avx512_bf16() says so.

enum { PANEL = FLOWLM_PACKED_PANEL, BLOCK_ROWS = 48, PAIR_ROWS = FLOWLM_PAIR_ROWS, PANEL_BLOCK = 6,
       // Pairs of k per pass: 6 panels × 768 pairs × 128 bytes = 576 KB of weights in L2, the fp32 kernel's
       // bytes (docs/gemm-notes.md); base's k of 768 and 1152 run in one pass.
       DEPTH_PAIRS = 768 };

int64_t flowlm_packed_bf16_count(int64_t n, int64_t k) {
    return (n + PANEL - 1) / PANEL * PANEL * ((k + 1) / 2);
}

// Round to nearest even, as vcvtne2ps2bf16 does (NaN kept a quiet NaN).
uint16_t flowlm_bf16_from_float(float value) {
    uint32_t bits;
    __builtin_memcpy(&bits, &value, 4);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((bits >> 16) | 0x40);
    return (uint16_t)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

float flowlm_float_from_bf16(uint16_t value) {
    uint32_t bits = (uint32_t)value << 16;
    float result;
    __builtin_memcpy(&result, &bits, 4);
    return result;
}

static flowlm_bf16_pair make_pair(float even, float odd) {
    return (flowlm_bf16_pair)flowlm_bf16_from_float(even) | (flowlm_bf16_pair)flowlm_bf16_from_float(odd) << 16;
}

// Load time only, so plain scalar code: W is read row by row (a panel's 32 rows advance together).
void flowlm_pack_weight_bf16(int64_t n, int64_t k, const float *w, int64_t ldw, flowlm_bf16_pair *packed) {
    int64_t panels = (n + PANEL - 1) / PANEL, pairs = (k + 1) / 2;
    for (int64_t p = 0; p < panels; p++) {
        flowlm_bf16_pair *out = packed + p * PANEL * pairs;
        for (int64_t j = 0; j < PANEL; j++) {
            int64_t row = p * PANEL + j;
            for (int64_t q = 0; q < pairs; q++) {
                float even = row < n ? w[row * ldw + 2 * q] : 0.0f;
                float odd = row < n && 2 * q + 1 < k ? w[row * ldw + 2 * q + 1] : 0.0f;
                out[q * PANEL + j] = make_pair(even, odd);
            }
        }
    }
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

// CPUID leaf 7 subleaf 1, EAX bit 5 (AVX512_BF16); the OS's saving of the zmm state is what
// flowlm_has_avx512 already checks.
int flowlm_has_avx512_bf16(void) {
    static int cached = -1;
    if (cached < 0) {
        unsigned a = 0, b = 0, c = 0, d = 0;
        int leaf = __get_cpuid_count(7, 1, &a, &b, &c, &d);
        __builtin_cpu_init();
        cached = leaf && (a & (1u << 5)) && flowlm_has_avx512() && __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("avx512vl") ? 1 : 0;
    }
    return cached;
}

#define BF16_TARGET __attribute__((target("avx512f,avx512bf16,avx512bw,avx512vl")))

BF16_TARGET
void flowlm_convert_rows_bf16(int64_t m, int64_t k, const float *x, int64_t ldx, flowlm_bf16_pair *out, int64_t ldo) {
    int64_t pairs = (k + 1) / 2;
    for (int64_t r = 0; r < m; r++) {
        const float *row = x + r * ldx;
        flowlm_bf16_pair *target = out + r * ldo;
        for (int64_t j = 0; j < 2 * pairs; j += 32) {
            // Lanes past k read as zero, so an odd k's last pair gets a zero partner.
            int64_t left = k - j;
            __mmask16 low = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
            __mmask16 high = left >= 32 ? 0xFFFF : left <= 16 ? 0 : (__mmask16)((1u << (left - 16)) - 1);
            __m512bh both = _mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(high, row + j + 16), _mm512_maskz_loadu_ps(low, row + j));
            int64_t stored = 2 * pairs - j < 32 ? 2 * pairs - j : 32;
            __mmask32 lanes = stored >= 32 ? 0xFFFFFFFFu : (__mmask32)((1u << stored) - 1);
            _mm512_mask_storeu_epi16((uint16_t *)target + j, lanes, (__m512i)both);
        }
    }
}

// The 6×64 pair tile's products, as packed_pair_tile.c's pair_products with vdpbf16ps for vfmadd231ps and k
// counted in pairs (X's rows and the panels advance 4 bytes and 128 bytes per pair, as per float in fp32).
// Kept as its own copy so that the fp32 kernel, tuned on its own, stays untouched by this one.
#define BF16_ROW(G, INDEX, XO, T, A0, A1, A2, A3)                                                            \
    "vbroadcastss " XO "(%[" G "]" INDEX "), %%zmm" #T "\n\t"                                              \
    "vdpbf16ps %%zmm24, %%zmm" #T ", %%zmm" #A0 "\n\t"                                                     \
    "vdpbf16ps %%zmm25, %%zmm" #T ", %%zmm" #A1 "\n\t"                                                     \
    "vdpbf16ps %%zmm26, %%zmm" #T ", %%zmm" #A2 "\n\t"                                                     \
    "vdpbf16ps %%zmm27, %%zmm" #T ", %%zmm" #A3 "\n\t"
#define BF16_STEP(XO, BO, BO2)                                                                               \
    "vmovaps " BO "(%[b]), %%zmm24\n\t"                                                                    \
    "vmovaps " BO2 "(%[b]), %%zmm25\n\t"                                                                   \
    "vmovaps " BO "(%[b],%[stride],4), %%zmm26\n\t"                                                        \
    "vmovaps " BO2 "(%[b],%[stride],4), %%zmm27\n\t"                                                       \
    BF16_ROW("g0", "", XO, 28, 0, 1, 2, 3)                                                                 \
    BF16_ROW("g0", ",%[ldx],4", XO, 29, 4, 5, 6, 7)                                                        \
    BF16_ROW("g0", ",%[ldx],8", XO, 30, 8, 9, 10, 11)                                                      \
    BF16_ROW("g1", "", XO, 31, 12, 13, 14, 15)                                                             \
    BF16_ROW("g1", ",%[ldx],4", XO, 28, 16, 17, 18, 19)                                                    \
    BF16_ROW("g1", ",%[ldx],8", XO, 29, 20, 21, 22, 23)
#define BF16_ZERO(A, B) "vpxord %%zmm" #A ", %%zmm" #A ", %%zmm" #A "\n\t" \
                        "vpxord %%zmm" #B ", %%zmm" #B ", %%zmm" #B "\n\t"
#define BF16_SAVE(A, B) "vmovaps %%zmm" #A ", " #A "*64(%[sums])\n\t" "vmovaps %%zmm" #B ", " #B "*64(%[sums])\n\t"

BF16_TARGET __attribute__((noinline))
static void pair_dot_products(int64_t pairs, const flowlm_bf16_pair *x, int64_t ldx, const flowlm_bf16_pair *b,
                              int64_t panel_stride, float *sums, const char *ahead, int64_t ahead_lines, int64_t gap) {
    const flowlm_bf16_pair *g0 = x, *g1 = x + 3 * ldx;
    int64_t trips = pairs / 4, singles = pairs % 4, countdown = gap;
    __asm__ volatile(
        BF16_ZERO(0, 1) BF16_ZERO(2, 3) BF16_ZERO(4, 5) BF16_ZERO(6, 7)
        BF16_ZERO(8, 9) BF16_ZERO(10, 11) BF16_ZERO(12, 13) BF16_ZERO(14, 15)
        BF16_ZERO(16, 17) BF16_ZERO(18, 19) BF16_ZERO(20, 21) BF16_ZERO(22, 23)
        "test %[trips], %[trips]\n\t"
        "jz 3f\n\t"
        ".p2align 5\n"
        "1:\n\t"
        BF16_STEP("0", "0", "64")
        BF16_STEP("4", "128", "192")
        BF16_STEP("8", "256", "320")
        BF16_STEP("12", "384", "448")
        "add $512, %[b]\n\t"
        "add $16, %[g0]\n\t"
        "add $16, %[g1]\n\t"
        "dec %[countdown]\n\t"
        "jnz 2f\n\t"
        "test %[lines], %[lines]\n\t"
        "jle 2f\n\t"
        "prefetcht1 (%[ahead])\n\t"
        "prefetcht1 64(%[ahead])\n\t"
        "add $128, %[ahead]\n\t"
        "sub $2, %[lines]\n\t"
        "mov %[gap], %[countdown]\n"
        "2:\n\t"
        "dec %[trips]\n\t"
        "jnz 1b\n"
        "3:\n\t"
        "test %[singles], %[singles]\n\t"
        "jz 5f\n"
        "4:\n\t"
        BF16_STEP("0", "0", "64")
        "add $128, %[b]\n\t"
        "add $4, %[g0]\n\t"
        "add $4, %[g1]\n\t"
        "dec %[singles]\n\t"
        "jnz 4b\n"
        "5:\n\t"
        BF16_SAVE(0, 1) BF16_SAVE(2, 3) BF16_SAVE(4, 5) BF16_SAVE(6, 7)
        BF16_SAVE(8, 9) BF16_SAVE(10, 11) BF16_SAVE(12, 13) BF16_SAVE(14, 15)
        BF16_SAVE(16, 17) BF16_SAVE(18, 19) BF16_SAVE(20, 21) BF16_SAVE(22, 23)
        : [g0] "+r"(g0), [g1] "+r"(g1), [b] "+r"(b), [trips] "+r"(trips), [singles] "+r"(singles),
          [ahead] "+r"(ahead), [lines] "+r"(ahead_lines), [countdown] "+r"(countdown)
        : [ldx] "r"(ldx), [stride] "r"(panel_stride), [gap] "m"(gap), [sums] "r"(sums)
        : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
          "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20",
          "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31");
}
#undef BF16_SAVE
#undef BF16_ZERO
#undef BF16_STEP
#undef BF16_ROW

// Stores `rows` rows of up to 64 summed columns (row stride 64 in sums) into C, as the fp32 tiles do: plus the
// bias when non-null, plus what C held when `accumulate`; `width` (1 ... 64) columns exist.
BF16_TARGET
static void store_sums(const float *sums, int64_t rows, int64_t width, const float *bias, int accumulate,
                       float *c, int64_t ldc) {
    __mmask16 masks[4];
    for (int v = 0; v < 4; v++) {
        int64_t left = width - 16 * v;
        masks[v] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
    }
    for (int64_t r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        for (int v = 0; v < 4 && masks[v]; v++) {
            __m512 value = _mm512_load_ps(sums + r * 64 + 16 * v);
            if (bias) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(masks[v], bias + 16 * v));
            if (accumulate) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(masks[v], row + 16 * v));
            _mm512_mask_storeu_ps(row + 16 * v, masks[v], value);
        }
    }
}

// Six rows by two panels (64 columns, `width` of them stored).
__attribute__((target("avx512f,avx512bf16,avx512bw,avx512vl,prfchw")))
static void pair_tile(int64_t pairs, const flowlm_bf16_pair *x, int64_t ldx, const flowlm_bf16_pair *b,
                      int64_t panel_stride, float *c, int64_t ldc, int64_t width, const float *bias, int accumulate,
                      const char *ahead, int64_t ahead_lines, int64_t ahead_gap) {
    float sums[PAIR_ROWS * 64] __attribute__((aligned(64)));
    // As in the fp32 tile: C fetched into L2 when it is read back, owned when it is only written.
    for (int r = 0; r < PAIR_ROWS; r++)
        for (int v = 0; v < 4; v++) {
            const float *line = c + r * ldc + 16 * v;
            if (accumulate) _mm_prefetch((const char *)line, _MM_HINT_T1);
            else _m_prefetchw(line);
        }
    pair_dot_products(pairs, x, ldx, b, panel_stride, sums, ahead, ahead_lines, ahead_gap);
    store_sums(sums, PAIR_ROWS, width, bias, accumulate, c, ldc);
}

// Fewer than six rows, or a panel without a partner: `rows` (1 ... 6) rows by one panel, with intrinsics
// (a small share of the work: at 512 rows only the last two, and an odd last panel).
BF16_TARGET
static void edge_tile(int64_t rows, int64_t pairs, const flowlm_bf16_pair *x, int64_t ldx, const flowlm_bf16_pair *b,
                      float *c, int64_t ldc, int64_t width, const float *bias, int accumulate) {
    __m512 acc[PAIR_ROWS][2];
    for (int r = 0; r < PAIR_ROWS; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int64_t q = 0; q < pairs; q++) {
        __m512bh b0 = (__m512bh)_mm512_load_si512(b + q * PANEL), b1 = (__m512bh)_mm512_load_si512(b + q * PANEL + 16);
        for (int64_t r = 0; r < rows; r++) {
            __m512bh xr = (__m512bh)_mm512_set1_epi32((int)x[r * ldx + q]);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], xr, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], xr, b1);
        }
    }
    float sums[PAIR_ROWS * 64] __attribute__((aligned(64)));
    for (int64_t r = 0; r < rows; r++) {
        _mm512_store_ps(sums + r * 64, acc[r][0]);
        _mm512_store_ps(sums + r * 64 + 16, acc[r][1]);
    }
    store_sums(sums, rows, width, bias, accumulate, c, ldc);
}

typedef struct {
    int64_t m, n, pairs;
    const flowlm_bf16_pair *x;
    int64_t ldx;
    const flowlm_bf16_pair *packed;
    int64_t end_panel;
    const float *bias;
    float *c;
    int64_t ldc;
} bf16_product;

// Where the pass after the pair (p, p + 1) reads its weights: the next pair of this block at the same depth,
// else the first pair of this block at the next depth, else the next block's first pair. Null past the end.
static const flowlm_bf16_pair *next_pair_slice(const bf16_product *g, int64_t p0, int64_t p1, int64_t p, int64_t q0) {
    if (p + 2 < p1) return g->packed + (p + 2) * PANEL * g->pairs + q0 * PANEL;
    if (q0 + DEPTH_PAIRS < g->pairs) return g->packed + p0 * PANEL * g->pairs + (q0 + DEPTH_PAIRS) * PANEL;
    return p1 < g->end_panel ? g->packed + p1 * PANEL * g->pairs : 0;
}

// The block's rows [row0, row0 + rows) of panels p (and p + 1 when `pair`) at depth q0 ..< q0 + depth.
// In a pass's first row block, which brings the slice from memory, the tiles share fetching the next slice into L2.
BF16_TARGET
static void run_panels(const bf16_product *g, int64_t row0, int64_t rows, int64_t p0, int64_t p1, int64_t p, int pair,
                       int64_t q0, int64_t depth, int first_block, const float *bias, int accumulate) {
    int64_t col = p * PANEL, width = g->n - col < (pair ? 2 : 1) * PANEL ? g->n - col : (pair ? 2 : 1) * PANEL;
    const flowlm_bf16_pair *b = g->packed + p * PANEL * g->pairs + q0 * PANEL;
    const flowlm_bf16_pair *x = g->x + q0;
    int64_t full = pair ? rows / PAIR_ROWS * PAIR_ROWS : 0, tiles = full / PAIR_ROWS;
    const char *next = first_block ? (const char *)next_pair_slice(g, p0, p1, p, q0) : 0;
    int64_t lines = next ? 4 * depth : 0, share = tiles ? (lines + tiles - 1) / tiles : 0;
    for (int64_t t = 0; t < tiles; t++) {
        int64_t row = row0 + t * PAIR_ROWS, first = t * share;
        int64_t count = first < lines ? (lines - first < share ? lines - first : share) : 0;
        int64_t trips = depth / 4, gap = count > 0 && trips / ((count + 1) / 2) > 1 ? trips / ((count + 1) / 2) : 1;
        pair_tile(depth, x + row * g->ldx, g->ldx, b, PANEL * g->pairs, g->c + row * g->ldc + col, g->ldc, width, bias,
                  accumulate, count ? next + first * 64 : 0, count, gap);
    }
    for (int64_t half = 0; half < 1 + pair; half++) {
        int64_t hcol = col + half * PANEL, hwidth = g->n - hcol < PANEL ? g->n - hcol : PANEL;
        for (int64_t row = row0 + full; row < row0 + rows; row += PAIR_ROWS) {
            int64_t tile_rows = row0 + rows - row < PAIR_ROWS ? row0 + rows - row : PAIR_ROWS;
            edge_tile(tile_rows, depth, x + row * g->ldx, g->ldx, b + half * PANEL * g->pairs, g->c + row * g->ldc + hcol,
                      g->ldc, hwidth, bias ? bias + half * PANEL : 0, accumulate);
        }
    }
}

BF16_TARGET
static void gemm_bf16(const bf16_product *g, int64_t first_panel, int accumulate,
                      const flowlm_summary_request *request, flowlm_row_summary *summaries) {
    int64_t slices = (g->pairs + DEPTH_PAIRS - 1) / DEPTH_PAIRS, row_blocks = (g->m + BLOCK_ROWS - 1) / BLOCK_ROWS;
    int64_t pass = 0;
    for (int64_t p0 = first_panel; p0 < g->end_panel; p0 += PANEL_BLOCK) {
        int64_t p1 = g->end_panel - p0 < PANEL_BLOCK ? g->end_panel : p0 + PANEL_BLOCK;
        for (int64_t s = 0; s < slices; s++, pass++) {
            int64_t q0 = s * DEPTH_PAIRS, depth = g->pairs - q0 < DEPTH_PAIRS ? g->pairs - q0 : DEPTH_PAIRS;
            // Rows serpentine, as in the fp32 kernel: a pass starts on the rows the previous one ended on.
            int rows_reversed = pass % 2;
            for (int64_t blk = 0; blk < row_blocks; blk++) {
                int64_t row0 = (rows_reversed ? row_blocks - 1 - blk : blk) * BLOCK_ROWS;
                int64_t rows = g->m - row0 < BLOCK_ROWS ? g->m - row0 : BLOCK_ROWS;
                for (int64_t p = p0; p < p1; p += 2) {
                    int pair = p + 1 < p1;
                    const float *bias = s == 0 && g->bias ? g->bias + p * PANEL : 0;
                    run_panels(g, row0, rows, p0, p1, p, pair, q0, depth, blk == 0, bias, s > 0 || accumulate);
                    if (!summaries || s < slices - 1) continue;
                    for (int64_t q = p; q <= p + pair; q++) {
                        int64_t qcol = q * PANEL, width = g->n - qcol < PANEL ? g->n - qcol : PANEL;
                        flowlm_summarize_tile_avx512(g->c + row0 * g->ldc + qcol, g->ldc, rows, qcol, width, request,
                                                     summaries + row0);
                    }
                }
            }
        }
    }
}

BF16_TARGET
void flowlm_gemm_packed_bf16(int64_t m, int64_t n, int64_t k, const flowlm_bf16_pair *x, int64_t ldx,
                             const flowlm_bf16_pair *packed, int64_t first_panel, int64_t end_panel,
                             const float *bias, int accumulate, float *c, int64_t ldc) {
    bf16_product g = { m, n, (k + 1) / 2, x, ldx, packed, end_panel, bias, c, ldc };
    gemm_bf16(&g, first_panel, accumulate, 0, 0);
}

BF16_TARGET
void flowlm_gemm_packed_summarized_bf16(int64_t m, int64_t n, int64_t k, const flowlm_bf16_pair *x, int64_t ldx,
                                        const flowlm_bf16_pair *packed, int64_t first_panel, int64_t end_panel,
                                        const float *bias, float *c, int64_t ldc,
                                        const flowlm_summary_request *request, flowlm_row_summary *summaries) {
    bf16_product g = { m, n, (k + 1) / 2, x, ldx, packed, end_panel, bias, c, ldc };
    gemm_bf16(&g, first_panel, 0, request, summaries);
}

#else
int flowlm_has_avx512_bf16(void) { return 0; }
void flowlm_convert_rows_bf16(int64_t m, int64_t k, const float *x, int64_t ldx, flowlm_bf16_pair *out, int64_t ldo) {
    (void)m; (void)k; (void)x; (void)ldx; (void)out; (void)ldo;
}
void flowlm_gemm_packed_bf16(int64_t m, int64_t n, int64_t k, const flowlm_bf16_pair *x, int64_t ldx,
                             const flowlm_bf16_pair *packed, int64_t first_panel, int64_t end_panel,
                             const float *bias, int accumulate, float *c, int64_t ldc) {
    (void)m; (void)n; (void)k; (void)x; (void)ldx; (void)packed; (void)first_panel; (void)end_panel;
    (void)bias; (void)accumulate; (void)c; (void)ldc;
}
void flowlm_gemm_packed_summarized_bf16(int64_t m, int64_t n, int64_t k, const flowlm_bf16_pair *x, int64_t ldx,
                                        const flowlm_bf16_pair *packed, int64_t first_panel, int64_t end_panel,
                                        const float *bias, float *c, int64_t ldc,
                                        const flowlm_summary_request *request, flowlm_row_summary *summaries) {
    (void)m; (void)n; (void)k; (void)x; (void)ldx; (void)packed; (void)first_panel; (void)end_panel;
    (void)bias; (void)c; (void)ldc; (void)request; (void)summaries;
}
#endif
