package dev.agentrt.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentrt.engine.cuda.check.KernelChecks;
import java.util.List;
import java.util.function.Function;

/**
 * Where the kernel tests run: the CPU emulator of the kernels (built by Maven from the same sources when g++ is
 * there) and a real GPU when the machine has one. Each is skipped, with the reason, when it is not available.
 */
final class TestGpus {
    private TestGpus() {
    }

    static EmulatedGpu emulator() {
        var lib = EmulatedGpu.library();
        assumeTrue(lib.isPresent(), "no kernel emulator (target/cuda-emulator; built only where g++ exists)");
        return EmulatedGpu.open(lib.get());
    }

    static CudaGpu cuda() {
        CudaProbe.Result probe = CudaProbe.probe();
        assumeTrue(probe.available(), "no GPU: " + probe.reason());
        assumeTrue(KernelCatalog.built(), "no CUDA kernels in this build (nvcc missing or -Dcuda.skip=true)");
        return CudaGpu.open(0);
    }

    /** Runs checks on a GPU and asserts that every one passed. */
    static void assertPasses(Gpu gpu, Function<KernelChecks, List<KernelChecks.Check>> checks) {
        try (gpu; KernelChecks k = new KernelChecks(gpu, 20240607L)) {
            for (KernelChecks.Check c : checks.apply(k)) {
                assertThat(c.passed()).as("%s on %s", c, gpu.name()).isTrue();
            }
        }
    }
}
