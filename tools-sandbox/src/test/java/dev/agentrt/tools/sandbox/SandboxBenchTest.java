package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One pass of the bench: every figure is measured from a real run and none is negative. */
class SandboxBenchTest {

    @Test
    void benchMeasuresEveryFigureOnce() {
        SandboxConfig config = SandboxConfig.defaults("test-bench").withUidBase(62500).withSlots(1)
                .withMinimumTier(Tier.A);
        try (SandboxRuntime runtime = SandboxRuntime.start(config)) {
            List<SandboxBench.Figure> figures = new SandboxBench(runtime, 1).run();
            assertThat(figures).extracting(SandboxBench.Figure::name).contains(
                    "spawn overhead per call (incl. setup+sweep)", "kill latency after wall deadline (kill->exit)",
                    "kill latency after output cap", "OOM kill after the last completed 64 MiB step",
                    "sweep after every call");
            for (SandboxBench.Figure f : figures) {
                assertThat(f.samplesMs()).isNotEmpty();
                if (!f.name().startsWith("spawn overhead")) { // may be negative against a slow reference run
                    assertThat(f.percentile(0)).as(f.name()).isGreaterThanOrEqualTo(0);
                }
                assertThat(f.line()).startsWith(f.name());
            }
            assertThat(runtime.pool().retired()).isEmpty();
        }
    }
}
