// Token embedding (spec §6.1), fused with the first layer's attention RMSNorm.
#include "common.cuh"

// Row r: x[r] = table[tokens[r]] (BF16 -> float32, no scaling); when scale is given also
// normed[r] = RMSNorm(x[r]) * scale. Ids outside [0, vocab) read row 0 (the host rejects them before).
// grid (rows), block (256).
KERNEL void embed_rmsnorm(const uint16_t* __restrict__ table, const int* __restrict__ tokens, int vocab, int dim,
                          const float* __restrict__ scale, float eps, float* __restrict__ x,
                          float* __restrict__ normed) {
    __shared__ float scratch[32];
    const int row = blockIdx.x;
    int tok = tokens[row];
    if (tok < 0 || tok >= vocab) tok = 0;
    const uint16_t* src = table + (size_t)tok * dim;
    float* xr = x + (size_t)row * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) xr[i] = bf16_to_float(src[i]);
    if (scale == nullptr) return;
    // Each thread re-reads only what it wrote itself.
    const float inv = rms_inverse(xr, dim, eps, scratch);
    float* yr = normed + (size_t)row * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) yr[i] = xr[i] * inv * scale[i];
}
EMU_REGISTER(embed_rmsnorm)
