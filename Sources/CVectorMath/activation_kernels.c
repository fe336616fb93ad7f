#include "CVectorMath.h"
#include "vector_exp.h"

// FlowKernels' GELU and softmax in AVX-512 with FMA: the same polynomials as FastMath.swift (Eigen's float
// erf, Cephes' expf), sixteen lanes a step instead of the baseline build's four-wide SSE without FMA.

#if defined(__x86_64__)
#include <immintrin.h>


// erf(x / √2) by Eigen's float rational approximation (FastMath.swift's fastErf).
__attribute__((target("avx512f")))
static inline __m512 erf_of_scaled_avx512(__m512 x) {
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
    return _mm512_div_ps(p, q);
}

__attribute__((target("avx512f")))
static inline __m512 gelu_avx512(__m512 x) {
    __m512 erf = erf_of_scaled_avx512(x);
    return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), _mm512_add_ps(erf, _mm512_set1_ps(1.0f)));
}

static inline __mmask16 tail_mask(int64_t remaining) {
    return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1);
}

__attribute__((target("avx512f")))
void flowlm_exp_avx512(const float *input, float *output, int64_t count) {
    for (int64_t i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        _mm512_mask_storeu_ps(output + i, m, exp_avx512(_mm512_maskz_loadu_ps(m, input + i)));
    }
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
void flowlm_exp_avx512(const float *input, float *output, int64_t count) { (void)input; (void)output; (void)count; }
void flowlm_gelu_avx512(const float *input, float *output, int64_t count) { (void)input; (void)output; (void)count; }
void flowlm_geglu_avx512(const float *input, float *output, int64_t rows, int64_t inner) {
    (void)input; (void)output; (void)rows; (void)inner;
}
void flowlm_softmax_avx512(float *row, int64_t count, float scale) { (void)row; (void)count; (void)scale; }
#endif

#if defined(__x86_64__)
// d gelu/dx = Φ(x) + x·φ(x), as GeGLUBackward.swift's geluDerivative.
__attribute__((target("avx512f")))
static inline __m512 gelu_derivative_avx512(__m512 x) {
    __m512 cdf = _mm512_mul_ps(_mm512_set1_ps(0.5f), _mm512_add_ps(erf_of_scaled_avx512(x), _mm512_set1_ps(1.0f)));
    __m512 density = _mm512_mul_ps(exp_avx512(_mm512_mul_ps(_mm512_set1_ps(-0.5f), _mm512_mul_ps(x, x))),
                                   _mm512_set1_ps(0.3989422804014327f));
    return _mm512_fmadd_ps(x, density, cdf);
}

__attribute__((target("avx512f")))
void flowlm_gelu_backward_avx512(const float *input, const float *output_gradient, float *input_gradient, int64_t count) {
    for (int64_t i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        __m512 d = gelu_derivative_avx512(_mm512_maskz_loadu_ps(m, input + i));
        _mm512_mask_storeu_ps(input_gradient + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, output_gradient + i), d));
    }
}

__attribute__((target("avx512f")))
void flowlm_geglu_backward_avx512(const float *input, const float *output_gradient, float *input_gradient,
                                  int64_t rows, int64_t inner) {
    for (int64_t r = 0; r < rows; r++) {
        const float *a = input + r * 2 * inner, *b = a + inner, *dy = output_gradient + r * inner;
        float *da = input_gradient + r * 2 * inner, *db = da + inner;
        for (int64_t i = 0; i < inner; i += 16) {
            __mmask16 m = tail_mask(inner - i);
            __m512 av = _mm512_maskz_loadu_ps(m, a + i), g = _mm512_maskz_loadu_ps(m, dy + i);
            __m512 gate = _mm512_mul_ps(g, _mm512_maskz_loadu_ps(m, b + i));
            _mm512_mask_storeu_ps(da + i, m, _mm512_mul_ps(gate, gelu_derivative_avx512(av)));
            _mm512_mask_storeu_ps(db + i, m, _mm512_mul_ps(g, gelu_avx512(av)));
        }
    }
}

#else
void flowlm_gelu_backward_avx512(const float *input, const float *output_gradient, float *input_gradient, int64_t count) {
    (void)input; (void)output_gradient; (void)input_gradient; (void)count;
}
void flowlm_geglu_backward_avx512(const float *input, const float *output_gradient, float *input_gradient,
                                  int64_t rows, int64_t inner) {
    (void)input; (void)output_gradient; (void)input_gradient; (void)rows; (void)inner;
}
#endif

#if defined(__x86_64__)
__attribute__((target("avx512f")))
float flowlm_cross_entropy_row_avx512(const float *z, int64_t count, int64_t excluded, int64_t label,
                                      float *gradient, double scale, int32_t *best) {
    // Argmax without the excluded id (the lowest id among equal maxima), then Σ e^(z − max) over the rest.
    // `gradient` may be `z` itself, so the target logit is read first.
    const float target = z[label];
    __m512 top = _mm512_set1_ps(-__builtin_inff());
    const __m512 minus_infinity = _mm512_set1_ps(-__builtin_inff());
    for (int64_t i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        if (excluded >= i && excluded < i + 16) m &= (__mmask16)~(1u << (excluded - i));
        top = _mm512_max_ps(top, _mm512_mask_loadu_ps(minus_infinity, m, z + i));
    }
    float max = _mm512_reduce_max_ps(top);
    int64_t found = -1;
    for (int64_t v = 0; v < count; v++) if (v != excluded && z[v] == max) { found = v; break; }
    *best = (int32_t)found;
    const __m512 shift = _mm512_set1_ps(max);
    // The sum in double, as the portable path keeps it: the loss and every gradient entry divide by it.
    __m512d low_sums = _mm512_setzero_pd(), high_sums = _mm512_setzero_pd();
    for (int64_t i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        if (excluded >= i && excluded < i + 16) m &= (__mmask16)~(1u << (excluded - i));
        __m512 e = _mm512_maskz_mov_ps(m, exp_avx512(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, z + i), shift)));
        if (gradient) _mm512_mask_storeu_ps(gradient + i, tail_mask(count - i), e);
        low_sums = _mm512_add_pd(low_sums, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        high_sums = _mm512_add_pd(high_sums, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
    }
    double sum = _mm512_reduce_add_pd(_mm512_add_pd(low_sums, high_sums));
    if (gradient) {
        const __m512 factor = _mm512_set1_ps((float)(scale / sum));
        for (int64_t i = 0; i < count; i += 16) {
            __mmask16 m = tail_mask(count - i);
            _mm512_mask_storeu_ps(gradient + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, gradient + i), factor));
        }
        gradient[label] -= (float)scale;
    }
    return (float)(__builtin_log(sum)) + max - target;
}
#else
float flowlm_cross_entropy_row_avx512(const float *z, int64_t count, int64_t excluded, int64_t label,
                                      float *gradient, double scale, int32_t *best) {
    (void)z; (void)count; (void)excluded; (void)label; (void)gradient; (void)scale; *best = -1;
    return 0;
}
#endif
