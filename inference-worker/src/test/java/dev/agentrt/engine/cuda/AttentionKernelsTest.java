package dev.agentrt.engine.cuda;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AttentionKernels} against the CPU engine's {@code AttentionKernel.attend}: full and banded layers, single and multi-split rows (and the split counters reset), GQA groups of 2 to 8, head dims 16/64/128, float32 and BF16 caches, pages out of order. */
class AttentionKernelsTest {
    @Test
    void matchesCpuTwinOnTheKernelEmulator() {
        TestGpus.assertPasses(TestGpus.emulator(), k -> List.of(k.attention(false, 0, 2, 64, 16, 2), k.attention(false, 40, 1, 64, 8, 1), k.attention(false, 0, 3, 16, 4, 2), k.attention(true, 0, 2, 64, 8, 1), k.attention(true, 128, 8, 64, 8, 1), k.attention(false, 0, 64, 128, 8, 4)));
    }

    @Test
    void matchesCpuTwinOnTheGpu() {
        TestGpus.assertPasses(TestGpus.cuda(), k -> List.of(k.attention(false, 0, 2, 64, 16, 2), k.attention(false, 40, 1, 64, 8, 1), k.attention(false, 0, 3, 16, 4, 2), k.attention(true, 0, 2, 64, 8, 1), k.attention(true, 128, 8, 64, 8, 1), k.attention(false, 0, 64, 128, 8, 4)));
    }
}
