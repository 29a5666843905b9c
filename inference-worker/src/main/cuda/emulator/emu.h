// CPU emulator of the CUDA execution model, for testing the kernels without a GPU (see common.cuh).
//
// A launch runs the blocks one after the other; inside a block every CUDA thread is a fiber (its own stack,
// switched by a few instructions of assembly). A fiber runs until it reaches a barrier (__syncthreads, a warp
// shuffle, __syncwarp) or ends; a barrier releases when every thread of the block (or warp) that has not ended
// waits on it. __shared__ variables are function statics (blocks never overlap), atomics are plain operations.
// What it does not model: timing, memory coalescing, caches, races between threads that do not meet at a
// barrier (it runs each thread up to its next barrier in one go). x86-64 Linux, g++ only.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>
#include <utility>

#define KERNEL extern "C"
#define DEVFN static inline
#define __device__
#define __global__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))

struct dim3 {
    unsigned x, y, z;
};
struct uint4 {
    unsigned x, y, z, w;
};
struct uint2 {
    unsigned x, y;
};
struct float4 {
    float x, y, z, w;
};
struct float2 {
    float x, y;
};

namespace emu {
extern dim3 g_threadIdx;
extern dim3 g_blockIdx;
extern dim3 g_blockDim;
extern dim3 g_gridDim;

void* dynamic_smem();
void block_barrier();
void warp_barrier();
int lane_id();
int warp_id();
uint64_t* shuffle_slots();  // this warp's 32 slots for the shuffle in progress (double-buffered)
uint32_t* mma_slots();      // this warp's 32 x 8 slots for the mma in progress (double-buffered like the shuffles)
uint64_t* shuffle_slots_read();
void shuffle_done();

using Invoker = std::function<void(void**)>;
void register_kernel(const char* name, Invoker call);

template <typename... A, std::size_t... I>
void invoke(void (*k)(A...), void** args, std::index_sequence<I...>) {
    k(*static_cast<std::remove_cv_t<std::remove_reference_t<A>>*>(args[I])...);
}

struct Registrar {
    template <typename... A>
    Registrar(const char* name, void (*k)(A...)) {
        register_kernel(name, [k](void** args) { invoke(k, args, std::index_sequence_for<A...>{}); });
    }
};

template <typename T>
uint64_t to_bits(T v) {
    static_assert(sizeof(T) <= 8, "shuffle of at most 8 bytes");
    uint64_t b = 0;
    std::memcpy(&b, &v, sizeof(T));
    return b;
}
template <typename T>
T from_bits(uint64_t b) {
    T v;
    std::memcpy(&v, &b, sizeof(T));
    return v;
}
template <typename T>
T shuffle_from(T v, int src_lane) {
    uint64_t* w = shuffle_slots();
    w[lane_id()] = to_bits(v);
    warp_barrier();
    T r = from_bits<T>(shuffle_slots_read()[src_lane & 31]);
    shuffle_done();
    return r;
}
}  // namespace emu

#define threadIdx emu::g_threadIdx
#define blockIdx emu::g_blockIdx
#define blockDim emu::g_blockDim
#define gridDim emu::g_gridDim

#define DYNAMIC_SHARED(T, name) T* name = reinterpret_cast<T*>(emu::dynamic_smem())
#define EMU_REGISTER(name) static emu::Registrar emu_registrar_##name(#name, &name);

static inline void __syncthreads() { emu::block_barrier(); }
static inline void __syncwarp(unsigned = 0xffffffffu) { emu::warp_barrier(); }
static inline void __threadfence() {}
static inline void __threadfence_block() {}

template <typename T>
static inline T __shfl_xor_sync(unsigned, T v, int lane_mask, int = 32) {
    return emu::shuffle_from(v, emu::lane_id() ^ lane_mask);
}
template <typename T>
static inline T __shfl_sync(unsigned, T v, int src, int = 32) {
    return emu::shuffle_from(v, src);
}
template <typename T>
static inline T __shfl_down_sync(unsigned, T v, unsigned delta, int = 32) {
    int src = emu::lane_id() + (int)delta;
    T r = emu::shuffle_from(v, src < 32 ? src : emu::lane_id());
    return r;
}
// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 as a warp-collective operation, with the fragment layout of the
// PTX ISA: groupID g = lane >> 2, t = lane % 4; a: (g, t) (g+8, t) (g, t+4) (g+8, t+4) of the 16x8 A; b: (k t, n g)
// (k t+4, n g) of the 8x8 B; c/d: (g, 2t) (g, 2t+1) (g+8, 2t) (g+8, 2t+1) of the 16x8 C. The tensor core reads the
// top 19 bits of each tf32 operand; products are exact in float32, the sum over k runs in order from c.
static inline void emu_mma_m16n8k8_tf32(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
    uint32_t* slots = emu::mma_slots();
    const int lane = emu::lane_id();
    for (int i = 0; i < 4; i++) slots[lane * 8 + i] = a[i];
    for (int i = 0; i < 2; i++) slots[lane * 8 + 4 + i] = b[i];
    emu::warp_barrier();
    const int g = lane >> 2, t = lane & 3;
    float r[4];
    for (int i = 0; i < 4; i++) {
        const int m = i < 2 ? g : g + 8;
        const int n = 2 * t + (i & 1);
        float acc = d[i];
        for (int k = 0; k < 8; k++) {
            const int a_lane = (m % 8) * 4 + (k % 4);
            const int a_reg = (m >= 8 ? 1 : 0) + (k >= 4 ? 2 : 0);
            const int b_lane = n * 4 + (k % 4);
            const int b_reg = k >= 4 ? 1 : 0;
            float av, bv;
            uint32_t ab = slots[a_lane * 8 + a_reg] & 0xffffe000u, bb = slots[b_lane * 8 + 4 + b_reg] & 0xffffe000u;
            std::memcpy(&av, &ab, 4);
            std::memcpy(&bv, &bb, 4);
            acc += av * bv;
        }
        r[i] = acc;
    }
    emu::shuffle_done();
    for (int i = 0; i < 4; i++) d[i] = r[i];
}

// cvt.rna.tf32.f32: round to 10 mantissa bits, ties away from zero (Inf and NaN kept).
static inline uint32_t emu_cvt_rna_tf32(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7f800000u) == 0x7f800000u) return u;
    return (u + 0x1000u) & 0xffffe000u;
}

static inline unsigned __ballot_sync(unsigned, int pred) {
    uint64_t* w = emu::shuffle_slots();
    w[emu::lane_id()] = pred ? 1 : 0;
    emu::warp_barrier();
    unsigned r = 0;
    uint64_t* rd = emu::shuffle_slots_read();
    for (int i = 0; i < 32; i++) r |= (rd[i] ? 1u : 0u) << i;
    emu::shuffle_done();
    return r;
}

template <typename T>
static inline T __ldg(const T* p) { return *p; }
template <typename T>
static inline T __ldcs(const T* p) { return *p; }
template <typename T>
static inline T __ldcg(const T* p) { return *p; }
template <typename T>
static inline void __stcg(T* p, T v) { *p = v; }

static inline unsigned __float_as_uint(float f) { unsigned u; std::memcpy(&u, &f, 4); return u; }
static inline float __uint_as_float(unsigned u) { float f; std::memcpy(&f, &u, 4); return f; }
static inline int __float_as_int(float f) { int u; std::memcpy(&u, &f, 4); return u; }
static inline float __int_as_float(int u) { float f; std::memcpy(&f, &u, 4); return f; }
static inline float __fdividef(float a, float b) { return a / b; }
static inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
static inline int __popc(unsigned x) { return __builtin_popcount(x); }
static inline int __ffs(int x) { return __builtin_ffs(x); }
static inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned)x); }

static inline int min(int a, int b) { return a < b ? a : b; }
static inline int max(int a, int b) { return a > b ? a : b; }
static inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
static inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
static inline long long min(long long a, long long b) { return a < b ? a : b; }
static inline long long max(long long a, long long b) { return a > b ? a : b; }
static inline float min(float a, float b) { return std::fmin(a, b); }
static inline float max(float a, float b) { return std::fmax(a, b); }

static inline unsigned atomicAdd(unsigned* p, unsigned v) { unsigned o = *p; *p = o + v; return o; }
static inline int atomicAdd(int* p, int v) { int o = *p; *p = o + v; return o; }
static inline float atomicAdd(float* p, float v) { float o = *p; *p = o + v; return o; }
static inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    unsigned long long o = *p; *p = o + v; return o;
}
static inline unsigned atomicExch(unsigned* p, unsigned v) { unsigned o = *p; *p = v; return o; }
static inline int atomicMax(int* p, int v) { int o = *p; if (v > o) *p = v; return o; }
static inline unsigned atomicMax(unsigned* p, unsigned v) { unsigned o = *p; if (v > o) *p = v; return o; }
