package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SlotPoolTest {

    @Test
    void fullPoolAnswersBusyAtOnceAndServesAgainAfterwards() throws Exception {
        SandboxConfig config = SandboxConfig.defaults("test-busy").withUidBase(62400).withSlots(1)
                .withMinimumTier(Tier.A);
        try (SandboxRuntime runtime = SandboxRuntime.start(config)) {
            ToolExecutor executor = new ToolExecutor(runtime, RoutesConfig.defaults(), Map.of());
            CompletableFuture<ToolResult> slow = CompletableFuture.supplyAsync(
                    () -> executor.execute(new ToolCall("slow", "python", "import time\ntime.sleep(1.5)\nprint('slow')")));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (runtime.pool().available() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long start = System.nanoTime();
            ToolResult busy = executor.execute(new ToolCall("busy", "python", "print(1)"));
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(100);
            assertThat(busy.status()).isEqualTo(ToolStatus.BUSY);
            assertThat(busy.status().retriable()).isTrue();
            assertThat(slow.get().status()).isEqualTo(ToolStatus.OK);
            assertThat(executor.execute(new ToolCall("again", "python", "print(2)")).output()).isEqualTo("2\n");
        }
    }

    @Test
    void secondExecutorOnTheSameInstanceIsRefused() {
        SandboxConfig config = SandboxConfig.defaults("test-lock").withUidBase(62410).withSlots(1);
        try (SandboxRuntime first = SandboxRuntime.start(config)) {
            assertThatThrownBy(() -> SandboxRuntime.start(config)).hasMessageContaining("in use by another executor");
        }
    }

    @Test
    void retiredSlotsLeaveThePoolForGood() {
        Slot a = new Slot(0, 63000, Path.of("/nonexistent/a"));
        Slot b = new Slot(1, 63001, Path.of("/nonexistent/b"));
        SlotPool pool = new SlotPool(List.of(a, b));
        Slot taken = pool.tryAcquire().orElseThrow();
        pool.retire(taken, "test");
        assertThat(pool.available()).isEqualTo(1);
        assertThat(pool.retired()).extracting(SlotPool.RetiredSlot::reason).containsExactly("test");
        pool.tryAcquire().orElseThrow();
        assertThat(pool.tryAcquire()).isEmpty();
    }

    @Test
    void slotsNeverRunAsRootOrNobody() {
        assertThatThrownBy(() -> new Slot(0, 0, Path.of("/x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Slot(0, 65534, Path.of("/x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
