// The expert projections with MXFP4 weights (spec §5, §6.4), dequantized in registers: mlp1 with the fused SwiGLU,
// and mlp2. Only the experts chosen in this step are read, each once per step for all the tokens routed to it.
#include "common.cuh"

constexpr int MOE_WARPS = 8;

// 2^(s - 127) for an E8M0 scale byte (s = 0 is the subnormal 2^-127).
DEVFN float e8m0(unsigned s) { return s == 0 ? 5.877471754e-39f : __uint_as_float(s << 23); }

// The 32 E2M1 values of a 16-byte group, unscaled: byte b holds element 2b in its low nibble, 2b + 1 in its high.
DEVFN void decode_group(const uint4& q, const float* lut, float (&w)[32]) {
    const unsigned words[4] = {q.x, q.y, q.z, q.w};
#pragma unroll
    for (int i = 0; i < 4; i++) {
#pragma unroll
        for (int b = 0; b < 4; b++) {
            const unsigned byte = (words[i] >> (8 * b)) & 0xffu;
            w[8 * i + 2 * b] = lut[byte & 15u];
            w[8 * i + 2 * b + 1] = lut[byte >> 4];
        }
    }
}

// Block (blockIdx.x, u = blockIdx.y) works for expert e = active[u] (if u < *n_active) on its assignments
// assign[offsets[e] .. offsets[e + 1]); warp w of the block computes output rows 2 * unit and 2 * unit + 1,
// unit = blockIdx.x * 8 + w, for TB assignments per pass: each lane takes every 32nd group of 32 input values, loads
// its 16 bytes per row and the scale byte once, and uses them for all TB inputs.
//  SWIGLU (mlp1, rows = 2 * intermediate): the rows are unit j's gate (2j) and linear (2j + 1) halves; the input of
//    assignment a is the normed token row a / top_k; out[a * out_stride + j] = SwiGLU(gate, linear) (spec §6.4:
//    gate clamped above at limit, linear to +-limit, gate * sigmoid(1.702 gate) * (linear + 1)).
//  otherwise (mlp2): input row a (the activations); out[a * out_stride + r] = W r . in + bias.
// blocks [experts, rows, in_dim / 32, 16], scales [experts, rows, in_dim / 32], bias [experts, rows] float32.
// grid (ceil(rows / 2 / 8), max active experts), block (256).
template <int TB, bool SWIGLU>
DEVFN void moe_impl(const uint8_t* __restrict__ blocks, const uint8_t* __restrict__ scales,
                    const float* __restrict__ bias, int rows, int in_dim, const float* __restrict__ in, int in_stride,
                    int top_k, float* __restrict__ out, int out_stride, const int* __restrict__ offsets,
                    const int* __restrict__ assign, const int* __restrict__ active,
                    const int* __restrict__ n_active, float limit) {
    __shared__ float lut[16];
    if (threadIdx.x < 16) {
        const float v[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
        lut[threadIdx.x] = threadIdx.x < 8 ? v[threadIdx.x] : -v[threadIdx.x - 8];
    }
    __syncthreads();
    const int u = blockIdx.y;
    if (u >= *n_active) return;
    const int e = active[u];
    const int a_begin = offsets[e], a_end = offsets[e + 1];
    const int lane = threadIdx.x & 31;
    const int unit = blockIdx.x * MOE_WARPS + (threadIdx.x >> 5);
    if (2 * unit >= rows) return;  // whole warp
    const int r0 = 2 * unit;
    const int groups = in_dim / 32;
    const uint4* b0 = reinterpret_cast<const uint4*>(blocks + ((size_t)e * rows + r0) * groups * 16);
    const uint4* b1 = b0 + groups;
    const uint8_t* s0 = scales + ((size_t)e * rows + r0) * groups;
    const uint8_t* s1 = s0 + groups;
    const float bias0 = bias[(size_t)e * rows + r0], bias1 = bias[(size_t)e * rows + r0 + 1];
    for (int a0 = a_begin; a0 < a_end; a0 += TB) {
        int arow[TB];
#pragma unroll
        for (int tt = 0; tt < TB; tt++) arow[tt] = a0 + tt < a_end ? assign[a0 + tt] : -1;
        float acc0[TB], acc1[TB];
#pragma unroll
        for (int tt = 0; tt < TB; tt++) acc0[tt] = acc1[tt] = 0.0f;
        for (int gi = lane; gi < groups; gi += WARP) {
            const uint4 q0 = __ldcs(b0 + gi), q1 = __ldcs(b1 + gi);
            const float sc0 = e8m0(s0[gi]), sc1 = e8m0(s1[gi]);
            float w0[32], w1[32];
            decode_group(q0, lut, w0);
            decode_group(q1, lut, w1);
#pragma unroll
            for (int tt = 0; tt < TB; tt++) {
                if (arow[tt] >= 0) {
                    const int src = SWIGLU ? arow[tt] / top_k : arow[tt];
                    const float4* xp = reinterpret_cast<const float4*>(in + (size_t)src * in_stride + gi * 32);
                    float d0 = 0.0f, d1 = 0.0f;
#pragma unroll
                    for (int k = 0; k < 8; k++) {
                        const float4 xv = __ldg(xp + k);
                        d0 += w0[4 * k] * xv.x + w0[4 * k + 1] * xv.y + w0[4 * k + 2] * xv.z + w0[4 * k + 3] * xv.w;
                        d1 += w1[4 * k] * xv.x + w1[4 * k + 1] * xv.y + w1[4 * k + 2] * xv.z + w1[4 * k + 3] * xv.w;
                    }
                    acc0[tt] += d0 * sc0;
                    acc1[tt] += d1 * sc1;
                }
            }
        }
#pragma unroll
        for (int tt = 0; tt < TB; tt++) {
            acc0[tt] = warp_sum(acc0[tt]);
            acc1[tt] = warp_sum(acc1[tt]);
        }
        if (lane == 0) {
#pragma unroll
            for (int tt = 0; tt < TB; tt++) {
                if (arow[tt] < 0) continue;
                const float h0 = acc0[tt] + bias0, h1 = acc1[tt] + bias1;
                if (SWIGLU) {
                    const float glu = fminf(h0, limit);
                    const float lin = fminf(fmaxf(h1, -limit), limit);
                    const float sig = 1.0f / (1.0f + expf(-1.702f * glu));
                    out[(size_t)arow[tt] * out_stride + unit] = glu * sig * (lin + 1.0f);
                } else {
                    out[(size_t)arow[tt] * out_stride + r0] = h0;
                    out[(size_t)arow[tt] * out_stride + r0 + 1] = h1;
                }
            }
        }
    }
}

#define MOE_KERNEL(NAME, TB, SWIGLU)                                                                               \
    KERNEL void __launch_bounds__(256, 2) NAME##_t##TB(const uint8_t* __restrict__ blocks, const uint8_t* __restrict__ scales,              \
                             const float* __restrict__ bias, int rows, int in_dim, const float* __restrict__ in,  \
                             int in_stride, int top_k, float* __restrict__ out, int out_stride,                  \
                             const int* __restrict__ offsets, const int* __restrict__ assign,                    \
                             const int* __restrict__ active, const int* __restrict__ n_active, float limit) {    \
        moe_impl<TB, SWIGLU>(blocks, scales, bias, rows, in_dim, in, in_stride, top_k, out, out_stride, offsets, \
                             assign, active, n_active, limit);                                                   \
    }                                                                                                            \
    EMU_REGISTER(NAME##_t##TB)

MOE_KERNEL(moe_mlp1_swiglu, 1, true)
MOE_KERNEL(moe_mlp1_swiglu, 4, true)
MOE_KERNEL(moe_mlp1_swiglu, 8, true)
MOE_KERNEL(moe_mlp2, 1, false)
MOE_KERNEL(moe_mlp2, 4, false)
MOE_KERNEL(moe_mlp2, 8, false)

// ---- many tokens per expert (prefill, large batches): TF32 tensor cores ----

constexpr int MTC_WARPS = 8;
constexpr int MTC_TOKENS = 64;   // assignments per pass: 8 n-tiles of 8
constexpr int MTC_K = 64;        // input values per staged chunk (two MXFP4 groups)
constexpr int MTC_XS = MTC_K + 4;

// The expert projections with mma.sync m16n8k8 TF32 (dequantized E2M1 x 2^k values are exact in TF32; inputs are
// split into a TF32 high part and rest as in bf16_matmul_tc). Block (blockIdx.x, u): expert e = active[u], its
// assignments in passes of 64, staged (gathered by assignment, split) in shared memory 64 input values at a time.
// Each warp owns 16 weight rows: for mlp1 (SWIGLU) the gate rows 2j of 8 units in tile rows 0..7 and their linear
// rows 2j+1 in tile rows 8..15, so one lane holds both halves of a unit and applies the SwiGLU in registers; for
// mlp2 16 consecutive rows. Lane t reads 8 bytes (16 values) of one group per row and chunk, k-permuted like
// bf16_matmul_tc. grid (ceil(units / 64) for mlp1, ceil(rows / 128) for mlp2; max active experts), block (256).
template <bool SWIGLU>
DEVFN void moe_tc_impl(const uint8_t* __restrict__ blocks, const uint8_t* __restrict__ scales,
                       const float* __restrict__ bias, int rows, int in_dim, const float* __restrict__ in, int in_stride,
                       int top_k, float* __restrict__ out, int out_stride, const int* __restrict__ offsets,
                       const int* __restrict__ assign, const int* __restrict__ active, const int* __restrict__ n_active,
                       float limit) {
    __shared__ __align__(16) uint32_t xs_hi[MTC_TOKENS][MTC_XS];
    __shared__ __align__(16) uint32_t xs_lo[MTC_TOKENS][MTC_XS];
    __shared__ int arow[MTC_TOKENS];
    __shared__ float lut[16];
    if (threadIdx.x < 16) {
        const float v[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
        lut[threadIdx.x] = threadIdx.x < 8 ? v[threadIdx.x] : -v[threadIdx.x - 8];
    }
    __syncthreads();
    const int u = blockIdx.y;
    if (u >= *n_active) return;
    const int e = active[u];
    const int a_begin = offsets[e], a_end = offsets[e + 1];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int g = lane >> 2, t = lane & 3;
    // the two physical weight rows of this lane (tile rows g and g + 8)
    int r_lo, r_hi;
    if (SWIGLU) {
        const int unit = blockIdx.x * (8 * MTC_WARPS) + warp * 8 + g;
        r_lo = 2 * unit;
        r_hi = 2 * unit + 1;
    } else {
        r_lo = blockIdx.x * (16 * MTC_WARPS) + warp * 16 + g;
        r_hi = r_lo + 8;
    }
    const bool ok_lo = r_lo < rows, ok_hi = r_hi < rows;
    const int groups = in_dim / 32;
    const uint8_t* b_lo = blocks + ((size_t)e * rows + (ok_lo ? r_lo : 0)) * groups * 16;
    const uint8_t* b_hi = blocks + ((size_t)e * rows + (ok_hi ? r_hi : 0)) * groups * 16;
    const uint8_t* s_lo = scales + ((size_t)e * rows + (ok_lo ? r_lo : 0)) * groups;
    const uint8_t* s_hi = scales + ((size_t)e * rows + (ok_hi ? r_hi : 0)) * groups;

    for (int p0 = a_begin; p0 < a_end; p0 += MTC_TOKENS) {
        const int ntok = min(MTC_TOKENS, a_end - p0);
        const int ntiles = (ntok + 7) / 8;
        __syncthreads();  // the previous pass no longer reads arow
        for (int i = threadIdx.x; i < MTC_TOKENS; i += blockDim.x) arow[i] = i < ntok ? assign[p0 + i] : -1;
        float acc[8][4];
#pragma unroll
        for (int j = 0; j < 8; j++)
#pragma unroll
            for (int i = 0; i < 4; i++) acc[j][i] = 0.0f;
        for (int k0 = 0; k0 < in_dim; k0 += MTC_K) {
            __syncthreads();  // arow is set; the previous chunk is no longer read
            for (int idx = threadIdx.x; idx < MTC_TOKENS * (MTC_K / 4); idx += blockDim.x) {
                const int tt = idx / (MTC_K / 4), c = (idx % (MTC_K / 4)) * 4;
                float4 v = {0.0f, 0.0f, 0.0f, 0.0f};
                if (tt < ntok && k0 + c < in_dim) {
                    const int src = SWIGLU ? arow[tt] / top_k : arow[tt];
                    v = __ldg(reinterpret_cast<const float4*>(in + (size_t)src * in_stride + k0 + c));
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
            // this lane's 16 input columns of the chunk: bytes 8 (t % 2) .. +7 of group k0 / 32 + t / 2
            const int col0 = k0 + 16 * t;
            uint32_t al[16], ah[16];
            if (col0 < in_dim) {
                const int gi = col0 / 32, byte0 = (col0 % 32) / 2;
                const uint2 ql = ok_lo ? *reinterpret_cast<const uint2*>(b_lo + gi * 16 + byte0) : uint2{0, 0};
                const uint2 qh = ok_hi ? *reinterpret_cast<const uint2*>(b_hi + gi * 16 + byte0) : uint2{0, 0};
                const float sl = e8m0(s_lo[gi]), sh = e8m0(s_hi[gi]);
                const uint32_t wl[2] = {ql.x, ql.y}, wh[2] = {qh.x, qh.y};
#pragma unroll
                for (int q = 0; q < 8; q++) {
                    const uint32_t bl = (wl[q / 4] >> (8 * (q % 4))) & 0xffu, bh = (wh[q / 4] >> (8 * (q % 4))) & 0xffu;
                    al[2 * q] = __float_as_uint(lut[bl & 15u] * sl);
                    al[2 * q + 1] = __float_as_uint(lut[bl >> 4] * sl);
                    ah[2 * q] = __float_as_uint(lut[bh & 15u] * sh);
                    ah[2 * q + 1] = __float_as_uint(lut[bh >> 4] * sh);
                }
            } else {
#pragma unroll
                for (int q = 0; q < 16; q++) al[q] = ah[q] = 0u;
            }
#pragma unroll
            for (int s = 0; s < 8; s++) {
                const uint32_t a[4] = {al[2 * s], ah[2 * s], al[2 * s + 1], ah[2 * s + 1]};
#pragma unroll
                for (int j = 0; j < 8; j++) {
                    if (j < ntiles) {
                        const int tok = 8 * j + g;
                        const int col = 16 * t + 2 * s;
                        const uint32_t bh2[2] = {xs_hi[tok][col], xs_hi[tok][col + 1]};
                        const uint32_t bl2[2] = {xs_lo[tok][col], xs_lo[tok][col + 1]};
                        mma_tf32(acc[j], a, bh2);
                        mma_tf32(acc[j], a, bl2);
                    }
                }
            }
        }
        const float bias_lo = ok_lo ? bias[(size_t)e * rows + r_lo] : 0.0f;
        const float bias_hi = ok_hi ? bias[(size_t)e * rows + r_hi] : 0.0f;
#pragma unroll
        for (int j = 0; j < 8; j++) {
#pragma unroll
            for (int c = 0; c < 2; c++) {
                const int tt = 8 * j + 2 * t + c;
                if (tt >= ntok) continue;
                const int a = arow[tt];
                const float h0 = acc[j][c] + bias_lo, h1 = acc[j][2 + c] + bias_hi;
                if (SWIGLU) {
                    if (ok_lo) {
                        const float glu = fminf(h0, limit);
                        const float lin = fminf(fmaxf(h1, -limit), limit);
                        const float sig = 1.0f / (1.0f + expf(-1.702f * glu));
                        out[(size_t)a * out_stride + r_lo / 2] = glu * sig * (lin + 1.0f);
                    }
                } else {
                    if (ok_lo) out[(size_t)a * out_stride + r_lo] = h0;
                    if (ok_hi) out[(size_t)a * out_stride + r_hi] = h1;
                }
            }
        }
    }
}

#define MOE_TC_KERNEL(NAME, SWIGLU)                                                                                 \
    KERNEL void __launch_bounds__(256) NAME(const uint8_t* __restrict__ blocks, const uint8_t* __restrict__ scales,   \
                                            const float* __restrict__ bias, int rows, int in_dim,                    \
                                            const float* __restrict__ in, int in_stride, int top_k,                  \
                                            float* __restrict__ out, int out_stride, const int* __restrict__ offsets, \
                                            const int* __restrict__ assign, const int* __restrict__ active,          \
                                            const int* __restrict__ n_active, float limit) {                         \
        moe_tc_impl<SWIGLU>(blocks, scales, bias, rows, in_dim, in, in_stride, top_k, out, out_stride, offsets,   \
                            assign, active, n_active, limit);                                                      \
    }                                                                                                              \
    EMU_REGISTER(NAME)

MOE_TC_KERNEL(moe_mlp1_swiglu_tc, true)
MOE_TC_KERNEL(moe_mlp2_tc, false)
