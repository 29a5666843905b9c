package dev.agentrt.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The build put every kernel the wrappers launch into the jar (PTX and fatbin) and into the emulator. */
class KernelArtifactsTest {
    @Test
    void everyEntryPointIsInTheBuiltPtxAndFatbin() {
        assumeTrue(KernelCatalog.built(), "the kernel build was skipped (no nvcc, or -Dcuda.skip=true)");
        for (Map.Entry<String, List<String>> family : KernelCatalog.EXPECTED.entrySet()) {
            assertThat(KernelCatalog.ptxEntries(family.getKey())).as("entry points of %s.ptx", family.getKey())
                    .containsAll(family.getValue());
            assertThat(getClass().getResource("/cuda/" + family.getKey() + ".fatbin")).as("%s.fatbin", family.getKey())
                    .isNotNull();
        }
    }

    @Test
    void everyEntryPointIsInTheEmulator() {
        try (EmulatedGpu gpu = TestGpus.emulator()) {
            for (List<String> names : KernelCatalog.EXPECTED.values()) {
                assertThat(gpu.entryPoints()).containsAll(names);
            }
        }
    }

    @Test
    void ptxVersionIsLoweredOnlyForOlderDrivers() {
        String ptx = "//\n.version 9.0\n.target sm_80\n";
        assertThat(KernelModules.lowerPtxVersion(ptx, 12040)).contains(".version 8.4").doesNotContain("9.0");
        assertThat(KernelModules.lowerPtxVersion(ptx, 12090)).contains(".version 8.8");
        assertThat(KernelModules.lowerPtxVersion(ptx, 13000)).isNull();
        assertThat(KernelModules.lowerPtxVersion(ptx, 0)).isNull();
        assertThat(KernelModules.lowerPtxVersion(ptx, 11020)).isNull();
    }
}
