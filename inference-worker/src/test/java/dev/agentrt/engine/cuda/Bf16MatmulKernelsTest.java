package dev.agentrt.engine.cuda;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Bf16MatmulKernels} against {@code Bf16Matmul}: 1 to 9 tokens (every variant and the multi-pass path), accumulate, rows longer than the register cache, many short rows; the TF32 tensor-core kernel from 16 tokens (several token tiles, k not a multiple of its chunk, rows not a multiple of its tile), and the CUDA-core kernel at 20 tokens. */
class Bf16MatmulKernelsTest {
    @Test
    void matchesCpuTwinOnTheKernelEmulator() {
        TestGpus.assertPasses(TestGpus.emulator(), k -> List.of(k.bf16Matmul(333, 2880, 1, false), k.bf16Matmul(333, 2880, 2, false), k.bf16Matmul(333, 2880, 3, true), k.bf16Matmul(333, 2880, 9, false), k.bf16Matmul(40, 4104, 3, false), k.bf16Matmul(5120, 64, 2, false), k.bf16Matmul(333, 2880, 16, false), k.bf16Matmul(333, 2880, 37, true), k.bf16Matmul(200, 200, 130, false), k.bf16Matmul(40, 2880, 20, false, false)));
    }

    @Test
    void matchesCpuTwinOnTheGpu() {
        TestGpus.assertPasses(TestGpus.cuda(), k -> List.of(k.bf16Matmul(333, 2880, 1, false), k.bf16Matmul(333, 2880, 2, false), k.bf16Matmul(333, 2880, 3, true), k.bf16Matmul(333, 2880, 9, false), k.bf16Matmul(40, 4104, 3, false), k.bf16Matmul(5120, 64, 2, false), k.bf16Matmul(333, 2880, 16, false), k.bf16Matmul(333, 2880, 37, true), k.bf16Matmul(200, 200, 130, false), k.bf16Matmul(40, 2880, 20, false, false)));
    }
}
