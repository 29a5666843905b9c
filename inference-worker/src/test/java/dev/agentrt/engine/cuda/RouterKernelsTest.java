package dev.agentrt.engine.cuda;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RouterKernels} against {@code RmsNorm} + {@code Bf16Matmul} + {@code Router.select}, and the grouping of assignments by expert. */
class RouterKernelsTest {
    @Test
    void matchesCpuTwinOnTheKernelEmulator() {
        TestGpus.assertPasses(TestGpus.emulator(), k -> List.of(k.router(7, 320, 32, 4), k.router(3, 64, 4, 2)));
    }

    @Test
    void matchesCpuTwinOnTheGpu() {
        TestGpus.assertPasses(TestGpus.cuda(), k -> List.of(k.router(7, 320, 32, 4), k.router(3, 64, 4, 2)));
    }
}
