// Attention with GQA, learned sinks and the sliding band (spec §6.3) over the paged KV cache (layout: rope.cu),
// for decode (one row per sequence) and prefill (one row per position of one sequence) alike.
#include "common.cuh"

constexpr int ATT_WARPS = 4;
constexpr int ATT_MAXG = 8;  // query heads per KV head handled by one block

// Eight consecutive cache elements as float32 (16 or 32 bytes, aligned).
DEVFN void load8(const float* p, float (&f)[8]) {
    const float4 a = *reinterpret_cast<const float4*>(p), b = *reinterpret_cast<const float4*>(p + 4);
    f[0] = a.x; f[1] = a.y; f[2] = a.z; f[3] = a.w; f[4] = b.x; f[5] = b.y; f[6] = b.z; f[7] = b.w;
}
DEVFN void load8(const uint16_t* p, float (&f)[8]) { unpack_bf16x8(*reinterpret_cast<const uint4*>(p), f); }

// Row `row` (query position pos = positions[row]) and KV head g = blockIdx.y: the G = heads / kv_heads query heads
// g*G .. g*G+G-1 attend to cached positions first..pos (first = pos - window + 1 on sliding layers, window > 0;
// else 0). Scores (q.k) * sm_scale; softmax over the allowed keys plus the head's sink logit, whose probability is
// dropped; out = sum p_j v_j. The keys are tiles of KV_PAGE positions (one page each), tiles_per_split tiles per
// block (blockIdx.z = split), four warps per block taking every fourth tile, one lane per key for q.k and one lane
// per dimension for p.v, with an online softmax. A row with one split finishes in its block; with more, each block
// writes (max, sum, out) per head to partials and the last block of the row (counted in counters, which it resets)
// combines them. grid (rows, kv_heads, max_splits), block (128).
template <typename KV, int D>
DEVFN void attention_impl(const float* __restrict__ qkv, int qkv_stride, const int* __restrict__ positions,
                          const int* __restrict__ row_seq, const int* __restrict__ page_table, int pages_per_seq,
                          const KV* __restrict__ kv, int layer, int layers, int heads, int kv_heads,
                          const float* __restrict__ sinks, float sm_scale, int window, int tiles_per_split,
                          float* __restrict__ partials, unsigned* __restrict__ counters, float* __restrict__ out,
                          int out_stride) {
    constexpr int DPL = (D + 31) / 32;
    __shared__ float qs[ATT_MAXG][D];
    __shared__ float ps[ATT_WARPS][ATT_MAXG][WARP];
    __shared__ float wm[ATT_WARPS][ATT_MAXG];
    __shared__ float wl[ATT_WARPS][ATT_MAXG];
    __shared__ float wo[ATT_WARPS][ATT_MAXG][D];
    __shared__ int last_block;

    const int G = heads / kv_heads;
    const int row = blockIdx.x, g = blockIdx.y, split = blockIdx.z;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int pos = positions[row];
    const int first = window > 0 ? max(0, pos - window + 1) : 0;
    const int t_first = first / KV_PAGE, t_last = pos / KV_PAGE;
    const int nsplits = (t_last - t_first + tiles_per_split) / tiles_per_split;
    if (split >= nsplits) return;  // the whole block: this row needs fewer splits
    const int tile_begin = t_first + split * tiles_per_split;
    const int tile_end = min(t_last + 1, tile_begin + tiles_per_split);

    for (int idx = threadIdx.x; idx < G * D; idx += blockDim.x) {
        qs[idx / D][idx % D] = qkv[(size_t)row * qkv_stride + (size_t)(g * G) * D + idx];
    }
    __syncthreads();

    const int* pt = page_table + (size_t)row_seq[row] * pages_per_seq;
    const size_t head_block = (size_t)KV_PAGE * D;
    float m[ATT_MAXG], l[ATT_MAXG], o[ATT_MAXG][DPL];
#pragma unroll
    for (int h = 0; h < ATT_MAXG; h++) {
        m[h] = -INFINITY;
        l[h] = 0.0f;
#pragma unroll
        for (int c = 0; c < DPL; c++) o[h][c] = 0.0f;
    }
    for (int t = tile_begin + warp; t < tile_end; t += ATT_WARPS) {
        const size_t page = (size_t)pt[t];
        const KV* kp = kv + ((page * layers + layer) * 2 + 0) * kv_heads * head_block + g * head_block;
        const KV* vp = kv + ((page * layers + layer) * 2 + 1) * kv_heads * head_block + g * head_block;
        const int key = t * KV_PAGE + lane;
        const bool valid = key >= first && key <= pos;
        float s[ATT_MAXG];
#pragma unroll
        for (int h = 0; h < ATT_MAXG; h++) s[h] = 0.0f;
        if (valid) {
            const KV* krow = kp + (size_t)lane * D;
            for (int j = 0; j < D; j += 8) {
                float kf[8];
                load8(krow + j, kf);
#pragma unroll
                for (int h = 0; h < ATT_MAXG; h++) {
                    if (h < G) {
#pragma unroll
                        for (int jj = 0; jj < 8; jj++) s[h] += qs[h][j + jj] * kf[jj];
                    }
                }
            }
        }
#pragma unroll
        for (int h = 0; h < ATT_MAXG; h++) {
            if (h < G) {
                const float sc = valid ? s[h] * sm_scale : -INFINITY;
                const float mnew = fmaxf(m[h], warp_max(sc));  // finite: every tile has an allowed key
                const float corr = expf(m[h] - mnew);
                const float p = valid ? expf(sc - mnew) : 0.0f;
                l[h] = l[h] * corr + warp_sum(p);
#pragma unroll
                for (int c = 0; c < DPL; c++) o[h][c] *= corr;
                m[h] = mnew;
                ps[warp][h][lane] = p;
            }
        }
        __syncwarp();
        const int jmin = max(0, first - t * KV_PAGE);
        const int jmax = min(KV_PAGE, pos - t * KV_PAGE + 1);  // positions after pos are not written yet
        for (int j = jmin; j < jmax; j++) {
            const KV* vrow = vp + (size_t)j * D;
            float vv[DPL];
#pragma unroll
            for (int c = 0; c < DPL; c++) {
                const int dd = lane + c * WARP;
                vv[c] = dd < D ? kv_load(vrow + dd) : 0.0f;
            }
#pragma unroll
            for (int h = 0; h < ATT_MAXG; h++) {
                if (h < G) {
                    const float p = ps[warp][h][j];
#pragma unroll
                    for (int c = 0; c < DPL; c++) o[h][c] += p * vv[c];
                }
            }
        }
        __syncwarp();
    }
    // Combine the four warps.
#pragma unroll
    for (int h = 0; h < ATT_MAXG; h++) {
        if (h < G) {
            if (lane == 0) {
                wm[warp][h] = m[h];
                wl[warp][h] = l[h];
            }
#pragma unroll
            for (int c = 0; c < DPL; c++) {
                const int dd = lane + c * WARP;
                if (dd < D) wo[warp][h][dd] = o[h][c];
            }
        }
    }
    __syncthreads();
    float* part = partials + (((size_t)row * kv_heads + g) * gridDim.z + split) * (size_t)G * (D + 2);
    for (int idx = threadIdx.x; idx < G * D; idx += blockDim.x) {
        const int h = idx / D, dd = idx % D;
        float mx = -INFINITY;
#pragma unroll
        for (int w = 0; w < ATT_WARPS; w++) mx = fmaxf(mx, wm[w][h]);
        float sum = 0.0f, acc = 0.0f;
#pragma unroll
        for (int w = 0; w < ATT_WARPS; w++) {
            const float f = expf(wm[w][h] - mx);  // 0 for a warp that had no tile
            sum += wl[w][h] * f;
            acc += wo[w][h][dd] * f;
        }
        if (nsplits == 1) {
            const float sink = sinks[g * G + h];
            const float mf = fmaxf(mx, sink);
            const float denom = sum * expf(mx - mf) + expf(sink - mf);
            out[(size_t)row * out_stride + (size_t)(g * G + h) * D + dd] = acc * expf(mx - mf) / denom;
        } else {
            part[h * (D + 2) + dd] = acc;
            if (dd == 0) {
                part[h * (D + 2) + D] = mx;
                part[h * (D + 2) + D + 1] = sum;
            }
        }
    }
    if (nsplits == 1) return;
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0) {
        last_block = atomicAdd(&counters[row * kv_heads + g], 1u) == (unsigned)(nsplits - 1);
    }
    __syncthreads();
    if (!last_block) return;
    __threadfence();
    const float* parts = partials + ((size_t)row * kv_heads + g) * gridDim.z * (size_t)G * (D + 2);
    const size_t split_stride = (size_t)G * (D + 2);
    for (int idx = threadIdx.x; idx < G * D; idx += blockDim.x) {
        const int h = idx / D, dd = idx % D;
        float mx = -INFINITY;
        for (int sp = 0; sp < nsplits; sp++) mx = fmaxf(mx, __ldcg(parts + sp * split_stride + h * (D + 2) + D));
        const float sink = sinks[g * G + h];
        const float mf = fmaxf(mx, sink);
        float sum = 0.0f, acc = 0.0f;
        for (int sp = 0; sp < nsplits; sp++) {
            const float* pp = parts + sp * split_stride + h * (D + 2);
            const float f = expf(__ldcg(pp + D) - mf);
            sum += __ldcg(pp + D + 1) * f;
            acc += __ldcg(pp + dd) * f;
        }
        out[(size_t)row * out_stride + (size_t)(g * G + h) * D + dd] = acc / (sum + expf(sink - mf));
    }
    if (threadIdx.x == 0) counters[row * kv_heads + g] = 0;
}

#define ATTENTION(SUFFIX, KV, D)                                                                                    \
    KERNEL void attention_d##D##_##SUFFIX(                                                                        \
        const float* __restrict__ qkv, int qkv_stride, const int* __restrict__ positions,                          \
        const int* __restrict__ row_seq, const int* __restrict__ page_table, int pages_per_seq,                    \
        const KV* __restrict__ kv, int layer, int layers, int heads, int kv_heads, const float* __restrict__ sinks, \
        float sm_scale, int window, int tiles_per_split, float* __restrict__ partials,                             \
        unsigned* __restrict__ counters, float* __restrict__ out, int out_stride) {                               \
        attention_impl<KV, D>(qkv, qkv_stride, positions, row_seq, page_table, pages_per_seq, kv, layer, layers,  \
                              heads, kv_heads, sinks, sm_scale, window, tiles_per_split, partials, counters, out,  \
                              out_stride);                                                                         \
    }                                                                                                              \
    EMU_REGISTER(attention_d##D##_##SUFFIX)

ATTENTION(f32, float, 16)
ATTENTION(bf16, uint16_t, 16)
ATTENTION(f32, float, 32)
ATTENTION(bf16, uint16_t, 32)
ATTENTION(f32, float, 64)
ATTENTION(bf16, uint16_t, 64)
ATTENTION(f32, float, 128)
ATTENTION(bf16, uint16_t, 128)
