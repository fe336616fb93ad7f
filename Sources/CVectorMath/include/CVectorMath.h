#ifndef FLOWLM_CVECTORMATH_H
#define FLOWLM_CVECTORMATH_H

#include <stdint.h>

/// 1 when this CPU runs AVX2 and FMA (checked once at run time), else 0. The package is built for baseline
/// x86-64 (no -target-cpu), so the kernels below are compiled for AVX2+FMA on their own and called only then.
int flowlm_has_avx2_fma(void);

/// Over row[begin ..< end] with z = (x − max) · inverse_temperature: adds Σ e^z to *sum and, when `weighted`,
/// Σ e^z · z to *weighted_sum. Eight-lane groups entirely below z = −30 are skipped (together under 1e-8 of
/// the sum even at vocabulary 50k). The same Cephes polynomial as FlowDiffusion's fastExp, eight lanes with FMA.
/// Call only when flowlm_has_avx2_fma() returned 1.
void flowlm_exp_sums_avx2(const float *row, int64_t begin, int64_t end, float max, float inverse_temperature,
                          int weighted, float *sum, float *weighted_sum);

/// The k largest values over the ranges (begin/end pairs, ascending), descending, the lower id first on ties;
/// ids[j] = -1 and values[j] = -inf beyond what was found. Returns how many were found (≤ k). A group of eight
/// is looked at lane by lane only when one lane beats the current k-th value. AVX2 only, like the sweep.
int flowlm_top_k_avx2(const float *row, const int64_t *ranges, int range_count, int k, int32_t *ids, float *values);

#endif
