// Shared helpers of the agentrt CUDA kernels (one .cu file per kernel family, see README.md in this folder).
//
// Every file compiles two ways:
//  * with nvcc (__CUDACC__ defined): real kernels, shipped as fatbin/PTX in the jar;
//  * with g++ against emulator/emu.h: the same source runs on the CPU, one fiber per CUDA thread, with real
//    block barriers and warp shuffles. The tests use it to check every kernel against its CPU twin where there
//    is no GPU. It checks the logic (indexing, reductions, masking, barriers), not speed.
#pragma once

#if defined(__CUDACC__)
#include <stdint.h>
#define KERNEL extern "C" __global__
#define DEVFN __device__ __forceinline__
// Dynamic shared memory as a typed pointer (the emulator provides its own buffer).
#define DYNAMIC_SHARED(T, name)                                        \
    extern __shared__ __align__(16) unsigned char agentrt_dynamic_smem[]; \
    T* name = reinterpret_cast<T*>(agentrt_dynamic_smem)
// Emulator registration of an entry point; nothing on the GPU.
#define EMU_REGISTER(name)
#else
#include "emulator/emu.h"
#endif

#define FULL_MASK 0xffffffffu
#define WARP 32

// Positions per KV cache page. The host side (CudaKvCache) uses the same value.
#define KV_PAGE 32

// ---- BF16 (upper 16 bits of an IEEE float32) ----

DEVFN float bf16_to_float(uint16_t b) { return __uint_as_float(((uint32_t)b) << 16); }
// Element 0 (low half) and element 1 (high half) of two packed little-endian BF16 values.
DEVFN float bf16_lo(uint32_t w) { return __uint_as_float(w << 16); }
DEVFN float bf16_hi(uint32_t w) { return __uint_as_float(w & 0xffff0000u); }

// Round-to-nearest-even float32 -> BF16 (NaN stays NaN), as dev.agentrt.model.Bf16.fromFloat.
DEVFN uint16_t float_to_bf16(float f) {
    uint32_t bits = __float_as_uint(f);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        return (uint16_t)((bits >> 16) | 0x40u);
    }
    return (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

// The 8 BF16 values of a 16-byte load.
DEVFN void unpack_bf16x8(const uint4& w, float (&f)[8]) {
    f[0] = bf16_lo(w.x); f[1] = bf16_hi(w.x);
    f[2] = bf16_lo(w.y); f[3] = bf16_hi(w.y);
    f[4] = bf16_lo(w.z); f[5] = bf16_hi(w.z);
    f[6] = bf16_lo(w.w); f[7] = bf16_hi(w.w);
}

// ---- KV cache element type: float32 (exact, for parity) or BF16 (half the memory and bandwidth) ----

DEVFN float kv_load(const float* p) { return *p; }
DEVFN float kv_load(const uint16_t* p) { return bf16_to_float(*p); }
DEVFN void kv_store(float* p, float v) { *p = v; }
DEVFN void kv_store(uint16_t* p, float v) { *p = float_to_bf16(v); }

// ---- tensor cores (sm_80+): TF32 mma.sync m16n8k8 with float32 accumulation ----

// Round to TF32 (10 mantissa bits, ties away from zero): what the tensor core reads exactly.
DEVFN uint32_t to_tf32(float f) {
#if defined(__CUDACC__)
    uint32_t r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(f));
    return r;
#else
    return emu_cvt_rna_tf32(f);
#endif
}

// d += A (16x8, row) * B (8x8, col), float32 accumulators; fragment layout of the PTX ISA (see emulator/emu.h).
DEVFN void mma_tf32(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
#if defined(__CUDACC__)
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#else
    emu_mma_m16n8k8_tf32(d, a, b);
#endif
}

// ---- reductions ----

DEVFN float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
    return v;
}

DEVFN float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, o));
    return v;
}

// Sum over the block (blockDim.x a multiple of 32, at most 1024); every thread gets the result.
// scratch: 32 floats of shared memory. Contains two barriers: call it from every thread.
DEVFN float block_sum(float v, float* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float t = lane < warps ? scratch[lane] : 0.0f;
    return warp_sum(t);
}

DEVFN float block_max(float v, float* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float t = lane < warps ? scratch[lane] : -INFINITY;
    return warp_max(t);
}

// RMSNorm of one row held in global memory, as dev.agentrt.engine.cpu.RmsNorm: the inverse root of the mean square
// (sum in float32), then y = x * inv * scale. Returns inv; the caller writes y.
DEVFN float rms_inverse(const float* x, int n, float eps, float* scratch) {
    float ss = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float v = x[i];
        ss += v * v;
    }
    ss = block_sum(ss, scratch);
    float ms = ss / (float)n + eps;
    return 1.0f / sqrtf(ms);
}
