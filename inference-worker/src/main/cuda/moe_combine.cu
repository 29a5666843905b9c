// The MoE block's weighted expert sum and residual add (spec §6.4), fused with the next RMSNorm.
#include "common.cuh"

constexpr int COMBINE_MAX_TOPK = 8;

// Row r: x[r] += sum over its top_k experts in ascending expert order of route_w[r, s] * y[r * top_k + s] (the
// mlp2 outputs, bias included), summed from zero before the add like the CPU engine; then, when next_scale is given,
// normed[r] = RMSNorm(x[r]) * next_scale (the next layer's attention norm, or the final norm after the last
// layer). grid (rows), block (256).
KERNEL void moe_combine(float* __restrict__ x, const float* __restrict__ y, const int* __restrict__ chosen,
                        const float* __restrict__ route_w, int top_k, int dim, const float* __restrict__ next_scale,
                        float eps, float* __restrict__ normed) {
    __shared__ float scratch[32];
    const int row = blockIdx.x;
    int order[COMBINE_MAX_TOPK];
    for (int s = 0; s < top_k; s++) {
        int p = s;
        while (p > 0 && chosen[row * top_k + order[p - 1]] > chosen[row * top_k + s]) {
            order[p] = order[p - 1];
            p--;
        }
        order[p] = s;
    }
    float* xr = x + (size_t)row * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        float acc = 0.0f;
        for (int s = 0; s < top_k; s++) {
            const int slot = order[s];
            acc += route_w[row * top_k + slot] * y[((size_t)row * top_k + slot) * dim + i];
        }
        xr[i] = xr[i] + acc;
    }
    if (next_scale == nullptr) return;
    const float inv = rms_inverse(xr, dim, eps, scratch);
    float* yr = normed + (size_t)row * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) yr[i] = xr[i] * inv * next_scale[i];
}
EMU_REGISTER(moe_combine)
