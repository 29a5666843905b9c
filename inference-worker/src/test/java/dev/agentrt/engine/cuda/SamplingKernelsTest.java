package dev.agentrt.engine.cuda;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SamplingKernels}: greedy and top-k 1 equal the CPU argmax (ties to the lower id); sampled ids lie in the set the CPU sampler keeps under top-k / top-p. */
class SamplingKernelsTest {
    @Test
    void matchesCpuTwinOnTheKernelEmulator() {
        TestGpus.assertPasses(TestGpus.emulator(), k -> k.sampling());
    }

    @Test
    void matchesCpuTwinOnTheGpu() {
        TestGpus.assertPasses(TestGpus.cuda(), k -> k.sampling());
    }
}
