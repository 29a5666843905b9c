package dev.agentrt.engine.cuda;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link EmbeddingKernels} against {@code Embedding.lookup} + {@code RmsNorm.apply}. */
class EmbeddingKernelsTest {
    @Test
    void matchesCpuTwinOnTheKernelEmulator() {
        TestGpus.assertPasses(TestGpus.emulator(), k -> List.of(k.embedding()));
    }

    @Test
    void matchesCpuTwinOnTheGpu() {
        TestGpus.assertPasses(TestGpus.cuda(), k -> List.of(k.embedding()));
    }
}
