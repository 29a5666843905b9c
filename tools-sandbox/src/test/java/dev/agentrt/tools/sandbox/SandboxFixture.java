package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolResult;
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
