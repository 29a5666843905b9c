package dev.agentrt.tools.service;

import static dev.agentrt.tools.service.KafkaIo.WAIT;
import static dev.agentrt.tools.service.KafkaIo.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.DeadLetterReason;
import dev.agentrt.avro.SandboxTier;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.ToolResultStatus;
import dev.agentrt.testkit.KafkaBootstrap;
import dev.agentrt.testkit.KafkaTest;
import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.TrustedFunction;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.tools.sandbox.CgroupMode;
import dev.agentrt.tools.sandbox.ProbeFacts;
import dev.agentrt.tools.sandbox.SandboxConfig;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import dev.agentrt.tools.sandbox.Tier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executor service on a real broker with the sandbox forced off (tier D, fail closed): builtins
 * and trusted functions answer, python is refused. Committed offsets, redelivered call ids, poison
 * pills (sandbox.md §3.7 case 21), deadlines.
 */
@KafkaTest
class ToolExecutorServiceIT {

    static SandboxRuntime sandbox;
    static final AtomicInteger counted = new AtomicInteger();

    @BeforeAll
    static void start() {
        ProbeFacts nothing = new ProbeFacts(true, false, CgroupMode.NONE, 0, true, "forced off for this test");
        sandbox = SandboxRuntime.start(SandboxConfig.defaults("test-svc").withUidBase(62500).withSlots(2)
                .withMinimumTier(Tier.C), (cfg, helper) -> nothing);
        assertThat(sandbox.canRunCode()).isFalse();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** Counts its runs; slow enough that a duplicate arrives while it runs. */
    static final TrustedFunction COUNT = args -> {
        counted.incrementAndGet();
        Thread.sleep(500);
        return "counted " + args.get("n").asText();
    };

    static ToolExecutorService service(KafkaIo io) throws InterruptedException {
        var executor = new ToolExecutor(sandbox, RoutesConfig.defaults(), Map.of("functions.count", COUNT),
                BuiltinTools.standard(Clock.systemUTC()));
        var service = new ToolExecutorService(executor, io.topics,
                ExecutorServiceSettings.defaults("it-" + UUID.randomUUID().toString().substring(0, 6), 2),
                io.clientConfig(), Clock.systemUTC()).start();
        assertThat(service.awaitAssignment(WAIT)).as("partitions assigned").isTrue();
        return service;
    }

    @Test
    void aBuiltinCallIsAnsweredWithItsOffsetCommittedAndPythonIsRefusedWithTheSandboxOff(
            @KafkaBootstrap String bootstrap) throws Exception {
        try (var io = new KafkaIo(bootstrap);
             var results = io.reader(io.topics.toolResults(), ToolResult.class);
             var service = service(io)) {
            ToolCall calc = call("conv-calc", 1, "functions.calculate", "{\"expression\": \"6*7\"}");
            io.send(calc);
            ToolResult result = results.next(WAIT);
            assertThat(result.getCallId()).isEqualTo(calc.getCallId());
            assertThat(result.getConversationId()).isEqualTo("conv-calc");
            assertThat(result.getStatus()).isEqualTo(ToolResultStatus.OK);
            assertThat(result.getOutput()).contains("42");
            assertThat(result.getResources().getSandboxTier()).isEqualTo(SandboxTier.NONE);
            // The offset commits in the same transaction as the result: visible together.
            assertThat(io.committedCalls()).isEqualTo(1);

            io.send(call("conv-py", 1, "python", "open('/tmp/agentrt-svc-ran', 'w')"));
            io.send(call("conv-py", 2, "functions.calculate", "{\"expression\": \"1+1\"}"));
            // Calls finish (and their results are produced) in any order, even on one partition.
            var answers = results.next(2, WAIT).stream()
                    .sorted(java.util.Comparator.comparing(ToolResult::getTurn)).toList();
            assertThat(answers).extracting(ToolResult::getStatus)
                    .containsExactly(ToolResultStatus.SANDBOX_UNAVAILABLE, ToolResultStatus.OK);
            assertThat(answers.getFirst().getError()).contains("below the required minimum");
            assertThat(java.nio.file.Path.of("/tmp/agentrt-svc-ran")).doesNotExist();
            assertThat(sandbox.launches()).isZero();
            assertThat(io.committedCalls()).isEqualTo(3);
            assertThat(service.failure()).isNull();
        }
    }

    /**
     * A redelivered call id runs once. Every record is answered: a duplicate that arrives while the
     * call runs gets the same result when it finishes; one that arrives later gets the stored result
     * re-emitted. The orchestrator ignores the duplicate results.
     */
    @Test
    void aRedeliveredCallIdRunsOnceAndEveryCopyGetsTheSameResult(@KafkaBootstrap String bootstrap) throws Exception {
        try (var io = new KafkaIo(bootstrap);
             var results = io.reader(io.topics.toolResults(), ToolResult.class);
             var service = service(io)) {
            int before = counted.get();
            ToolCall once = call("conv-dup", 1, "functions.count", "{\"n\": 7}");
            io.send(once);
            io.send(once);
            var first = results.next(2, WAIT);
            io.send(once);
            ToolResult third = results.next(WAIT);
            assertThat(results.drain(Duration.ofMillis(500))).isEmpty();

            assertThat(counted.get() - before).as("runs of the tool").isEqualTo(1);
            assertThat(first).containsExactly(third, third);
            assertThat(third.getOutput()).isEqualTo("counted 7");
            assertThat(service.stats().executed()).isEqualTo(1);
            assertThat(service.stats().reemitted()).isEqualTo(1);
            assertThat(io.committedCalls()).isEqualTo(3);
        }
    }

    @Test
    void poisonPillsAreDeadLetteredOrRefusedAndTheServiceKeepsServing(@KafkaBootstrap String bootstrap)
            throws Exception {
        try (var io = new KafkaIo(bootstrap);
             var results = io.reader(io.topics.toolResults(), ToolResult.class);
             var dlq = io.reader(io.topics.dlq(), DeadLetter.class);
             var service = service(io)) {
            String key = "conv-poison";
            int before = counted.get();
            io.sendRaw(io.topics.toolCalls(), key, "not avro at all".getBytes());
            io.sendRaw(io.topics.toolCalls(), key, null);
            String nested = "[".repeat(512 * 1024) + "]".repeat(512 * 1024 - 256);
            io.send(call(key, 1, "functions.calculate", nested));
            io.send(call(key, 2, "functions.count", "{\"n\": 1}", Instant.now().minusSeconds(1)));
            io.send(call(key, 3, "functions.calculate", "{\"expression\": \"2^10\"}"));

            var letters = dlq.next(2, WAIT);
            assertThat(letters).extracting(DeadLetter::getReason)
                    .containsExactly(DeadLetterReason.VALUE_DESERIALIZATION, DeadLetterReason.INVALID_RECORD);
            assertThat(letters).allSatisfy(l -> {
                assertThat(l.getSourceTopic()).isEqualTo(io.topics.toolCalls());
                assertThat(l.getMessage()).isNotBlank();
            });
            assertThat(letters.getFirst().getValue().remaining()).isEqualTo("not avro at all".length());

            var answers = results.next(3, WAIT).stream() // finished (and produced) in any order
                    .sorted(java.util.Comparator.comparing(ToolResult::getTurn)).toList();
            assertThat(answers).extracting(ToolResult::getStatus).containsExactly(ToolResultStatus.BAD_ARGUMENTS,
                    ToolResultStatus.TIMEOUT, ToolResultStatus.OK);
            assertThat(answers.get(0).getError()).isNotBlank();
            assertThat(answers.get(1).getError()).contains("deadline");
            assertThat(answers.get(2).getOutput()).contains("1024");
            assertThat(counted.get()).as("the expired call did not run").isEqualTo(before);
            assertThat(io.committedCalls()).isEqualTo(5);
            assertThat(service.stats().deadLettered()).isEqualTo(2);
            assertThat(service.failure()).isNull();
        }
    }
}
