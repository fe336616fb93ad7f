#include "CVectorMath.h"

// The machine's FP32 peak, measured rather than looked up: a VM's clock under AVX-512 is not the one lscpu
// prints. Twelve independent chains of multiply-adds keep both FMA ports busy through their 4-cycle latency;
// nothing is loaded, so only the arithmetic units are timed.

#if defined(__x86_64__)
#include <immintrin.h>

enum { CHAINS = 12 };

__attribute__((target("avx512f")))
static double fma_chains_avx512(int64_t iterations, float *sink) {
    __m512 acc[CHAINS];
    const __m512 scale = _mm512_set1_ps(0.999999f), shift = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
    for (int64_t n = 0; n < iterations; n++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], scale, shift);
    }
    __m512 total = acc[0];
    for (int i = 1; i < CHAINS; i++) total = _mm512_add_ps(total, acc[i]);
    *sink = _mm512_reduce_add_ps(total);
    return (double)iterations * CHAINS * 16 * 2;
}

__attribute__((target("avx2,fma")))
static double fma_chains_avx2(int64_t iterations, float *sink) {
    __m256 acc[CHAINS];
    const __m256 scale = _mm256_set1_ps(0.999999f), shift = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_ps((float)i);
    for (int64_t n = 0; n < iterations; n++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], scale, shift);
    }
    __m256 total = acc[0];
    for (int i = 1; i < CHAINS; i++) total = _mm256_add_ps(total, acc[i]);
    float lanes[8];
    _mm256_storeu_ps(lanes, total);
    *sink = lanes[0] + lanes[7];
    return (double)iterations * CHAINS * 8 * 2;
}

double flowlm_fma_chains(int64_t iterations, float *sink) {
    if (flowlm_has_avx512()) return fma_chains_avx512(iterations, sink);
    if (flowlm_has_avx2_fma()) return fma_chains_avx2(iterations, sink);
    *sink = 0;
    return 0;
}
#else
double flowlm_fma_chains(int64_t iterations, float *sink) {
    (void)iterations;
    *sink = 0;
    return 0;
}
#endif
