package dev.agentrt.engine.cuda;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RopeKernels} against {@code Rope.table}/{@code rotate}, and the KV cache layout ({@link KvLayout#element}) for both element types. */
class RopeKernelsTest {
    @Test
    void matchesCpuTwinOnTheKernelEmulator() {
        TestGpus.assertPasses(TestGpus.emulator(), k -> List.of(k.ropeKv(false), k.ropeKv(true)));
    }

    @Test
    void matchesCpuTwinOnTheGpu() {
        TestGpus.assertPasses(TestGpus.cuda(), k -> List.of(k.ropeKv(false), k.ropeKv(true)));
    }
}
