#include "packed_gemm_tiles.h"

// The packed GEMM's main tile: 6 rows of X by two adjacent weight panels (64 columns). Each step loads four
// vectors of weights and broadcasts six values of X into 24 multiply-adds: 10 loads per 24 FMAs where the
// 12×32 tile needs 14, and on this Ice Lake core the loads, not the FMAs, were what held the 12×32 tile back
// (its loop reached 94 % of the FMA peak with operands in L1, and 100 % with the broadcasts taken out).
// Measured in docs/BENCHMARKS.md; the 12×32 C tile stays for a last odd panel and for rows left over.

#if defined(__x86_64__)
#include <immintrin.h>

// Accumulators zmm0–23 (row r in 4r ..< 4r+4), weights zmm24–27, broadcasts rotating through zmm28–31.
// Rows 0–2 are read at g0 + {0, ldx, 2·ldx}, rows 3–5 at g1 + the same; the second panel at b + panel_stride.
#define FLOWLM_ROW(G, INDEX, XO, T, A0, A1, A2, A3)                                                          \
    "vbroadcastss " XO "(%[" G "]" INDEX "), %%zmm" #T "\n\t"                                              \
    "vfmadd231ps %%zmm24, %%zmm" #T ", %%zmm" #A0 "\n\t"                                                   \
    "vfmadd231ps %%zmm25, %%zmm" #T ", %%zmm" #A1 "\n\t"                                                   \
    "vfmadd231ps %%zmm26, %%zmm" #T ", %%zmm" #A2 "\n\t"                                                   \
    "vfmadd231ps %%zmm27, %%zmm" #T ", %%zmm" #A3 "\n\t"
// One step of k: XO is the byte offset into X's rows, BO/BO2 into the panels.
#define FLOWLM_STEP(XO, BO, BO2)                                                                             \
    "vmovaps " BO "(%[b]), %%zmm24\n\t"                                                                    \
    "vmovaps " BO2 "(%[b]), %%zmm25\n\t"                                                                   \
    "vmovaps " BO "(%[b],%[stride],4), %%zmm26\n\t"                                                        \
    "vmovaps " BO2 "(%[b],%[stride],4), %%zmm27\n\t"                                                       \
    FLOWLM_ROW("g0", "", XO, 28, 0, 1, 2, 3)                                                               \
    FLOWLM_ROW("g0", ",%[ldx],4", XO, 29, 4, 5, 6, 7)                                                      \
    FLOWLM_ROW("g0", ",%[ldx],8", XO, 30, 8, 9, 10, 11)                                                    \
    FLOWLM_ROW("g1", "", XO, 31, 12, 13, 14, 15)                                                           \
    FLOWLM_ROW("g1", ",%[ldx],4", XO, 28, 16, 17, 18, 19)                                                  \
    FLOWLM_ROW("g1", ",%[ldx],8", XO, 29, 20, 21, 22, 23)
#define FLOWLM_ZERO(A, B) "vpxord %%zmm" #A ", %%zmm" #A ", %%zmm" #A "\n\t" \
                          "vpxord %%zmm" #B ", %%zmm" #B ", %%zmm" #B "\n\t"
#define FLOWLM_SAVE(A, B) "vmovaps %%zmm" #A ", " #A "*64(%[sums])\n\t" "vmovaps %%zmm" #B ", " #B "*64(%[sums])\n\t"

// The products over the whole of k, into sums[6][64]. Assembly, because written with intrinsics clang hoisted
// an unrolled loop's broadcasts ahead of their multiply-adds and spilled accumulators, and without unrolling
// spent 7 of a step's 47 µops on pointers and branches (the 12×32 C tile). Four steps per trip. Every `gap`
// trips it also fetches two lines from `ahead` into L2 (the panels that come next), until `ahead_lines` are done.
__attribute__((target("avx512f"), noinline))
static void pair_products(int64_t k, const float *x, int64_t ldx, const float *b, int64_t panel_stride, float *sums,
                          const char *ahead, int64_t ahead_lines, int64_t gap) {
    const float *g0 = x, *g1 = x + 3 * ldx;
    int64_t trips = k / 4, singles = k % 4, countdown = gap;
    __asm__ volatile(
        FLOWLM_ZERO(0, 1) FLOWLM_ZERO(2, 3) FLOWLM_ZERO(4, 5) FLOWLM_ZERO(6, 7)
        FLOWLM_ZERO(8, 9) FLOWLM_ZERO(10, 11) FLOWLM_ZERO(12, 13) FLOWLM_ZERO(14, 15)
        FLOWLM_ZERO(16, 17) FLOWLM_ZERO(18, 19) FLOWLM_ZERO(20, 21) FLOWLM_ZERO(22, 23)
        "test %[trips], %[trips]\n\t"
        "jz 3f\n\t"
        ".p2align 5\n"
        "1:\n\t"
        FLOWLM_STEP("0", "0", "64")
        FLOWLM_STEP("4", "128", "192")
        FLOWLM_STEP("8", "256", "320")
        FLOWLM_STEP("12", "384", "448")
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
        FLOWLM_STEP("0", "0", "64")
        "add $128, %[b]\n\t"
        "add $4, %[g0]\n\t"
        "add $4, %[g1]\n\t"
        "dec %[singles]\n\t"
        "jnz 4b\n"
        "5:\n\t"
        FLOWLM_SAVE(0, 1) FLOWLM_SAVE(2, 3) FLOWLM_SAVE(4, 5) FLOWLM_SAVE(6, 7)
        FLOWLM_SAVE(8, 9) FLOWLM_SAVE(10, 11) FLOWLM_SAVE(12, 13) FLOWLM_SAVE(14, 15)
        FLOWLM_SAVE(16, 17) FLOWLM_SAVE(18, 19) FLOWLM_SAVE(20, 21) FLOWLM_SAVE(22, 23)
        : [g0] "+r"(g0), [g1] "+r"(g1), [b] "+r"(b), [trips] "+r"(trips), [singles] "+r"(singles),
          [ahead] "+r"(ahead), [lines] "+r"(ahead_lines), [countdown] "+r"(countdown)
        : [ldx] "r"(ldx), [stride] "r"(panel_stride), [gap] "m"(gap), [sums] "r"(sums)
        : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
          "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20",
          "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31");
}
#undef FLOWLM_SAVE
#undef FLOWLM_ZERO
#undef FLOWLM_STEP
#undef FLOWLM_ROW

// prfchw: every CPU with AVX-512 has PREFETCHW (Broadwell on).
__attribute__((target("avx512f,prfchw")))
void flowlm_pair_tile_avx512(int64_t k, const float *x, int64_t ldx, const float *b, int64_t panel_stride,
                             float *c, int64_t ldc, int64_t second_width, const float *bias, int accumulate,
                             const char *ahead, int64_t ahead_lines, int64_t ahead_gap) {
    float sums[FLOWLM_PAIR_ROWS * 2 * FLOWLM_PACKED_PANEL] __attribute__((aligned(64)));
    // C's lines are fetched while the products run, not when the tile stores them: into L2 when they are
    // read back (the weights stream through L1 meanwhile), and owned when they are only written, so the
    // stores at the end do not wait on reads-for-ownership (docs/DECISIONS.md, seventh session).
    for (int r = 0; r < FLOWLM_PAIR_ROWS; r++)
        for (int v = 0; v < 4; v++) {
            const float *line = c + r * ldc + 16 * v;
            if (accumulate) _mm_prefetch((const char *)line, _MM_HINT_T1);
            else _m_prefetchw(line);
        }
    pair_products(k, x, ldx, b, panel_stride, sums, ahead, ahead_lines, ahead_gap);
    const __mmask16 masks[4] = { 0xFFFF, 0xFFFF, panel_low_lanes(second_width), panel_high_lanes(second_width) };
    __m512 bias_vectors[4];
#pragma clang loop unroll(full)
    for (int v = 0; v < 4; v++)
        bias_vectors[v] = bias ? _mm512_maskz_loadu_ps(masks[v], bias + 16 * v) : _mm512_setzero_ps();
#pragma clang loop unroll(full)
    for (int r = 0; r < FLOWLM_PAIR_ROWS; r++) {
        float *row = c + r * ldc;
#pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) {
            __m512 value = _mm512_add_ps(_mm512_load_ps(sums + r * 64 + 16 * v), bias_vectors[v]);
            if (accumulate) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(masks[v], row + 16 * v));
            _mm512_mask_storeu_ps(row + 16 * v, masks[v], value);
        }
    }
}
#endif
