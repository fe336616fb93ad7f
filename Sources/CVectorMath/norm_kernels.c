#include "CVectorMath.h"

// FlowKernels' LayerNorm forward and backward sixteen lanes wide with FMA: the same two-pass statistics
// (mean, then squared deviations) and the same backward formula as LayerNorm.swift / LayerNormBackward.swift.

#if defined(__x86_64__)
#include <immintrin.h>

static inline __mmask16 lanes_left(int64_t remaining) {
    return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1);
}

__attribute__((target("avx512f")))
void flowlm_layer_norm_avx512(const float *input, float *output, int64_t rows, int64_t width, const float *weight,
                              const float *bias, float eps, float *saved_mean, float *saved_rstd) {
    const float inverse_width = 1.0f / (float)width;
    for (int64_t r = 0; r < rows; r++) {
        const float *x = input + r * width;
        float *y = output + r * width;
        __m512 sum = _mm512_setzero_ps();
        for (int64_t i = 0; i < width; i += 16) sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(lanes_left(width - i), x + i));
        float mean = _mm512_reduce_add_ps(sum) * inverse_width;
        const __m512 mean_v = _mm512_set1_ps(mean);
        __m512 squares = _mm512_setzero_ps();
        for (int64_t i = 0; i < width; i += 16) {
            __mmask16 m = lanes_left(width - i);
            __m512 d = _mm512_maskz_sub_ps(m, _mm512_maskz_loadu_ps(m, x + i), mean_v);
            squares = _mm512_fmadd_ps(d, d, squares);
        }
        float rstd = 1.0f / __builtin_sqrtf(_mm512_reduce_add_ps(squares) * inverse_width + eps);
        if (saved_mean) saved_mean[r] = mean;
        if (saved_rstd) saved_rstd[r] = rstd;
        const __m512 rstd_v = _mm512_set1_ps(rstd);
        for (int64_t i = 0; i < width; i += 16) {
            __mmask16 m = lanes_left(width - i);
            __m512 v = _mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), mean_v), rstd_v),
                                     _mm512_maskz_loadu_ps(m, weight + i));
            if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, bias + i));
            _mm512_mask_storeu_ps(y + i, m, v);
        }
    }
}

__attribute__((target("avx512f")))
void flowlm_layer_norm_backward_avx512(const float *input, const float *output_gradient, float *input_gradient,
                                       int accumulate_input, int64_t rows, int64_t width, const float *weight,
                                       const float *mean, const float *rstd, float *weight_gradient,
                                       float *bias_gradient) {
    const float inverse_width = 1.0f / (float)width;
    for (int64_t r = 0; r < rows; r++) {
        const float *x = input + r * width, *dy = output_gradient + r * width;
        float *dx = input_gradient + r * width;
        const __m512 mean_v = _mm512_set1_ps(mean[r]), rstd_v = _mm512_set1_ps(rstd[r]);
        __m512 g_sum = _mm512_setzero_ps(), gx_sum = _mm512_setzero_ps();
        for (int64_t i = 0; i < width; i += 16) {
            __mmask16 m = lanes_left(width - i);
            __m512 xhat = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), mean_v), rstd_v);
            __m512 d = _mm512_maskz_loadu_ps(m, dy + i);
            __m512 g = _mm512_mul_ps(d, _mm512_maskz_loadu_ps(m, weight + i));
            g_sum = _mm512_add_ps(g_sum, g);
            gx_sum = _mm512_fmadd_ps(g, xhat, gx_sum);
            _mm512_mask_storeu_ps(weight_gradient + i, m, _mm512_fmadd_ps(d, xhat, _mm512_maskz_loadu_ps(m, weight_gradient + i)));
            if (bias_gradient)
                _mm512_mask_storeu_ps(bias_gradient + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, bias_gradient + i), d));
        }
        const __m512 g_mean = _mm512_set1_ps(_mm512_reduce_add_ps(g_sum) * inverse_width);
        const __m512 gx_mean = _mm512_set1_ps(_mm512_reduce_add_ps(gx_sum) * inverse_width);
        for (int64_t i = 0; i < width; i += 16) {
            __mmask16 m = lanes_left(width - i);
            __m512 xhat = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), mean_v), rstd_v);
            __m512 g = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, dy + i), _mm512_maskz_loadu_ps(m, weight + i));
            __m512 d = _mm512_mul_ps(rstd_v, _mm512_fnmadd_ps(xhat, gx_mean, _mm512_sub_ps(g, g_mean)));
            if (accumulate_input) d = _mm512_add_ps(d, _mm512_maskz_loadu_ps(m, dx + i));
            _mm512_mask_storeu_ps(dx + i, m, d);
        }
    }
}

#else
void flowlm_layer_norm_avx512(const float *input, float *output, int64_t rows, int64_t width, const float *weight,
                              const float *bias, float eps, float *saved_mean, float *saved_rstd) {
    (void)input; (void)output; (void)rows; (void)width; (void)weight; (void)bias; (void)eps; (void)saved_mean;
    (void)saved_rstd;
}
void flowlm_layer_norm_backward_avx512(const float *input, const float *output_gradient, float *input_gradient,
                                       int accumulate_input, int64_t rows, int64_t width, const float *weight,
                                       const float *mean, const float *rstd, float *weight_gradient,
                                       float *bias_gradient) {
    (void)input; (void)output_gradient; (void)input_gradient; (void)accumulate_input; (void)rows; (void)width;
    (void)weight; (void)mean; (void)rstd; (void)weight_gradient; (void)bias_gradient;
}
#endif

#if defined(__x86_64__)
// Rotary embedding (rotate_half), in place, as Rope.swift's rotateHalves; sin_sign −1 rotates back (backward).
__attribute__((target("avx512f")))
void flowlm_rope_avx512(float *x, int64_t rows, int64_t row_stride, int64_t sequence_length, int64_t first_row,
                        int64_t heads, int64_t head_dim, const float *cos, const float *sin, float sin_sign) {
    const int64_t half = head_dim / 2;
    const __m512 sign = _mm512_set1_ps(sin_sign);
    for (int64_t r = 0; r < rows; r++) {
        const int64_t position = (first_row + r) % sequence_length;
        const float *c = cos + position * half, *s = sin + position * half;
        for (int64_t h = 0; h < heads; h++) {
            float *v = x + r * row_stride + h * head_dim;
            for (int64_t j = 0; j < half; j += 16) {
                __mmask16 m = lanes_left(half - j);
                __m512 a = _mm512_maskz_loadu_ps(m, v + j), b = _mm512_maskz_loadu_ps(m, v + j + half);
                __m512 cj = _mm512_maskz_loadu_ps(m, c + j), sj = _mm512_mul_ps(sign, _mm512_maskz_loadu_ps(m, s + j));
                _mm512_mask_storeu_ps(v + j, m, _mm512_sub_ps(_mm512_mul_ps(a, cj), _mm512_mul_ps(b, sj)));
                _mm512_mask_storeu_ps(v + j + half, m, _mm512_add_ps(_mm512_mul_ps(b, cj), _mm512_mul_ps(a, sj)));
            }
        }
    }
}
#else
void flowlm_rope_avx512(float *x, int64_t rows, int64_t row_stride, int64_t sequence_length, int64_t first_row,
                        int64_t heads, int64_t head_dim, const float *cos, const float *sin, float sin_sign) {
    (void)x; (void)rows; (void)row_stride; (void)sequence_length; (void)first_row; (void)heads; (void)head_dim;
    (void)cos; (void)sin; (void)sin_sign;
}
#endif
