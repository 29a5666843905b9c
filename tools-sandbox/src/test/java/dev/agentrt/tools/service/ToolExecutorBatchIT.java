package dev.agentrt.tools.service;

import static dev.agentrt.tools.service.KafkaIo.WAIT;
import static dev.agentrt.tools.service.KafkaIo.call;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executor takes calls in batches (one poll, one transaction for what finished together) and queues them
 * behind its workers, without giving up exactly-once on the results: a backlog is answered in a few transactions,
 * calls still queued when an executor closes are run by the next owner (once), and a fenced executor's batch
 * never shows up next to its successor's.
 */
@KafkaTest
class ToolExecutorBatchIT {

    static SandboxRuntime sandbox;
    /** Runs of {@code functions.slow} by its {@code n} argument. */
    static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        ProbeFacts nothing = new ProbeFacts(true, false, CgroupMode.NONE, 0, true, "forced off for this test");
        sandbox = SandboxRuntime.start(SandboxConfig.defaults("test-batch").withUidBase(62800).withSlots(2)
                .withMinimumTier(Tier.C), (cfg, helper) -> nothing);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static final TrustedFunction SLOW = args -> {
        runs.computeIfAbsent(args.get("n").asText(), k -> new AtomicInteger()).incrementAndGet();
        Thread.sleep(150);
        return "slow " + args.get("n").asText();
    };

    static ToolExecutorService service(KafkaIo io, String executorId, int workers) throws InterruptedException {
        var executor = new ToolExecutor(sandbox, RoutesConfig.defaults(), Map.of("functions.slow", SLOW),
                BuiltinTools.standard(Clock.systemUTC()));
        var service = new ToolExecutorService(executor, io.topics,
                new ExecutorServiceSettings(executorId, workers, 10_000, Duration.ofMillis(50), Duration.ofSeconds(30)),
                io.clientConfig(), Clock.systemUTC()).start();
        assertThat(service.awaitAssignment(WAIT)).as("partitions assigned").isTrue();
        return service;
    }

    static String id() {
        return "it-" + UUID.randomUUID().toString().substring(0, 6);
    }

    static Map<String, Long> byCallId(List<ToolResult> results) {
        return results.stream().collect(Collectors.groupingBy(ToolResult::getCallId, Collectors.counting()));
    }

    @Test
    void aBacklogIsAnsweredInAFewTransactionsEachCallOnce(@KafkaBootstrap String bootstrap) throws Exception {
        int calls = 200;
        try (var io = new KafkaIo(bootstrap);
             var results = io.reader(io.topics.toolResults(), ToolResult.class)) {
            for (int i = 0; i < calls; i++) {
                io.send(call("conv-backlog-" + (i % 20), i, "functions.calculate", "{\"expression\": \"" + i + "*2\"}"));
            }
            try (var service = service(io, id(), 2)) {
                var answers = results.next(calls, WAIT);
                assertThat(byCallId(answers)).hasSize(calls).allSatisfy((callId, n) -> assertThat(n).isEqualTo(1));
                assertThat(answers).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ToolResultStatus.OK));
                assertThat(results.drain(Duration.ofMillis(300))).isEmpty();
                assertThat(io.committedCalls()).isEqualTo(calls);
                // One poll takes up to workers + maxQueued calls; a transaction carries whatever finished by then.
                // Polling the worker count (2) at a time, as before, took at least calls / 2 transactions.
                assertThat(service.stats().transactions()).as("transactions for %d calls", calls).isLessThan(calls / 4);
                assertThat(service.stats().executed()).isEqualTo(calls);
            }
        }
    }

    /**
     * Closing while calls are queued behind a busy worker: the running call finishes and commits, the queued ones
     * are dropped without running and their offsets stay uncommitted; the next owner runs each of them once.
     */
    @Test
    void callsQueuedWhenTheExecutorClosesRunOnceOnTheNextOwner(@KafkaBootstrap String bootstrap) throws Exception {
        String tag = "q" + UUID.randomUUID().toString().substring(0, 4) + "-";
        int calls = 6;
        try (var io = new KafkaIo(bootstrap);
             var results = io.reader(io.topics.toolResults(), ToolResult.class)) {
            for (int i = 0; i < calls; i++) {
                io.send(call("conv-queue", i, "functions.slow", "{\"n\": \"" + tag + i + "\"}"));
            }
            var first = service(io, id(), 1);
            results.next(1, WAIT);
            first.close();
            assertThat(first.failure()).isNull();
            long ranOnFirst = runs.entrySet().stream().filter(e -> e.getKey().startsWith(tag)).count();
            assertThat(ranOnFirst).as("calls started before the close").isLessThan(calls);

            try (var second = service(io, id(), 2)) {
                var answers = results.next(calls - 1, WAIT);
                assertThat(results.drain(Duration.ofMillis(500))).isEmpty();
                assertThat(io.committedCalls()).isEqualTo(calls);
            }
            for (int i = 0; i < calls; i++) {
                assertThat(runs.get(tag + i)).as("runs of call %d", i).hasValue(1);
            }
        }
    }

    /**
     * A second executor with the same id fences the first in the middle of a batch: whatever the first had not
     * committed is aborted and redone by the second, so the committed results hold every call exactly once.
     */
    @Test
    void aFencedExecutorsUncommittedBatchIsRedoneAndNothingIsAnsweredTwice(@KafkaBootstrap String bootstrap)
            throws Exception {
        String tag = "f" + UUID.randomUUID().toString().substring(0, 4) + "-";
        int calls = 20;
        String executorId = id();
        try (var io = new KafkaIo(bootstrap);
             var results = io.reader(io.topics.toolResults(), ToolResult.class)) {
            for (int i = 0; i < calls; i++) {
                io.send(call("conv-fence-" + (i % 4), i, "functions.slow", "{\"n\": \"" + tag + i + "\"}"));
            }
            var zombie = service(io, executorId, 2);
            var early = results.next(2, WAIT);
            try (var successor = service(io, executorId, 2)) {
                assertThat(zombie.awaitStopped(WAIT)).as("the fenced executor stops").isTrue();
                assertThat(zombie.failure()).isInstanceOf(ProducerFencedException.class);
                var rest = results.next(calls - early.size(), WAIT);
                var all = new java.util.ArrayList<>(early);
                all.addAll(rest);
                all.addAll(results.drain(Duration.ofMillis(500)));
                assertThat(byCallId(all)).hasSize(calls).allSatisfy((callId, n) -> assertThat(n).isEqualTo(1));
                assertThat(io.committedCalls()).isEqualTo(calls);
            } finally {
                zombie.close();
            }
            for (int i = 0; i < calls; i++) {
                assertThat(runs.get(tag + i)).as("call %d ran", i).isNotNull();
            }
        }
    }
}
