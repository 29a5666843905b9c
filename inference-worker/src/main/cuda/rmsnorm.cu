// RMSNorm (spec §6.2): y = x / sqrt(mean(x^2) + eps) * scale, float32, no bias.
#include "common.cuh"

// Row r: y[r * y_stride ..] = RMSNorm(x[r * x_stride ..]) * scale. grid (rows), block (256).
KERNEL void rmsnorm(const float* __restrict__ x, int x_stride, const float* __restrict__ scale, float eps, int dim,
                    float* __restrict__ y, int y_stride) {
    __shared__ float scratch[32];
    const float* xr = x + (size_t)blockIdx.x * x_stride;
    const float inv = rms_inverse(xr, dim, eps, scratch);
    float* yr = y + (size_t)blockIdx.x * y_stride;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) yr[i] = xr[i] * inv * scale[i];
}
EMU_REGISTER(rmsnorm)
