#include "CVectorMath.h"

// FlowKernels' GELU and softmax in AVX-512 with FMA: the same polynomials as FastMath.swift (Eigen's float
// erf, Cephes' expf), sixteen lanes a step instead of the baseline build's four-wide SSE without FMA.

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
static inline __m512 exp_avx512(__m512 x) {
    x = _mm512_min_ps(x, _mm512_set1_ps(88.3f));
    __mmask16 too_small = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.3f), _CMP_LT_OQ);
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.3f));
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504f), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_fmadd_ps(r, _mm512_set1_ps(1.9875691500e-4f), _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512i exponent = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(0x4B400000));
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(exponent, _mm512_set1_epi32(127)), 23));
    return _mm512_maskz_mul_ps(~too_small, p, scale);
}

__attribute__((target("avx512f")))
static inline __m512 gelu_avx512(__m512 x) {
    __m512 v = _mm512_mul_ps(x, _mm512_set1_ps(0.7071067811865475f));
    v = _mm512_max_ps(_mm512_min_ps(v, _mm512_set1_ps(4.0f)), _mm512_set1_ps(-4.0f));
    __m512 x2 = _mm512_mul_ps(v, v);
    __m512 p = _mm512_fmadd_ps(x2, _mm512_set1_ps(-2.72614225801306e-10f), _mm512_set1_ps(2.77068142495902e-08f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-2.10102402082508e-06f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-5.69250639462346e-05f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-7.34990630326855e-04f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-2.95459980854025e-03f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-1.60960333262415e-02f));
    p = _mm512_mul_ps(p, v);
    __m512 q = _mm512_fmadd_ps(x2, _mm512_set1_ps(-1.45660718464996e-05f), _mm512_set1_ps(-2.13374055278905e-04f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-1.68282697438203e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-7.37332916720468e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-1.42647390514189e-02f));
    __m512 erf = _mm512_div_ps(p, q);
    return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), _mm512_add_ps(erf, _mm512_set1_ps(1.0f)));
}

static inline __mmask16 tail_mask(int64_t remaining) {
    return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1);
}

__attribute__((target("avx512f")))
void flowlm_gelu_avx512(const float *input, float *output, int64_t count) {
    for (int64_t i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        _mm512_mask_storeu_ps(output + i, m, gelu_avx512(_mm512_maskz_loadu_ps(m, input + i)));
    }
}

__attribute__((target("avx512f")))
void flowlm_geglu_avx512(const float *input, float *output, int64_t rows, int64_t inner) {
    for (int64_t r = 0; r < rows; r++) {
        const float *activated = input + r * 2 * inner, *gate = activated + inner;
        float *y = output + r * inner;
        for (int64_t i = 0; i < inner; i += 16) {
            __mmask16 m = tail_mask(inner - i);
            __m512 g = gelu_avx512(_mm512_maskz_loadu_ps(m, activated + i));
            _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(g, _mm512_maskz_loadu_ps(m, gate + i)));
        }
    }
}

__attribute__((target("avx512f")))
void flowlm_softmax_avx512(float *row, int64_t count, float scale) {
    if (count <= 0) return;
    __m512 top = _mm512_set1_ps(-__builtin_inff());
    for (int64_t i = 0; i < count; i += 16)
        top = _mm512_max_ps(top, _mm512_mask_loadu_ps(_mm512_set1_ps(-__builtin_inff()), tail_mask(count - i), row + i));
    const __m512 shift = _mm512_set1_ps(_mm512_reduce_max_ps(top) * scale), factor = _mm512_set1_ps(scale);
    __m512 sums = _mm512_setzero_ps();
    for (int64_t i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        __m512 e = _mm512_maskz_mov_ps(m, exp_avx512(_mm512_fmsub_ps(_mm512_maskz_loadu_ps(m, row + i), factor, shift)));
        _mm512_mask_storeu_ps(row + i, m, e);
        sums = _mm512_add_ps(sums, e);
    }
    const __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sums));
    for (int64_t i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        _mm512_mask_storeu_ps(row + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, row + i), inverse));
    }
}

#else
void flowlm_gelu_avx512(const float *input, float *output, int64_t count) { (void)input; (void)output; (void)count; }
void flowlm_geglu_avx512(const float *input, float *output, int64_t rows, int64_t inner) {
    (void)input; (void)output; (void)rows; (void)inner;
}
void flowlm_softmax_avx512(float *row, int64_t count, float scale) { (void)row; (void)count; (void)scale; }
#endif
