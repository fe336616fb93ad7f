#include "CVectorMath.h"

// FlowTrain's AdamW element loop in AVX-512: the same operations in the same order (fused lerp and addcmul,
// IEEE sqrt and division), so the result stays bit-identical to torch's kernels and to the portable loop.
// The baseline build has no FMA, so the portable `addingProduct` is a libm call per element.

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
void flowlm_adamw_avx512(float *parameters, const float *gradients, float *m, float *v, int64_t count, int decay,
                         float decay_factor, float one_minus_beta1, float beta2, float one_minus_beta2,
                         float negative_step_size, float bias_correction2_sqrt, float eps) {
    const __m512 decay_v = _mm512_set1_ps(decay_factor), b1 = _mm512_set1_ps(one_minus_beta1);
    const __m512 b2 = _mm512_set1_ps(beta2), ob2 = _mm512_set1_ps(one_minus_beta2);
    const __m512 step = _mm512_set1_ps(negative_step_size), correction = _mm512_set1_ps(bias_correction2_sqrt);
    const __m512 epsilon = _mm512_set1_ps(eps);
    for (int64_t i = 0; i < count; i += 16) {
        __mmask16 k = count - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 p = _mm512_maskz_loadu_ps(k, parameters + i), g = _mm512_maskz_loadu_ps(k, gradients + i);
        __m512 mi = _mm512_maskz_loadu_ps(k, m + i), vi = _mm512_maskz_loadu_ps(k, v + i);
        if (decay) p = _mm512_mul_ps(p, decay_v);
        mi = _mm512_fmadd_ps(b1, _mm512_sub_ps(g, mi), mi);
        vi = _mm512_fmadd_ps(_mm512_mul_ps(ob2, g), g, _mm512_mul_ps(b2, vi));
        __m512 denom = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), correction), epsilon);
        p = _mm512_add_ps(p, _mm512_div_ps(_mm512_mul_ps(step, mi), denom));
        _mm512_mask_storeu_ps(parameters + i, k, p);
        _mm512_mask_storeu_ps(m + i, k, mi);
        _mm512_mask_storeu_ps(v + i, k, vi);
    }
}

#else
void flowlm_adamw_avx512(float *parameters, const float *gradients, float *m, float *v, int64_t count, int decay,
                         float decay_factor, float one_minus_beta1, float beta2, float one_minus_beta2,
                         float negative_step_size, float bias_correction2_sqrt, float eps) {
    (void)parameters; (void)gradients; (void)m; (void)v; (void)count; (void)decay; (void)decay_factor;
    (void)one_minus_beta1; (void)beta2; (void)one_minus_beta2; (void)negative_step_size;
    (void)bias_correction2_sqrt; (void)eps;
}
#endif
