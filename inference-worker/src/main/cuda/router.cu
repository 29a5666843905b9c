// The MoE block's norm and router (spec §6.4): RMSNorm, router logits, top-k and softmax over the chosen, and the
// grouping of the step's (row, slot) assignments by expert for the expert kernels.
#include "common.cuh"

constexpr int ROUTER_MAX_TOPK = 8;

// One block per row r: normed[r] = RMSNorm(x[r]) * norm_scale; logits = gate_w . normed[r] + gate_b (BF16 [experts,
// dim], one warp per expert); the top_k largest logits in descending order, ties to the lower expert index
// (chosen[r * top_k + s]), weighted by a softmax over those only (route_w). The last block to finish (counted in
// *counter, which it resets) groups the assignments a = r * top_k + s by expert: assign[offsets[e] ..
// offsets[e + 1]) are expert e's, ascending; active[0 .. *n_active) the experts with any, ascending.
// grid (rows), block (256), dynamic shared memory (dim + experts) floats + (experts + 1) ints.
KERNEL void moe_router(const float* __restrict__ x, int rows, int dim, const float* __restrict__ norm_scale, float eps,
                       const uint16_t* __restrict__ gate_w, const float* __restrict__ gate_b, int experts, int top_k,
                       float* __restrict__ normed, int* __restrict__ chosen, float* __restrict__ route_w,
                       unsigned* __restrict__ counter, int* __restrict__ offsets, int* __restrict__ assign,
                       int* __restrict__ active, int* __restrict__ n_active) {
    DYNAMIC_SHARED(float, smem);
    float* nrow = smem;
    float* logits = smem + dim;
    int* counts = reinterpret_cast<int*>(logits + experts);
    __shared__ float scratch[32];
    __shared__ int last_block;
    const int row = blockIdx.x;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;

    const float* xr = x + (size_t)row * dim;
    const float inv = rms_inverse(xr, dim, eps, scratch);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        const float v = xr[i] * inv * norm_scale[i];
        nrow[i] = v;
        normed[(size_t)row * dim + i] = v;
    }
    __syncthreads();
    const int nvec = dim / 8;
    for (int e = warp; e < experts; e += warps) {
        const uint4* wr = reinterpret_cast<const uint4*>(gate_w + (size_t)e * dim);
        float acc = 0.0f;
        for (int i = lane; i < nvec; i += WARP) {
            float wf[8];
            unpack_bf16x8(__ldg(wr + i), wf);
#pragma unroll
            for (int k = 0; k < 8; k++) acc += wf[k] * nrow[i * 8 + k];
        }
        acc = warp_sum(acc);
        if (lane == 0) logits[e] = acc + gate_b[e];
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        int sel[ROUTER_MAX_TOPK];
        for (int s = 0; s < top_k; s++) {
            int best = -1;
            for (int e = 0; e < experts; e++) {
                bool taken = false;
                for (int p = 0; p < s; p++) taken |= sel[p] == e;
                if (!taken && (best < 0 || logits[e] > logits[best])) best = e;
            }
            sel[s] = best;
        }
        const float mx = logits[sel[0]];
        float wts[ROUTER_MAX_TOPK];
        float sum = 0.0f;
        for (int s = 0; s < top_k; s++) {
            wts[s] = expf(logits[sel[s]] - mx);
            sum += wts[s];
        }
        for (int s = 0; s < top_k; s++) {
            chosen[row * top_k + s] = sel[s];
            route_w[row * top_k + s] = wts[s] / sum;
        }
    }
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0) last_block = atomicAdd(counter, 1u) == (unsigned)(rows - 1);
    __syncthreads();
    if (!last_block) return;
    __threadfence();
    const int total = rows * top_k;
    for (int e = threadIdx.x; e < experts; e += blockDim.x) {
        int c = 0;
        for (int a = 0; a < total; a++) c += __ldcg(chosen + a) == e;
        counts[e] = c;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        int off = 0, na = 0;
        for (int e = 0; e < experts; e++) {
            counts[experts] = off;  // scratch: this expert's first slot
            offsets[e] = off;
            off += counts[e];
            if (counts[e] > 0) active[na++] = e;
        }
        offsets[experts] = off;
        *n_active = na;
        *counter = 0;
    }
    __syncthreads();
    for (int e = threadIdx.x; e < experts; e += blockDim.x) {
        int p = offsets[e];
        for (int a = 0; a < total; a++)
            if (__ldcg(chosen + a) == e) assign[p++] = a;
    }
}
EMU_REGISTER(moe_router)
