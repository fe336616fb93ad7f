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

/// Both in one pass over the row, sixteen lanes wide: the top-k over the ranges (identical to
/// flowlm_top_k_avx2's) and the sums of flowlm_exp_sums_avx2 relative to its maximum, written (not added)
/// to *sum and *weighted_sum. Returns how many candidates were found. Call only when flowlm_has_avx512()
/// returned 1.
int flowlm_row_summary_avx512(const float *row, const int64_t *ranges, int range_count, int k, float inverse_temperature,
                              int weighted, int32_t *ids, float *values, float *sum, float *weighted_sum);


/// `bytes` of memory (at least 64) aligned to 64 bytes, for weights and workspaces; from 2 MB up it starts
/// on a 2 MB boundary and is advised for transparent huge pages. Null when out of memory. Release with
/// flowlm_free_buffer.
void *flowlm_allocate_buffer(int64_t bytes);
void flowlm_free_buffer(void *buffer);
/// Returns freed heap memory to the system (glibc malloc_trim); nothing elsewhere.
void flowlm_return_freed_memory(void);

/// Output columns per packed weight panel.
#define FLOWLM_PACKED_PANEL 32

/// Floats a packed copy of an n×k weight takes: n rounded up to whole panels, times k.
int64_t flowlm_packed_weight_count(int64_t n, int64_t k);

/// Packs W (n×k, row stride ldw: nn.Linear's [out, in]) into panels of FLOWLM_PACKED_PANEL output columns,
/// each k rows of FLOWLM_PACKED_PANEL values; the last panel padded with zeros. `packed` must be 64-byte aligned.
void flowlm_pack_weight(int64_t n, int64_t k, const float *w, int64_t ldw, float *packed);

/// The same panels from Wᵀ stored k×n with row stride ldwt (attention's V, whose columns are the outputs).
void flowlm_pack_weight_transposed(int64_t n, int64_t k, const float *wt, int64_t ldwt, float *packed);

/// 1 when this CPU (and OS) runs AVX-512F, checked once, else 0.
int flowlm_has_avx512(void);

/// Runs `iterations` rounds of independent multiply-adds in the widest unit this CPU has (AVX-512, else
/// AVX2+FMA) and returns the floating-point operations done, 0 without either; time it to get the peak.
/// `sink` receives a value that depends on every operation, so none is optimised away.
double flowlm_fma_chains(int64_t iterations, float *sink);

/// C[:, panels first_panel ..< end_panel] = X (m×k, row stride ldx) · Wᵀ with W packed by
/// flowlm_pack_weight, plus bias[column] when bias is non-null, plus what C held when `accumulate`.
/// X must not overlap C (the kernel reads X with loads the compiler cannot see).
/// Call only when flowlm_has_avx512() returned 1.
void flowlm_gemm_packed_avx512(int64_t m, int64_t n, int64_t k, const float *x, int64_t ldx,
                               const float *packed, int64_t first_panel, int64_t end_panel,
                               const float *bias, int accumulate, float *c, int64_t ldc);

/// FlowKernels' exact-erf GELU, GeGLU (rows of [activated | gate], `inner` wide each) and in-place scaled
/// softmax, sixteen lanes with FMA. Call only when flowlm_has_avx512() returned 1.
void flowlm_gelu_avx512(const float *input, float *output, int64_t count);
/// exp of each value with vector_exp.h's exp_avx512 (the C twin of FlowCore's fastExp), for tests.
void flowlm_exp_avx512(const float *input, float *output, int64_t count);
void flowlm_geglu_avx512(const float *input, float *output, int64_t rows, int64_t inner);
void flowlm_softmax_avx512(float *row, int64_t count, float scale);
/// Their backward passes (GeGLUBackward.swift), overwriting input_gradient.
void flowlm_gelu_backward_avx512(const float *input, const float *output_gradient, float *input_gradient, int64_t count);
void flowlm_geglu_backward_avx512(const float *input, const float *output_gradient, float *input_gradient,
                                  int64_t rows, int64_t inner);

/// One row of FlowTrain's weighted cross-entropy: returns logsumexp over ids ≠ `excluded` minus z[label],
/// writes the argmax over those ids (lowest id on ties) to *best and, when `gradient` is non-null,
/// scale · (softmax − onehot(label)) with 0 at `excluded` (`gradient` may be `z`). `excluded` may be −1 (none).
float flowlm_cross_entropy_row_avx512(const float *z, int64_t count, int64_t excluded, int64_t label,
                                      float *gradient, double scale, int32_t *best);

/// One AdamW update of `count` elements, FlowTrain's AdamW.run term by term (bit-identical to it).
/// Call only when flowlm_has_avx512() returned 1.
void flowlm_adamw_avx512(float *parameters, const float *gradients, float *m, float *v, int64_t count, int decay,
                         float decay_factor, float one_minus_beta1, float beta2, float one_minus_beta2,
                         float negative_step_size, float bias_correction2_sqrt, float eps);

/// FlowKernels' LayerNorm (two-pass statistics; mean/rstd saved when non-null; bias optional) and its backward
/// (input gradient overwritten or accumulated; weight and bias gradients accumulated). AVX-512 only.
void flowlm_layer_norm_avx512(const float *input, float *output, int64_t rows, int64_t width, const float *weight,
                              const float *bias, float eps, float *saved_mean, float *saved_rstd);
void flowlm_layer_norm_backward_avx512(const float *input, const float *output_gradient, float *input_gradient,
                                       int accumulate_input, int64_t rows, int64_t width, const float *weight,
                                       const float *mean, const float *rstd, float *weight_gradient,
                                       float *bias_gradient);
/// Rope.swift's rotate_half rotation in place (sin_sign −1 for the backward pass). AVX-512 only.
void flowlm_rope_avx512(float *x, int64_t rows, int64_t row_stride, int64_t sequence_length, int64_t first_row,
                        int64_t heads, int64_t head_dim, const float *cos, const float *sin, float sin_sign);

/// Most candidates a row summary keeps.
#define FLOWLM_SUMMARY_MAX_K 16

/// What a row summary gathers: softmax statistics at 1/inverse_temperature over every column but the
/// `excluded` ids (the reserved tokens), the k best candidates, and Σe^z·z when `weighted` (for entropy).
typedef struct {
    float inverse_temperature;
    int k;
    const int32_t *excluded;
    int excluded_count;
    int weighted;
} flowlm_summary_request;

/// One row's running state: the maximum m, Σ e^z and Σ e^z·z with z = (x − m)·inverse_temperature (kept
/// in sixteen lanes while tiles arrive, so no tile pays for a horizontal sum; `sum` and `weighted` hold the
/// totals after flowlm_row_summary_finish), and the candidates (descending, lower id first on ties;
/// `threshold` is the k-th value once k are found).
typedef struct {
    float sum_lanes[16], weighted_lanes[16];
    float max, sum, weighted, threshold;
    int32_t found;
    int32_t ids[FLOWLM_SUMMARY_MAX_K];
    float values[FLOWLM_SUMMARY_MAX_K];
} flowlm_row_summary;

void flowlm_row_summary_reset(flowlm_row_summary *rows, int64_t count);
/// Adds up each row's lanes into `sum` and `weighted`.
void flowlm_row_summary_finish(flowlm_row_summary *rows, int64_t count);
/// Folds `from` (other columns of the same rows) into `into`; `into` holds the lower columns. Both finished.
void flowlm_row_summary_merge(flowlm_row_summary *into, const flowlm_row_summary *from, int64_t count,
                              const flowlm_summary_request *request);

/// flowlm_gemm_packed_avx512 that also folds every finished tile of C into `summaries` (one per row of C).
void flowlm_gemm_packed_summarized_avx512(int64_t m, int64_t n, int64_t k, const float *x, int64_t ldx,
                                          const float *packed, int64_t first_panel, int64_t end_panel,
                                          const float *bias, float *c, int64_t ldc,
                                          const flowlm_summary_request *request, flowlm_row_summary *summaries);

/// BF16 inference GEMM (packed_gemm_bf16.c): weights and activations rounded to bf16 (nearest even), products
/// summed in fp32. A pair of bf16 values adjacent along k, the lower k in the low half: the unit the
/// dot-product instruction (vdpbf16ps) takes, and the unit X and the packed weights are stored in.
typedef uint32_t flowlm_bf16_pair;

/// 1 when this CPU runs AVX-512 BF16 (CPUID leaf 7 subleaf 1, EAX bit 5) besides AVX-512F/BW/VL, checked once.
int flowlm_has_avx512_bf16(void);

/// bf16 rounding as the kernel does it (nearest even) and back, for packing and for reference code.
uint16_t flowlm_bf16_from_float(float value);
float flowlm_float_from_bf16(uint16_t value);

/// Pairs a bf16 copy of an n×k weight takes: whole panels of FLOWLM_PACKED_PANEL columns, ⌈k/2⌉ pairs deep.
int64_t flowlm_packed_bf16_count(int64_t n, int64_t k);

/// flowlm_pack_weight's panels in bf16: per pair of k, the panel's 32 columns (an odd k's last pair and the
/// last panel's missing columns hold zeros). `packed` must be 64-byte aligned. Runs on any CPU.
void flowlm_pack_weight_bf16(int64_t n, int64_t k, const float *w, int64_t ldw, flowlm_bf16_pair *packed);

/// X (m×k floats, row stride ldx) as rows of ⌈k/2⌉ bf16 pairs (row stride ldo pairs), an odd k padded with zero.
/// Call only when flowlm_has_avx512_bf16() returned 1.
void flowlm_convert_rows_bf16(int64_t m, int64_t k, const float *x, int64_t ldx, flowlm_bf16_pair *out, int64_t ldo);

/// flowlm_gemm_packed_avx512 in bf16: X converted by flowlm_convert_rows_bf16 (row stride ldx pairs), W packed
/// by flowlm_pack_weight_bf16; fp32 bias, residual and C. Call only when flowlm_has_avx512_bf16() returned 1.
void flowlm_gemm_packed_bf16(int64_t m, int64_t n, int64_t k, const flowlm_bf16_pair *x, int64_t ldx,
                             const flowlm_bf16_pair *packed, int64_t first_panel, int64_t end_panel,
                             const float *bias, int accumulate, float *c, int64_t ldc);
/// The same, folding every finished tile of C into `summaries` (flowlm_gemm_packed_summarized_avx512's).
void flowlm_gemm_packed_summarized_bf16(int64_t m, int64_t n, int64_t k, const flowlm_bf16_pair *x, int64_t ldx,
                                        const flowlm_bf16_pair *packed, int64_t first_panel, int64_t end_panel,
                                        const float *bias, float *c, int64_t ldc,
                                        const flowlm_summary_request *request, flowlm_row_summary *summaries);

#endif
