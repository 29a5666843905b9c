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

// ---- many token rows (prefill, large batches): TF32 tensor cores ----

constexpr int TC_WARPS = 8;
constexpr int TC_ROWS = 16 * TC_WARPS;  // weight rows per block: 16 per warp
constexpr int TC_TOKENS = 64;           // token rows per block: 8 n-tiles of 8
constexpr int TC_K = 64;                // k per staged chunk
constexpr int TC_XS = TC_K + 4;         // shared row stride in words (spreads the banks)

// The same y = W x + b (accumulate and bias as above) with mma.sync m16n8k8 TF32: BF16 weights are exact in TF32,
// and each activation is split into a TF32 high part and a TF32 rest, both multiplied (two mma), so the result keeps
// close to float32 accuracy. Block: 128 weight rows x 64 tokens; a chunk of 64 k of the 64 token rows is staged in
// shared memory (split once into high and rest), each warp loads its 16 rows of the chunk with 16-byte loads and runs
// 8 k-steps x 8 n-tiles x 2 mma. Within a chunk the k order is permuted (lane t owns columns 16t..16t+15, k-step s
// takes columns 2s and 2s+1 of them) — the same permutation for A and B, so the sum is the same.
// grid (ceil(n / 128), ceil(tokens / 64)), block (256).
KERNEL void __launch_bounds__(256) bf16_matmul_tc(const uint16_t* __restrict__ w, const float* __restrict__ bias,
                                                  const float* __restrict__ x, int x_stride, float* __restrict__ y,
                                                  int y_stride, int n, int k, int tokens, int accumulate) {
    __shared__ __align__(16) uint32_t xs_hi[TC_TOKENS][TC_XS];
    __shared__ __align__(16) uint32_t xs_lo[TC_TOKENS][TC_XS];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int g = lane >> 2, t = lane & 3;
    const int r_lo = blockIdx.x * TC_ROWS + warp * 16 + g;
    const int r_hi = r_lo + 8;
    const int tok0 = blockIdx.y * TC_TOKENS;
    const int ntok = min(TC_TOKENS, tokens - tok0);
    float acc[8][4];
#pragma unroll
    for (int j = 0; j < 8; j++)
#pragma unroll
        for (int i = 0; i < 4; i++) acc[j][i] = 0.0f;

    for (int k0 = 0; k0 < k; k0 += TC_K) {
        __syncthreads();  // the previous chunk is no longer read
        for (int idx = threadIdx.x; idx < TC_TOKENS * (TC_K / 4); idx += blockDim.x) {
            const int tt = idx / (TC_K / 4), c = (idx % (TC_K / 4)) * 4;
            float4 v = {0.0f, 0.0f, 0.0f, 0.0f};
            if (tt < ntok && k0 + c < k) {  // k % 8 == 0: a group of 4 is all inside or all outside
                v = __ldg(reinterpret_cast<const float4*>(x + (size_t)(tok0 + tt) * x_stride + k0 + c));
            }
            const float f[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
            for (int q = 0; q < 4; q++) {
                const uint32_t h = to_tf32(f[q]);
                xs_hi[tt][c + q] = h;
                xs_lo[tt][c + q] = to_tf32(f[q] - __uint_as_float(h));
            }
        }
        __syncthreads();
        uint32_t al[16], ah[16];
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int c = k0 + 16 * t + 8 * h;
            const uint4 zero = {0, 0, 0, 0};
            const uint4 lo = (c < k && r_lo < n) ? __ldcs(reinterpret_cast<const uint4*>(w + (size_t)r_lo * k + c)) : zero;
            const uint4 hi = (c < k && r_hi < n) ? __ldcs(reinterpret_cast<const uint4*>(w + (size_t)r_hi * k + c)) : zero;
            const uint32_t lw[4] = {lo.x, lo.y, lo.z, lo.w}, hw[4] = {hi.x, hi.y, hi.z, hi.w};
#pragma unroll
            for (int q = 0; q < 4; q++) {  // BF16 -> float32 bits: exact TF32 operands
                al[8 * h + 2 * q] = lw[q] << 16;
                al[8 * h + 2 * q + 1] = lw[q] & 0xffff0000u;
                ah[8 * h + 2 * q] = hw[q] << 16;
                ah[8 * h + 2 * q + 1] = hw[q] & 0xffff0000u;
            }
        }
#pragma unroll
        for (int s = 0; s < 8; s++) {
            const uint32_t a[4] = {al[2 * s], ah[2 * s], al[2 * s + 1], ah[2 * s + 1]};
#pragma unroll
            for (int j = 0; j < 8; j++) {
                const int tok = 8 * j + g;
                const int col = 16 * t + 2 * s;
                const uint32_t bh[2] = {xs_hi[tok][col], xs_hi[tok][col + 1]};
                const uint32_t bl[2] = {xs_lo[tok][col], xs_lo[tok][col + 1]};
                mma_tf32(acc[j], a, bh);
                mma_tf32(acc[j], a, bl);
            }
        }
    }
#pragma unroll
    for (int j = 0; j < 8; j++) {
#pragma unroll
        for (int i = 0; i < 4; i++) {
            const int r = i < 2 ? r_lo : r_hi;
            const int tok = tok0 + 8 * j + 2 * t + (i & 1);
            if (r < n && tok < tokens) {
                const float v = acc[j][i] + (bias != nullptr ? bias[r] : 0.0f);
                float* yo = y + (size_t)tok * y_stride + r;
                *yo = accumulate ? *yo + v : v;
            }
        }
    }
}
EMU_REGISTER(bf16_matmul_tc)
