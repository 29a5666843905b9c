// Token choice on the device (greedy argmax, temperature / top-k / top-p sampling), so that only the chosen id
// crosses the bus per step.
#include "common.cuh"

constexpr int SAMPLE_THREADS = 1024;
constexpr float MASS_ONE = 1099511627776.0f;  // 2^40: fixed-point probability mass (exact, order-independent sums)

// An unsigned key with the order of the float (larger float, larger key).
DEVFN unsigned order_key(float f) {
    const unsigned u = __float_as_uint(f);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

DEVFN unsigned long long warp_sum_u64(unsigned long long v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
    return v;
}

DEVFN unsigned long long block_sum_u64(unsigned long long v, unsigned long long* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_sum_u64(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    unsigned long long t = lane < warps ? scratch[lane] : 0ull;
    return warp_sum_u64(t);
}

// Row r of logits (row stride ld, vocab entries). params[r * 4 ..] = {temperature, top_p, uniform, top_k}:
//  * temperature 0: argmax, ties to the lower id (as dev.agentrt.generate.Sampler);
//  * otherwise p_i = exp((l_i - max) / temperature), kept: the top_k largest logits (top_k 0 = all), then the
//    smallest set of the largest whose mass reaches top_p of the kept mass (top_p 1 = all); both thresholds are found
//    by radix select over order_key (ties at a threshold are all kept); the token is where the running sum of kept
//    p in id order first exceeds uniform * (kept mass), uniform being the host's draw in [0, 1) from the sequence's
//    seeded stream. Same distribution as the CPU sampler, which walks the same mass in sorted order instead.
// out[r] = the id. grid (rows), block (1024).
KERNEL void __launch_bounds__(1024) sample_tokens(const float* __restrict__ logits, int ld, int vocab,
                                                  const float* __restrict__ params, int* __restrict__ out) {
    __shared__ float fscratch[32];
    __shared__ int iscratch[32];
    __shared__ unsigned long long uscratch[32];
    __shared__ unsigned hist[256];
    __shared__ unsigned long long mass[256];
    __shared__ unsigned sel_prefix;
    __shared__ unsigned long long sel_remaining;
    __shared__ float chunk_prefix[SAMPLE_THREADS];

    const int row = blockIdx.x;
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, warps = blockDim.x >> 5;
    const float* l = logits + (size_t)row * ld;
    const float temperature = params[row * 4], top_p = params[row * 4 + 1], uniform = params[row * 4 + 2];
    const int top_k = (int)params[row * 4 + 3];

    // argmax (lowest id among equal maxima)
    float best = -INFINITY;
    int best_id = vocab;
    for (int i = tid; i < vocab; i += blockDim.x) {
        const float v = l[i];
        if (best_id == vocab || v > best) {
            best = v;
            best_id = i;
        }
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        const float ov = __shfl_xor_sync(FULL_MASK, best, o);
        const int oi = __shfl_xor_sync(FULL_MASK, best_id, o);
        if (oi < vocab && (best_id == vocab || ov > best || (ov == best && oi < best_id))) {
            best = ov;
            best_id = oi;
        }
    }
    if (lane == 0) {
        fscratch[warp] = best;
        iscratch[warp] = best_id;
    }
    __syncthreads();
    if (tid == 0) {
        for (int w = 1; w < warps; w++) {
            const float ov = fscratch[w];
            const int oi = iscratch[w];
            if (oi < vocab && (best_id == vocab || ov > best || (ov == best && oi < best_id))) {
                best = ov;
                best_id = oi;
            }
        }
        fscratch[0] = best;
        iscratch[0] = best_id;
    }
    __syncthreads();
    const float mx = fscratch[0];
    const int argmax = iscratch[0];
    if (!(temperature > 0.0f)) {
        if (tid == 0) out[row] = argmax < vocab ? argmax : 0;
        return;
    }
    __syncthreads();

    unsigned threshold = 0;  // keep order_key >= threshold
    if (top_k > 0 && top_k < vocab) {
        // radix select of the top_k-th largest key, 8 bits at a time from the top
        unsigned prefix = 0, mask = 0;
        unsigned remaining = (unsigned)top_k;
        for (int shift = 24; shift >= 0; shift -= 8) {
            for (int b = tid; b < 256; b += blockDim.x) hist[b] = 0;
            __syncthreads();
            for (int i = tid; i < vocab; i += blockDim.x) {
                const unsigned key = order_key(l[i]);
                if ((key & mask) == prefix) atomicAdd(&hist[(key >> shift) & 255u], 1u);
            }
            __syncthreads();
            if (tid == 0) {
                unsigned cum = 0;
                int b = 255;
                for (; b > 0; b--) {
                    if (cum + hist[b] >= remaining) break;
                    cum += hist[b];
                }
                sel_prefix = prefix | ((unsigned)b << shift);
                sel_remaining = remaining - cum;
            }
            __syncthreads();
            prefix = sel_prefix;
            remaining = (unsigned)sel_remaining;
            mask |= 255u << shift;
            __syncthreads();
        }
        threshold = prefix;
    }
    const float inv_t = 1.0f / temperature;
    if (top_p < 1.0f) {
        unsigned long long part = 0;
        for (int i = tid; i < vocab; i += blockDim.x) {
            const float v = l[i];
            if (order_key(v) >= threshold) part += (unsigned long long)(expf((v - mx) * inv_t) * MASS_ONE);
        }
        const unsigned long long total = block_sum_u64(part, uscratch);
        unsigned long long remaining = (unsigned long long)ceil((double)top_p * (double)total);
        if (remaining == 0) remaining = 1;
        unsigned prefix = 0, mask = 0;
        for (int shift = 24; shift >= 0; shift -= 8) {
            for (int b = tid; b < 256; b += blockDim.x) mass[b] = 0;
            __syncthreads();
            for (int i = tid; i < vocab; i += blockDim.x) {
                const float v = l[i];
                const unsigned key = order_key(v);
                if (key >= threshold && (key & mask) == prefix) {
                    atomicAdd(&mass[(key >> shift) & 255u], (unsigned long long)(expf((v - mx) * inv_t) * MASS_ONE));
                }
            }
            __syncthreads();
            if (tid == 0) {
                unsigned long long cum = 0;
                int b = 255;
                int lowest = -1;
                for (int c = 0; c < 256; c++)
                    if (mass[c] > 0) {
                        lowest = c;
                        break;
                    }
                for (; b >= 0; b--) {
                    if (cum + mass[b] >= remaining) break;
                    cum += mass[b];
                }
                if (b < 0) {  // rounding: keep everything still in the race
                    b = lowest < 0 ? 0 : lowest;
                    cum = 0;
                    for (int c = 255; c > b; c--) cum += mass[c];
                }
                sel_prefix = prefix | ((unsigned)b << shift);
                sel_remaining = remaining > cum ? remaining - cum : 1;
            }
            __syncthreads();
            prefix = sel_prefix;
            remaining = sel_remaining;
            mask |= 255u << shift;
            __syncthreads();
        }
        if (prefix > threshold) threshold = prefix;
    }

    // The draw: contiguous chunks per thread, their sums scanned, the crossing found in id order.
    const int chunk = (vocab + blockDim.x - 1) / blockDim.x;
    const int begin = min(vocab, tid * chunk), end = min(vocab, begin + chunk);
    float csum = 0.0f;
    int last_kept = -1;
    for (int i = begin; i < end; i++) {
        const float v = l[i];
        if (order_key(v) >= threshold) {
            csum += expf((v - mx) * inv_t);
            last_kept = i;
        }
    }
    chunk_prefix[tid] = csum;
    __syncthreads();
    if (tid < warps) {  // each of the first 32 threads sums one warp's chunks
        float s = 0.0f;
        for (int j = 0; j < 32; j++) s += chunk_prefix[tid * 32 + j];
        fscratch[tid] = s;
    }
    __syncthreads();
    if (tid == 0) {
        float s = 0.0f;
        for (int w = 0; w < warps; w++) {
            const float t = fscratch[w];
            fscratch[w] = s;  // exclusive prefix of warp w
            s += t;
        }
    }
    __syncthreads();
    float before = fscratch[warp];
    for (int j = 0; j < lane; j++) before += chunk_prefix[warp * 32 + j];
    float kept_total = 0.0f;
    if (tid == (int)blockDim.x - 1) kept_total = before + csum;
    __syncthreads();
    if (tid == (int)blockDim.x - 1) fscratch[0] = kept_total;
    // the last kept id: the fallback when rounding leaves the target past every partial sum
    int lk = last_kept;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) lk = max(lk, __shfl_xor_sync(FULL_MASK, lk, o));
    if (lane == 0) iscratch[warp] = lk;
    __syncthreads();
    const float target = uniform * fscratch[0];
    int pick = vocab;
    if (before <= target && target < before + csum) {
        float acc = before;
        for (int i = begin; i < end; i++) {
            const float v = l[i];
            if (order_key(v) >= threshold) {
                acc += expf((v - mx) * inv_t);
                if (target < acc) {
                    pick = i;
                    break;
                }
            }
        }
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) pick = min(pick, __shfl_xor_sync(FULL_MASK, pick, o));
    __shared__ int picks[32];
    if (lane == 0) picks[warp] = pick;
    __syncthreads();
    if (tid == 0) {
        int p = vocab, lastk = -1;
        for (int w = 0; w < warps; w++) {
            p = min(p, picks[w]);
            lastk = max(lastk, iscratch[w]);
        }
        out[row] = p < vocab ? p : (lastk >= 0 ? lastk : argmax);
    }
}
EMU_REGISTER(sample_tokens)
