// YaRN RoPE on q and k (spec §7) and the KV cache write (spec §8.3): half-split (NeoX) rotation with the host's
// float32 tables, keys stored after RoPE, values as computed.
#include "common.cuh"

// KV cache layout (shared with attention.cu and dev.agentrt.engine.cuda.CudaKvCache): pages of KV_PAGE positions;
// page p holds, for every layer and for K then V, kv_heads blocks of [KV_PAGE, head_dim]:
//   element (p, layer, kind, head, slot, j) at ((((p * layers + layer) * 2 + kind) * kv_heads + head) * KV_PAGE + slot) * head_dim + j
// A sequence's page table row lists its pages; row r of the step uses row row_seq[r] of page_table.
template <typename KV>
DEVFN void rope_kv_impl(float* __restrict__ qkv, int qkv_stride, const float* __restrict__ cos_t,
                        const float* __restrict__ sin_t, const int* __restrict__ positions,
                        const int* __restrict__ row_seq, const int* __restrict__ page_table, int pages_per_seq,
                        KV* __restrict__ kv, int layer, int layers, int heads, int kv_heads, int head_dim) {
    const int row = blockIdx.x;
    const int pos = positions[row];
    const int half = head_dim / 2;
    float* v = qkv + (size_t)row * qkv_stride;
    const float* c = cos_t + (size_t)pos * half;
    const float* s = sin_t + (size_t)pos * half;
    const int page = page_table[(size_t)row_seq[row] * pages_per_seq + pos / KV_PAGE];
    const int slot = pos % KV_PAGE;
    const size_t head_block = (size_t)KV_PAGE * head_dim;
    KV* kbase = kv + (((size_t)page * layers + layer) * 2 + 0) * kv_heads * head_block + (size_t)slot * head_dim;
    KV* vbase = kv + (((size_t)page * layers + layer) * 2 + 1) * kv_heads * head_block + (size_t)slot * head_dim;
    for (int idx = threadIdx.x; idx < heads * half; idx += blockDim.x) {
        const int h = idx / half, i = idx % half;
        float* q = v + h * head_dim;
        const float x1 = q[i], x2 = q[half + i];
        q[i] = x1 * c[i] - x2 * s[i];
        q[half + i] = x2 * c[i] + x1 * s[i];
    }
    const float* k = v + heads * head_dim;
    for (int idx = threadIdx.x; idx < kv_heads * half; idx += blockDim.x) {
        const int g = idx / half, i = idx % half;
        const float x1 = k[g * head_dim + i], x2 = k[g * head_dim + half + i];
        kv_store(kbase + g * head_block + i, x1 * c[i] - x2 * s[i]);
        kv_store(kbase + g * head_block + half + i, x2 * c[i] + x1 * s[i]);
    }
    const float* vv = v + (heads + kv_heads) * head_dim;
    for (int idx = threadIdx.x; idx < kv_heads * head_dim; idx += blockDim.x) {
        const int g = idx / head_dim, j = idx % head_dim;
        kv_store(vbase + g * head_block + j, vv[idx]);
    }
}

// grid (rows), block (128).
#define ROPE_KV(SUFFIX, KV)                                                                                       \
    KERNEL void rope_kv_##SUFFIX(float* __restrict__ qkv, int qkv_stride, const float* __restrict__ cos_t,         \
                                 const float* __restrict__ sin_t, const int* __restrict__ positions,               \
                                 const int* __restrict__ row_seq, const int* __restrict__ page_table,             \
                                 int pages_per_seq, KV* __restrict__ kv, int layer, int layers, int heads,         \
                                 int kv_heads, int head_dim) {                                                    \
        rope_kv_impl<KV>(qkv, qkv_stride, cos_t, sin_t, positions, row_seq, page_table, pages_per_seq, kv, layer, \
                         layers, heads, kv_heads, head_dim);                                                      \
    }                                                                                                             \
    EMU_REGISTER(rope_kv_##SUFFIX)

ROPE_KV(f32, float)
ROPE_KV(bf16, uint16_t)
