#include "CVectorMath.h"
#include "packed_gemm_tiles.h"
#include "vector_exp.h"

// Per-row softmax statistics gathered while a GEMM writes the logits (see CVectorMath.h): each stored tile is
// read back from L1 and folded into its rows' running state, so the loop never sweeps 100 MB of logits again.
// Running sums are relative to the running maximum m; when a tile raises it by d (in z units) they rescale:
// Σe' = e^−d·Σe and Σe'z' = e^−d·(Σez − d·Σe).

static void insert_candidate(flowlm_row_summary *s, int k, float value, int32_t id) {
    if (!(value > s->threshold)) return;
    int j = s->found < k - 1 ? s->found : k - 1;
    while (j > 0 && s->values[j - 1] < value) { s->values[j] = s->values[j - 1]; s->ids[j] = s->ids[j - 1]; j--; }
    s->values[j] = value; s->ids[j] = id;
    if (s->found < k) s->found++;
    if (s->found == k) s->threshold = s->values[k - 1];
}

void flowlm_row_summary_reset(flowlm_row_summary *rows, int64_t count) {
    for (int64_t r = 0; r < count; r++) {
        rows[r].max = -__builtin_inff(); rows[r].sum = 0; rows[r].weighted = 0;
        for (int lane = 0; lane < 16; lane++) { rows[r].sum_lanes[lane] = 0; rows[r].weighted_lanes[lane] = 0; }
        rows[r].threshold = -__builtin_inff(); rows[r].found = 0;
        for (int j = 0; j < FLOWLM_SUMMARY_MAX_K; j++) { rows[r].ids[j] = -1; rows[r].values[j] = -__builtin_inff(); }
    }
}

void flowlm_row_summary_finish(flowlm_row_summary *rows, int64_t count) {
    for (int64_t r = 0; r < count; r++) {
        double sum = 0, weighted = 0;
        for (int lane = 0; lane < 16; lane++) { sum += rows[r].sum_lanes[lane]; weighted += rows[r].weighted_lanes[lane]; }
        rows[r].sum = (float)sum; rows[r].weighted = (float)weighted;
    }
}

// Moves a finished row's sums to a new maximum.
static void rescale(flowlm_row_summary *s, float new_max, float inverse_temperature) {
    if (s->max > -__builtin_inff()) {
        float d = (new_max - s->max) * inverse_temperature;
        float factor = __builtin_expf(-d);
        s->weighted = factor * (s->weighted - d * s->sum);
        s->sum = factor * s->sum;
    }
    s->max = new_max;
}

void flowlm_row_summary_merge(flowlm_row_summary *into, const flowlm_row_summary *from, int64_t count,
                              const flowlm_summary_request *request) {
    for (int64_t r = 0; r < count; r++) {
        flowlm_row_summary *a = into + r;
        const flowlm_row_summary *b = from + r;
        if (!(b->max > -__builtin_inff())) continue;
        flowlm_row_summary other = *b;
        if (other.max > a->max) rescale(a, other.max, request->inverse_temperature);
        else rescale(&other, a->max, request->inverse_temperature);
        a->sum += other.sum; a->weighted += other.weighted;
        for (int j = 0; j < other.found; j++) insert_candidate(a, request->k, other.values[j], other.ids[j]);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
void flowlm_summarize_tile_avx512(const float *c, int64_t ldc, int64_t rows, int64_t column, int64_t width,
                                  const flowlm_summary_request *request, flowlm_row_summary *summaries) {
    __mmask16 low = panel_low_lanes(width), high = panel_high_lanes(width);
    for (int i = 0; i < request->excluded_count; i++) {
        int64_t lane = request->excluded[i] - column;
        if (lane >= 0 && lane < 16) low &= (__mmask16)~(1u << lane);
        else if (lane >= 16 && lane < 32) high &= (__mmask16)~(1u << (lane - 16));
    }
    const __m512 minus_infinity = _mm512_set1_ps(-__builtin_inff()), floor = _mm512_set1_ps(-100.0f);
    const __m512 scale = _mm512_set1_ps(request->inverse_temperature), negligible = _mm512_set1_ps(-30.0f);
    for (int64_t r = 0; r < rows; r++) {
        flowlm_row_summary *s = summaries + r;
        const float *row = c + r * ldc;
        __m512 v0 = _mm512_mask_loadu_ps(minus_infinity, low, row);
        __m512 v1 = _mm512_mask_loadu_ps(minus_infinity, high, row + 16);
        __m512 both = _mm512_max_ps(v0, v1);
        __m512 limit = _mm512_set1_ps(s->threshold);
        __mmask16 above0 = _mm512_cmp_ps_mask(v0, limit, _CMP_GT_OQ), above1 = _mm512_cmp_ps_mask(v1, limit, _CMP_GT_OQ);
        if (above0 | above1) {
            for (int lane = 0; above0 && lane < 16; lane++)
                if (above0 & (1u << lane)) insert_candidate(s, request->k, row[lane], (int32_t)(column + lane));
            for (int lane = 0; above1 && lane < 16; lane++)
                if (above1 & (1u << lane)) insert_candidate(s, request->k, row[16 + lane], (int32_t)(column + 16 + lane));
        }
        __m512 sums = _mm512_loadu_ps(s->sum_lanes), weighted = _mm512_loadu_ps(s->weighted_lanes);
        if (_mm512_cmp_ps_mask(both, _mm512_set1_ps(s->max), _CMP_GT_OQ)) {
            // A new maximum (the candidates' first value, inserted above): move the lanes to it.
            float new_max = s->values[0];
            if (s->max > -__builtin_inff()) {
                float d = (new_max - s->max) * request->inverse_temperature;
                __m512 factor = _mm512_set1_ps(__builtin_expf(-d));
                weighted = _mm512_mul_ps(factor, _mm512_fnmadd_ps(_mm512_set1_ps(d), sums, weighted));
                sums = _mm512_mul_ps(factor, sums);
            }
            s->max = new_max;
        }
        if (!(s->max > -__builtin_inff())) continue;
        const __m512 top = _mm512_set1_ps(s->max);
        __m512 z0 = _mm512_max_ps(_mm512_mul_ps(_mm512_sub_ps(v0, top), scale), floor);
        __m512 z1 = _mm512_max_ps(_mm512_mul_ps(_mm512_sub_ps(v1, top), scale), floor);
        if (_mm512_cmp_ps_mask(_mm512_max_ps(z0, z1), negligible, _CMP_GT_OQ) == 0) {
            _mm512_storeu_ps(s->sum_lanes, sums); _mm512_storeu_ps(s->weighted_lanes, weighted);
            continue;
        }
        __m512 e0 = exp_avx512(z0), e1 = exp_avx512(z1);
        _mm512_storeu_ps(s->sum_lanes, _mm512_add_ps(sums, _mm512_add_ps(e0, e1)));
        if (request->weighted) weighted = _mm512_fmadd_ps(e0, z0, _mm512_fmadd_ps(e1, z1, weighted));
        _mm512_storeu_ps(s->weighted_lanes, weighted);
    }
}
#endif
