#include "CVectorMath.h"
#include "vector_exp.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

// Inserts one candidate into the descending top-k (lower id first on ties: only a strictly larger value
// moves ahead). Uses the caller's k, found, threshold, ids and values.
#define FLOWLM_INSERT(value_, id_) do { \
        float v_ = (value_); \
        if (v_ > threshold) { \
            int j_ = found < k - 1 ? found : k - 1; \
            while (j_ > 0 && values[j_ - 1] < v_) { values[j_] = values[j_ - 1]; ids[j_] = ids[j_ - 1]; j_--; } \
            values[j_] = v_; ids[j_] = (int32_t)(id_); \
            if (found < k) found++; \
            if (found == k) threshold = values[k - 1]; \
        } \
    } while (0)

int flowlm_has_avx2_fma(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
    }
    return cached;
}

__attribute__((target("avx2,fma")))
static inline __m256 exp_avx2(__m256 x) {
    // Cephes expf: n = round(x·log2 e) by the 1.5·2^23 trick, r = x − n·ln 2 (two parts), a degree-6 polynomial.
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 shifted = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504f), magic);
    __m256 n = _mm256_sub_ps(shifted, magic);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 xx = _mm256_mul_ps(x, x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, xx, _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i integer = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x4B400000));
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(integer, _mm256_set1_epi32(127)), 23));
    return _mm256_mul_ps(y, scale);
}

__attribute__((target("avx2,fma")))
static inline float horizontal_sum(__m256 v) {
    __m128 low = _mm256_castps256_ps128(v), high = _mm256_extractf128_ps(v, 1);
    __m128 s = _mm_add_ps(low, high);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma")))
void flowlm_exp_sums_avx2(const float *row, int64_t begin, int64_t end, float max, float inverse_temperature,
                          int weighted, float *sum, float *weighted_sum) {
    const __m256 top = _mm256_set1_ps(max), scale = _mm256_set1_ps(inverse_temperature);
    const __m256 negligible = _mm256_set1_ps(-30.0f);
    __m256 total = _mm256_setzero_ps(), total_weighted = _mm256_setzero_ps();
    int64_t i = begin;
    for (; i + 8 <= end; i += 8) {
        __m256 z = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + i), top), scale);
        if (_mm256_movemask_ps(_mm256_cmp_ps(z, negligible, _CMP_GT_OQ)) == 0) continue;
        __m256 e = exp_avx2(z);
        total = _mm256_add_ps(total, e);
        if (weighted) total_weighted = _mm256_fmadd_ps(e, z, total_weighted);
    }
    if (i < end) {
        float tail[8];
        for (int lane = 0; lane < 8; lane++) tail[lane] = i + lane < end ? (row[i + lane] - max) * inverse_temperature : -100.0f;
        __m256 z = _mm256_loadu_ps(tail);
        __m256 e = exp_avx2(z);
        total = _mm256_add_ps(total, e);
        if (weighted) total_weighted = _mm256_fmadd_ps(e, z, total_weighted);
    }
    *sum += horizontal_sum(total);
    if (weighted) *weighted_sum += horizontal_sum(total_weighted);
}

__attribute__((target("avx2,fma")))
int flowlm_top_k_avx2(const float *row, const int64_t *ranges, int range_count, int k, int32_t *ids, float *values) {
    for (int j = 0; j < k; j++) { ids[j] = -1; values[j] = -__builtin_inff(); }
    float threshold = -__builtin_inff();
    int found = 0;
    for (int r = 0; r < range_count; r++) {
        int64_t i = ranges[2 * r], end = ranges[2 * r + 1];
        __m256 limit = _mm256_set1_ps(threshold);
        for (; i + 8 <= end; i += 8) {
            __m256 v = _mm256_loadu_ps(row + i);
            if (_mm256_movemask_ps(_mm256_cmp_ps(v, limit, _CMP_GT_OQ)) == 0) continue;
            for (int lane = 0; lane < 8; lane++) FLOWLM_INSERT(row[i + lane], i + lane);
            limit = _mm256_set1_ps(threshold);
        }
        for (; i < end; i++) FLOWLM_INSERT(row[i], i);
    }
    return found;
}


// Σ e^z and Σ e^z·z of row[begin ..< end] with z = (x − max)·inverse_temperature, added to the accumulators.
__attribute__((target("avx512f")))
static inline void exp_sums_lanes_avx512(const float *row, int64_t begin, int64_t end, __m512 top, __m512 scale,
                                         int weighted, __m512 *total, __m512 *total_weighted) {
    const __m512 negligible = _mm512_set1_ps(-30.0f);
    for (int64_t i = begin; i < end; i += 16) {
        __mmask16 lanes = end - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (end - i)) - 1);
        // −∞ logits (a scripted denoiser's) become −100, whose e^z·z is 0 rather than 0·∞.
        __m512 z = _mm512_max_ps(_mm512_mask_mul_ps(_mm512_set1_ps(-100.0f), lanes,
                                                    _mm512_sub_ps(_mm512_maskz_loadu_ps(lanes, row + i), top), scale),
                                 _mm512_set1_ps(-100.0f));
        if (_mm512_cmp_ps_mask(z, negligible, _CMP_GT_OQ) == 0) continue;
        __m512 e = exp_avx512(z);
        *total = _mm512_add_ps(*total, e);
        if (weighted) *total_weighted = _mm512_fmadd_ps(e, z, *total_weighted);
    }
}

__attribute__((target("avx512f")))
int flowlm_row_summary_avx512(const float *row, const int64_t *ranges, int range_count, int k, float inverse_temperature,
                              int weighted, int32_t *ids, float *values, float *sum, float *weighted_sum) {
    // One pass from memory: each 4096-float chunk is scanned for the top-k (which moves the running maximum)
    // and then, while it is still in L1, summed relative to that maximum. When a later chunk raises the
    // maximum by d (in z units), the sums so far are rescaled: Σe' = e^−d·Σe, Σe'z' = e^−d·(Σez − d·Σe).
    enum { CHUNK = 4096 };
    const __m512 scale = _mm512_set1_ps(inverse_temperature);
    __m512 total = _mm512_setzero_ps(), total_weighted = _mm512_setzero_ps();
    float running_max = -__builtin_inff();
    int found = 0;
    for (int j = 0; j < k; j++) { ids[j] = -1; values[j] = -__builtin_inff(); }
    float threshold = -__builtin_inff();
    for (int r = 0; r < range_count; r++) {
        for (int64_t begin = ranges[2 * r], end = ranges[2 * r + 1]; begin < end; begin += CHUNK) {
            int64_t stop = end - begin < CHUNK ? end : begin + CHUNK, i = begin;
            __m512 limit = _mm512_set1_ps(threshold);
            for (; i + 16 <= stop; i += 16) {
                __mmask16 above = _mm512_cmp_ps_mask(_mm512_loadu_ps(row + i), limit, _CMP_GT_OQ);
                if (above == 0) continue;
                for (int lane = 0; lane < 16; lane++)
                    if (above & (1u << lane)) FLOWLM_INSERT(row[i + lane], i + lane);
                limit = _mm512_set1_ps(threshold);
            }
            for (; i < stop; i++) FLOWLM_INSERT(row[i], i);
            if (!(values[0] > -__builtin_inff())) continue;  // nothing above −∞ yet: nothing to sum
            if (values[0] > running_max) {
                if (running_max > -__builtin_inff()) {
                    float d = (values[0] - running_max) * inverse_temperature;
                    __m512 factor = exp_avx512(_mm512_set1_ps(-d));
                    total_weighted = _mm512_mul_ps(factor, _mm512_fnmadd_ps(_mm512_set1_ps(d), total, total_weighted));
                    total = _mm512_mul_ps(factor, total);
                }
                running_max = values[0];
            }
            exp_sums_lanes_avx512(row, begin, stop, _mm512_set1_ps(running_max), scale, weighted, &total, &total_weighted);
        }
    }
    *sum = _mm512_reduce_add_ps(total);
    *weighted_sum = weighted ? _mm512_reduce_add_ps(total_weighted) : 0.0f;
    return found;
}

#else
int flowlm_top_k_avx2(const float *row, const int64_t *ranges, int range_count, int k, int32_t *ids, float *values) {
    (void)row; (void)ranges; (void)range_count; (void)k; (void)ids; (void)values;
    return 0;
}
int flowlm_has_avx2_fma(void) { return 0; }
int flowlm_row_summary_avx512(const float *row, const int64_t *ranges, int range_count, int k, float inverse_temperature,
                              int weighted, int32_t *ids, float *values, float *sum, float *weighted_sum) {
    (void)inverse_temperature; (void)weighted; *sum = 0; *weighted_sum = 0;
    return flowlm_top_k_avx2(row, ranges, range_count, k, ids, values);
}
void flowlm_exp_sums_avx2(const float *row, int64_t begin, int64_t end, float max, float inverse_temperature,
                          int weighted, float *sum, float *weighted_sum) {
    (void)row; (void)begin; (void)end; (void)max; (void)inverse_temperature; (void)weighted; (void)sum; (void)weighted_sum;
}
#endif
