package dev.agentrt.tools.service;

import static dev.agentrt.tools.service.KafkaIo.WAIT;
import static dev.agentrt.tools.service.KafkaIo.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.SandboxTier;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.ToolResultStatus;
import dev.agentrt.testkit.KafkaBootstrap;
import dev.agentrt.testkit.KafkaTest;
import dev.agentrt.tools.LimitsSettings;
import dev.agentrt.tools.PythonToolSettings;
import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.tools.sandbox.ProcScanner;
import dev.agentrt.tools.sandbox.SandboxConfig;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import dev.agentrt.tools.sandbox.Tier;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Python through the real Kafka path into the tier-A sandbox, and a representative hostile subset
 * of sandbox.md §3.7 (cases 1/2, 3, 5): each answered with its limit status within its bound, with
 * no process left behind; calls run concurrently on the worker pool.
 */
@KafkaTest
class SandboxedCallsIT {

    static final int UID_BASE = 62600;
    static final int SLOTS = 3;
    static final long WALL_MS = 2000;
    static final long SLACK_MS = 1500;
    static SandboxRuntime sandbox;

    @BeforeAll
    static void start() {
        sandbox = SandboxRuntime.start(SandboxConfig.defaults("test-svc-sandbox").withUidBase(UID_BASE)
                .withSlots(SLOTS).withMinimumTier(Tier.A));
        assertThat(sandbox.tier()).isEqualTo(Tier.A);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static ToolExecutorService service(KafkaIo io) throws InterruptedException {
        LimitsSettings limits = new LimitsSettings(WALL_MS, null, null, null, null, null, null, null, null, null);
        RoutesConfig routes = new RoutesConfig(new PythonToolSettings(true, limits, false), null, Map.of());
        var executor = new ToolExecutor(sandbox, routes, Map.of(), BuiltinTools.standard(Clock.systemUTC()));
        var service = new ToolExecutorService(executor, io.topics,
                ExecutorServiceSettings.defaults("it-" + UUID.randomUUID().toString().substring(0, 6), SLOTS),
                io.clientConfig(), Clock.systemUTC()).start();
        assertThat(service.awaitAssignment(WAIT)).as("partitions assigned").isTrue();
        return service;
    }

    static void assertNothingLeft() {
        for (int i = 0; i < SLOTS; i++) {
            assertThat(ProcScanner.processesOf(UID_BASE + i)).as("processes of slot uid %d", UID_BASE + i).isEmpty();
        }
        assertThat(sandbox.pool().retired()).as("retired slots").isEmpty();
        assertThat(sandbox.pool().available()).as("free slots").isEqualTo(SLOTS);
    }

    @Test
    void pythonAndHostileCodeThroughKafkaEndWithTheirLimitStatus(@KafkaBootstrap String bootstrap) throws Exception {
        try (var io = new KafkaIo(bootstrap);
             var results = io.reader(io.topics.toolResults(), ToolResult.class);
             var service = service(io)) {
            Map<String, String> programs = new HashMap<>();
            programs.put("conv-ok", "print(6 * 7)");
            programs.put("conv-loop", "while True: pass");
            programs.put("conv-fork", """
                    import os
                    while True:
                        try:
                            os.fork()
                        except OSError:
                            pass
                    """);
            programs.put("conv-memory", "x = bytearray(10 * 2**30)\nprint('allocated', len(x))");
            long start = System.nanoTime();
            for (var program : programs.entrySet()) {
                io.send(call(program.getKey(), 1, "python", program.getValue()));
            }
            Map<String, ToolResult> byConversation = results.next(programs.size(), WAIT).stream()
                    .collect(Collectors.toMap(ToolResult::getConversationId, Function.identity()));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;

            ToolResult ok = byConversation.get("conv-ok");
            assertThat(ok.getStatus()).isEqualTo(ToolResultStatus.OK);
            assertThat(ok.getOutput().strip()).isEqualTo("42");
            assertThat(ok.getResources().getSandboxTier()).isEqualTo(SandboxTier.NAMESPACE);
            assertThat(ok.getResources().getExitCode()).isZero();
            assertThat(ok.getResources().getWallMs()).isPositive();

            ToolResult loop = byConversation.get("conv-loop");
            assertThat(loop.getStatus()).isEqualTo(ToolResultStatus.TIMEOUT);
            assertThat(loop.getResources().getWallMs()).isBetween(WALL_MS, WALL_MS + SLACK_MS);
            assertThat(loop.getResources().getSignal()).isEqualTo(9);

            assertThat(byConversation.get("conv-fork").getStatus())
                    .isIn(ToolResultStatus.TIMEOUT, ToolResultStatus.ERROR, ToolResultStatus.CPU_LIMIT);
            assertThat(byConversation.get("conv-fork").getResources().getWallMs()).isLessThan(WALL_MS + SLACK_MS);

            // Case 5: MemoryError (the address-space limit) or the OOM kill, never the allocation.
            ToolResult memory = byConversation.get("conv-memory");
            assertThat(memory.getOutput()).doesNotContain("allocated");
            if (memory.getStatus() == ToolResultStatus.ERROR) {
                assertThat(memory.getOutput()).contains("MemoryError");
            } else {
                assertThat(memory.getStatus()).isEqualTo(ToolResultStatus.MEMORY_LIMIT);
            }
            assertThat(memory.getResources().getPeakMemoryBytes()).isLessThanOrEqualTo(256L * 1024 * 1024);

            // Three slots, four calls: the fourth waited for a free worker, so two wall limits at most.
            assertThat(elapsedMs).isLessThan(2 * (WALL_MS + SLACK_MS) + 3000);
            assertNothingLeft();
            assertThat(io.committedCalls()).isEqualTo(4);
            assertThat(service.failure()).isNull();
        }
    }

    @Test
    void aFastResultOvertakesASlowCallButItsOffsetWaitsForIt(@KafkaBootstrap String bootstrap) throws Exception {
        try (var io = new KafkaIo(bootstrap);
             var results = io.reader(io.topics.toolResults(), ToolResult.class);
             var service = service(io)) {
            io.send(call("conv-order", 1, "python", "import time\ntime.sleep(60)"));
            io.send(call("conv-order", 2, "functions.calculate", "{\"expression\": \"3*3\"}"));
            ToolResult fast = results.next(WAIT);
            assertThat(fast.getTurn()).isEqualTo(2);
            assertThat(fast.getStatus()).isEqualTo(ToolResultStatus.OK);
            assertThat(io.committedCalls()).as("the sleeping call at offset 0 is not committed past").isZero();

            ToolResult slow = results.next(WAIT);
            assertThat(slow.getTurn()).isEqualTo(1);
            assertThat(slow.getStatus()).isEqualTo(ToolResultStatus.TIMEOUT);
            assertThat(io.committedCalls()).isEqualTo(2);
            assertNothingLeft();
        }
    }
}
