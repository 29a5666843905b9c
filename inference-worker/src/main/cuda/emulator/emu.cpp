// The emulator's scheduler: fibers, barriers, the kernel registry and the C entry points the Java side calls
// (dev.agentrt.engine.cuda.EmulatedGpu, through the FFM API). See emu.h.
#include "emu.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace emu {
dim3 g_threadIdx;
dim3 g_blockIdx;
dim3 g_blockDim;
dim3 g_gridDim;

namespace {
enum State { RUNNABLE, AT_BLOCK_BARRIER, AT_WARP_BARRIER, DONE };

struct Fiber {
    void* sp;
    State state;
    dim3 tid;
    int linear;
    unsigned shuffle_seq;
};

constexpr std::size_t STACK_BYTES = 256 * 1024;

std::map<std::string, Invoker>& registry() {
    static std::map<std::string, Invoker> r;
    return r;
}

std::vector<Fiber> fibers;
std::vector<char*> stacks;
void* scheduler_sp;
int current = -1;
const Invoker* current_kernel;
void** current_args;
std::vector<unsigned char> smem;
// [warp][parity][lane]
std::vector<uint64_t> shuffle_buffer;
// [warp][parity][lane][8]
std::vector<uint32_t> mma_buffer;
}  // namespace
}  // namespace emu

extern "C" void agentrt_emu_switch(void** save_sp, void* load_sp);
asm(R"(
.text
.globl agentrt_emu_switch
.hidden agentrt_emu_switch
.type agentrt_emu_switch,@function
agentrt_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
.size agentrt_emu_switch,.-agentrt_emu_switch
)");

namespace emu {
namespace {
void yield_to_scheduler() { agentrt_emu_switch(&fibers[current].sp, scheduler_sp); }

void fiber_main() {
    (*current_kernel)(current_args);
    fibers[current].state = DONE;
    yield_to_scheduler();
    std::abort();  // a finished fiber is never resumed
}

void* fresh_stack(int i) {
    while ((int)stacks.size() <= i) stacks.push_back(static_cast<char*>(std::aligned_alloc(64, STACK_BYTES)));
    uintptr_t top = (reinterpret_cast<uintptr_t>(stacks[i]) + STACK_BYTES) & ~uintptr_t(15);
    uintptr_t* sp = reinterpret_cast<uintptr_t*>(top);
    *--sp = 0;  // fake return address of fiber_main: keeps the ABI's 16-byte alignment at its entry
    *--sp = reinterpret_cast<uintptr_t>(&fiber_main);
    for (int r = 0; r < 6; r++) *--sp = 0;  // rbp rbx r12 r13 r14 r15
    return sp;
}

// Runs one block to the end. Returns an empty string or what went wrong.
std::string run_block(int threads) {
    fibers.assign(threads, Fiber{});
    for (int i = 0; i < threads; i++) {
        Fiber& f = fibers[i];
        f.sp = fresh_stack(i);
        f.state = RUNNABLE;
        f.linear = i;
        f.tid.x = i % g_blockDim.x;
        f.tid.y = (i / g_blockDim.x) % g_blockDim.y;
        f.tid.z = i / (g_blockDim.x * g_blockDim.y);
        f.shuffle_seq = 0;
    }
    const int warps = (threads + 31) / 32;
    for (;;) {
        for (int i = 0; i < threads; i++) {
            if (fibers[i].state != RUNNABLE) continue;
            current = i;
            g_threadIdx = fibers[i].tid;
            agentrt_emu_switch(&scheduler_sp, fibers[i].sp);
        }
        current = -1;
        int done = 0, at_block = 0;
        for (const Fiber& f : fibers) {
            done += f.state == DONE;
            at_block += f.state == AT_BLOCK_BARRIER;
        }
        if (done == threads) return "";
        bool released = false;
        if (at_block > 0 && at_block + done == threads) {
            for (Fiber& f : fibers)
                if (f.state == AT_BLOCK_BARRIER) f.state = RUNNABLE;
            released = true;
        }
        for (int w = 0; w < warps; w++) {
            int live = 0, waiting = 0;
            for (int l = w * 32; l < threads && l < w * 32 + 32; l++) {
                live += fibers[l].state != DONE;
                waiting += fibers[l].state == AT_WARP_BARRIER;
            }
            if (waiting > 0 && waiting == live) {
                for (int l = w * 32; l < threads && l < w * 32 + 32; l++)
                    if (fibers[l].state == AT_WARP_BARRIER) fibers[l].state = RUNNABLE;
                released = true;
            }
        }
        if (!released) {
            char msg[200];
            std::snprintf(msg, sizeof msg,
                          "deadlock in block (%u,%u,%u): %d of %d threads wait on __syncthreads, the others on a warp "
                          "barrier or have ended (divergent barrier)",
                          g_blockIdx.x, g_blockIdx.y, g_blockIdx.z, at_block, threads);
            return msg;
        }
    }
}
}  // namespace

void* dynamic_smem() { return smem.data(); }

void block_barrier() {
    fibers[current].state = AT_BLOCK_BARRIER;
    yield_to_scheduler();
}

void warp_barrier() {
    fibers[current].state = AT_WARP_BARRIER;
    yield_to_scheduler();
}

int lane_id() { return fibers[current].linear & 31; }
int warp_id() { return fibers[current].linear >> 5; }

uint64_t* shuffle_slots() {
    const Fiber& f = fibers[current];
    return &shuffle_buffer[((f.linear >> 5) * 2 + (f.shuffle_seq & 1)) * 32];
}
uint64_t* shuffle_slots_read() { return shuffle_slots(); }

uint32_t* mma_slots() {
    const Fiber& f = fibers[current];
    return &mma_buffer[((f.linear >> 5) * 2 + (f.shuffle_seq & 1)) * 32 * 8];
}
void shuffle_done() { fibers[current].shuffle_seq++; }

void register_kernel(const char* name, Invoker call) { registry()[name] = std::move(call); }
}  // namespace emu

extern "C" {

// 0 on success; otherwise writes the reason to err.
int agentrt_emu_launch(const char* name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                       unsigned smem_bytes, void** args, char* err, int err_len) {
    using namespace emu;
    auto it = registry().find(name);
    if (it == registry().end()) {
        std::snprintf(err, err_len, "no kernel named %s in the emulator", name);
        return 1;
    }
    unsigned threads = bx * by * bz;
    if (threads == 0 || threads > 1024 || gx == 0 || gy == 0 || gz == 0 || gy > 65535 || gz > 65535) {
        std::snprintf(err, err_len, "invalid launch of %s: grid (%u,%u,%u), block (%u,%u,%u)", name, gx, gy, gz, bx,
                      by, bz);
        return 2;
    }
    if (smem_bytes > 227 * 1024) {
        std::snprintf(err, err_len, "%s asks for %u bytes of dynamic shared memory (the limit is 227 KiB)", name,
                      smem_bytes);
        return 2;
    }
    smem.assign(smem_bytes + 16, 0xff);  // uninitialised shared memory reads as NaN
    shuffle_buffer.assign(((threads + 31) / 32) * 2 * 32, 0);
    mma_buffer.assign(((threads + 31) / 32) * 2 * 32 * 8, 0);
    g_blockDim = dim3{bx, by, bz};
    g_gridDim = dim3{gx, gy, gz};
    current_kernel = &it->second;
    current_args = args;
    for (unsigned z = 0; z < gz; z++)
        for (unsigned y = 0; y < gy; y++)
            for (unsigned x = 0; x < gx; x++) {
                g_blockIdx = dim3{x, y, z};
                std::string problem = run_block((int)threads);
                if (!problem.empty()) {
                    std::snprintf(err, err_len, "%s: %s", name, problem.c_str());
                    return 3;
                }
            }
    return 0;
}

// Device memory: host memory filled with 0xff bytes (NaN as float), so that reading what was never written shows.
void* agentrt_emu_alloc(unsigned long long bytes) {
    unsigned long long n = (bytes + 255) & ~255ull;
    void* p = std::aligned_alloc(256, n == 0 ? 256 : n);
    if (p != nullptr) std::memset(p, 0xff, n == 0 ? 256 : n);
    return p;
}

void agentrt_emu_free(void* p) { std::free(p); }

// Writes the registered entry points, one per line; returns the length needed.
int agentrt_emu_kernels(char* buf, int len) {
    std::string all;
    for (const auto& e : emu::registry()) all += e.first + "\n";
    if (buf != nullptr && len > 0) {
        std::snprintf(buf, len, "%s", all.c_str());
    }
    return (int)all.size() + 1;
}
}
