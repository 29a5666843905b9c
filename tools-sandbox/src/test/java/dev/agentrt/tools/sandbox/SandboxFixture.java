package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One real tier-A sandbox runtime for a test class (instance "test", uids from 62000). */
final class SandboxFixture implements AutoCloseable {

    static final String INSTANCE = "test";
    static final int UID_BASE = 62000;

    final SandboxRuntime runtime;
    final ToolExecutor executor;

    SandboxFixture(int slots, RoutesConfig routes) {
        SandboxConfig config = SandboxConfig.defaults(INSTANCE).withUidBase(UID_BASE).withSlots(slots)
                .withMinimumTier(Tier.A);
        runtime = SandboxRuntime.start(config);
        executor = new ToolExecutor(runtime, routes, Map.of());
    }

    SandboxFixture() {
        this(2, RoutesConfig.defaults());
    }

    ToolResult python(String code) {
        ToolResult result = executor.execute(new ToolCall(UUID.randomUUID().toString(), "python", code));
        assertNoneLeft();
        return result;
    }

    /** A finished guest run and the tool result made from it. */
    record Run(LaunchResult launch, ToolResult result, long elapsedMs) {
    }

    /** Runs python code with the given limits straight through the runtime, keeping launch-level figures. */
    Run run(String code, SandboxLimits limits) {
        return run(SandboxSpec.of(List.of("/usr/bin/python3", "-I", "-u", "-"),
                code.getBytes(StandardCharsets.UTF_8), limits));
    }

    Run run(SandboxSpec spec) {
        long start = System.nanoTime();
        SandboxRuntime.Execution execution = runtime.run(spec);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        assertThat(execution).isInstanceOf(SandboxRuntime.Execution.Ran.class);
        LaunchResult launch = ((SandboxRuntime.Execution.Ran) execution).result();
        assertThat(launch.sweepProblem()).as("sweep problem").isNull();
        assertThat(launch.setupError()).as("sandbox setup error").isNull();
        assertThat(launch.tier()).isEqualTo(runtime.tier());
        ToolResult result = ToolExecutor.toResult(new ToolCall("test", "python", ""), spec.limits(), launch);
        assertNoneLeft();
        return new Run(launch, result, elapsed);
    }

    /** Every call must leave no process of any slot uid and no retired slot behind. */
    void assertNoneLeft() {
        for (int i = 0; i < runtime.config().slots(); i++) {
            assertThat(ProcScanner.processesOf(UID_BASE + i)).as("processes of slot uid %d", UID_BASE + i).isEmpty();
        }
        assertThat(runtime.pool().retired()).as("retired slots").isEmpty();
        assertThat(runtime.pool().available()).as("free slots").isEqualTo(runtime.pool().capacity());
    }

    @Override
    public void close() {
        runtime.close();
    }
}
