// y = W x + b for BF16 weights and float32 activations with float32 accumulation: the QKV and output projections,
// the unembedding (spec §6.3, §6.5).
#include "common.cuh"

constexpr int MM_WARPS = 8;
constexpr int MM_KITER = 16;  // 16 loads x 32 lanes x 8 weights = rows of up to 4096 weights stay in registers

// The dot products of one weight row (16-byte vectors w, i = it * 32 + lane) with TB token rows of x.
template <int TB>
DEVFN void mm_accumulate(const uint4& wv, int i, const float* __restrict__ x, int x_stride, int t0, int tokens,
                         float (&acc)[TB]) {
    float wf[8];
    unpack_bf16x8(wv, wf);
#pragma unroll
    for (int tt = 0; tt < TB; tt++) {
        if (t0 + tt < tokens) {
            const float4* xp = reinterpret_cast<const float4*>(x + (size_t)(t0 + tt) * x_stride) + 2 * i;
            const float4 a = __ldg(xp);
            const float4 b = __ldg(xp + 1);
            acc[tt] += wf[0] * a.x + wf[1] * a.y + wf[2] * a.z + wf[3] * a.w
                     + wf[4] * b.x + wf[5] * b.y + wf[6] * b.z + wf[7] * b.w;
        }
    }
}

// y[t * y_stride + r] = (accumulate ? y[..] : 0) + ((sum_c W[r, c] x[t * x_stride + c]) + bias[r]) for r < n,
// t < tokens (bias optional). W row-major [n, k] with k % 8 == 0 and 16-byte aligned rows; x_stride % 4 == 0.
// One warp per output row (rows_per_warp consecutive rows each): lanes read the row in coalesced 16-byte loads,
// each load is used for TB tokens per pass, and rows of up to 4096 weights stay in registers across passes so a
// batch of any size reads each weight from memory once. grid (ceil(n / (8 * rows_per_warp))), block (256).
template <int TB>
DEVFN void bf16_matmul_impl(const uint16_t* __restrict__ w, const float* __restrict__ bias,
                            const float* __restrict__ x, int x_stride, float* __restrict__ y, int y_stride, int n,
                            int k, int tokens, int rows_per_warp, int accumulate) {
    const int lane = threadIdx.x & 31;
    const int gwarp = blockIdx.x * MM_WARPS + (threadIdx.x >> 5);
    const int nvec = k / 8;
    const bool cached = nvec <= MM_KITER * WARP;
    for (int rr = 0; rr < rows_per_warp; rr++) {
        const int r = gwarp * rows_per_warp + rr;
        if (r >= n) return;
        const uint4* wr = reinterpret_cast<const uint4*>(w + (size_t)r * k);
        uint4 wreg[MM_KITER];
        if (cached) {
#pragma unroll
            for (int it = 0; it < MM_KITER; it++) {
                const int i = it * WARP + lane;
                wreg[it] = i < nvec ? __ldcs(wr + i) : uint4{0, 0, 0, 0};
            }
        }
        const float b = bias != nullptr ? bias[r] : 0.0f;
        for (int t0 = 0; t0 < tokens; t0 += TB) {
            float acc[TB];
#pragma unroll
            for (int tt = 0; tt < TB; tt++) acc[tt] = 0.0f;
            if (cached) {
#pragma unroll
                for (int it = 0; it < MM_KITER; it++) {
                    const int i = it * WARP + lane;
                    if (i < nvec) mm_accumulate<TB>(wreg[it], i, x, x_stride, t0, tokens, acc);
                }
            } else {
                for (int i = lane; i < nvec; i += WARP) mm_accumulate<TB>(__ldcs(wr + i), i, x, x_stride, t0, tokens, acc);
            }
#pragma unroll
            for (int tt = 0; tt < TB; tt++) acc[tt] = warp_sum(acc[tt]);
            if (lane < TB && t0 + lane < tokens) {
                float v = 0.0f;
#pragma unroll
                for (int tt = 0; tt < TB; tt++)
                    if (tt == lane) v = acc[tt];
                float* yo = y + (size_t)(t0 + lane) * y_stride + r;
                *yo = accumulate ? *yo + (v + b) : v + b;
            }
        }
    }
}

#define BF16_MATMUL(TB)                                                                                        \
    KERNEL void __launch_bounds__(256, 2) bf16_matmul_t##TB(const uint16_t* __restrict__ w, const float* __restrict__ bias,              \
                                  const float* __restrict__ x, int x_stride, float* __restrict__ y, int y_stride, \
                                  int n, int k, int tokens, int rows_per_warp, int accumulate) {               \
        bf16_matmul_impl<TB>(w, bias, x, x_stride, y, y_stride, n, k, tokens, rows_per_warp, accumulate);     \
    }                                                                                                          \
    EMU_REGISTER(bf16_matmul_t##TB)

BF16_MATMUL(1)
BF16_MATMUL(2)
BF16_MATMUL(4)
BF16_MATMUL(8)
