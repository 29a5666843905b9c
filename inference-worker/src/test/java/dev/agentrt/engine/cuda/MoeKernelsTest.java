package dev.agentrt.engine.cuda;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MoeKernels} against {@code Mxfp4Matmul} + {@code SwiGlu}: a small shape with several tokens per expert and the gpt-oss-20b shape (32 experts of 5760x2880 and 2880x2880) at batch 1; the TF32 tensor-core kernels with 20 and 150 tokens per expert (several passes) and forced on a small batch. */
class MoeKernelsTest {
    @Test
    void matchesCpuTwinOnTheKernelEmulator() {
        TestGpus.assertPasses(TestGpus.emulator(), k -> List.of(k.moe(6, 96, 64, 4, 2), k.moe(1, 2880, 2880, 32, 4), k.moe(40, 96, 64, 4, 2), k.moe(150, 64, 96, 2, 2), k.moe(6, 320, 256, 8, 2, true)));
    }

    @Test
    void matchesCpuTwinOnTheGpu() {
        TestGpus.assertPasses(TestGpus.cuda(), k -> List.of(k.moe(6, 96, 64, 4, 2), k.moe(1, 2880, 2880, 32, 4), k.moe(40, 96, 64, 4, 2), k.moe(150, 64, 96, 2, 2), k.moe(6, 320, 256, 8, 2, true)));
    }
}
