#ifndef FLOWLM_VECTOR_EXP_H
#define FLOWLM_VECTOR_EXP_H

// Cephes' expf (the polynomial of FlowKernels' fastExp) in sixteen AVX-512 lanes, shared by the kernel files:
// n = round(x·log2 e) by the 1.5·2^23 trick, r = x − n·ln 2 in two parts, a degree-6 polynomial, 2^n by
// exponent bits. Saturates above 88.3 and gives exactly 0 below −87.3.

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

#endif
#endif
