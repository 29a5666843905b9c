package dev.agentrt.cli.bench;

import static dev.agentrt.worker.testing.HarmonyCompletions.answer;
import static dev.agentrt.worker.testing.HarmonyCompletions.call;
import static dev.agentrt.worker.testing.HarmonyCompletions.completion;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.avro.TranscriptEventKind;
import dev.agentrt.cli.client.ConversationFollower;
import dev.agentrt.cli.client.RequestFactory;
import dev.agentrt.cli.demo.LocalStack;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.tools.service.ExecutorServiceSettings;
import dev.agentrt.worker.testing.ScriptedHarmonyEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * TEST CODE: what the agent loop adds per turn when the model costs nothing. N conversations run at once through
 * the whole local stack (embedded broker, orchestrator with exactly-once, one worker with the test-only scripted
 * engine, the tool executor with the builtin calculator); each has M turns: M-1 calculator calls, then a final
 * answer. Run by {@code ops/bench/loop-overhead}.
 *
 * <p>Two views of the latency a turn adds: the client's (a conversation's wall time, send to response, divided by
 * its turns) and the loop cycle (the previous turn's model output, or the client's send for turn 1, to this turn's
 * model output: orchestrator → tool executor → orchestrator → worker → orchestrator). The hops come from the
 * orchestrator's transcript timestamps ({@code appendedAt}; same JVM and clock, millisecond resolution).
 */
public final class LoopOverheadBench {

    private record Args(int conversations, int turns, int warmup, int maxBatch, int toolWorkers, int toolPollMs) {
        static Args parse(String[] argv) {
            int n = 50, m = 4, warmup = 1, batch = 64, tools = 2, toolPoll = 50;
            for (int i = 0; i < argv.length; i++) {
                String v = i + 1 < argv.length ? argv[i + 1] : null;
                switch (argv[i]) {
                    case "--conversations", "-n" -> { n = Integer.parseInt(v); i++; }
                    case "--turns", "-m" -> { m = Integer.parseInt(v); i++; }
                    case "--warmup-rounds" -> { warmup = Integer.parseInt(v); i++; }
                    case "--max-batch" -> { batch = Integer.parseInt(v); i++; }
                    case "--tool-workers" -> { tools = Integer.parseInt(v); i++; }
                    case "--tool-poll-ms" -> { toolPoll = Integer.parseInt(v); i++; }
                    case "--help", "-h" -> {
                        System.out.println("loop-overhead [--conversations N=50] [--turns M=4] [--warmup-rounds 1] "
                            + "[--max-batch 64] [--tool-workers 2] [--tool-poll-ms 50]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + argv[i]);
                }
            }
            if (n < 1 || m < 1) throw new IllegalArgumentException("--conversations and --turns must be >= 1");
            return new Args(n, m, warmup, batch, tools, toolPoll);
        }
    }

    /** M-1 calculator calls, then an answer quoting the last result; the directive is "bench M". */
    static int[] script(ScriptedHarmonyEngine.Prompt prompt) {
        int turns = Integer.parseInt(prompt.firstUserMessage().substring("bench ".length()).strip());
        int done = prompt.toolOutputs().size();
        if (done + 1 < turns) {
            return completion(call("functions.calculate", "{\"expression\":\"" + (done + 1) + "*2\"}"));
        }
        return completion(answer(done == 0 ? "Nothing to compute." : "Last: " + prompt.toolOutputs().getLast().output()));
    }

    /** What one conversation looked like to the client and in the transcript. */
    private static final class Tracked {
        long sentNanos;
        long sentMillis;
        long respondedNanos;
        long respondedMillis;
        ConversationResponse response;
        final List<TranscriptEvent> events = new ArrayList<>();
    }

    public static void main(String[] argv) throws Exception {
        Args a = Args.parse(argv);
        var out = new PrintWriter(System.out, true);
        out.printf(Locale.ROOT, "loop-overhead: %d conversations x %d turns (%d tool calls each), scripted engine "
                + "(zero model cost), builtin calculator, exactly-once; max batch %d, %d tool workers, tool poll %d ms; "
                + "%d CPUs%n", a.conversations(), a.turns(), a.turns() - 1, a.maxBatch(), a.toolWorkers(), a.toolPollMs(),
            Runtime.getRuntime().availableProcessors());
        var tools = new LocalStack.Tools(Map.of(), new ExecutorServiceSettings("bench-tools", a.toolWorkers(), 100_000,
            Duration.ofMillis(a.toolPollMs()), Duration.ofSeconds(5)));
        var options = new LocalStack.Options(null, 0, a.maxBatch(), 4096, Files.createTempDirectory("agentrt-bench-"))
            .withEngine((model, closeLater) -> new ScriptedHarmonyEngine(LoopOverheadBench::script))
            .withTools(tools);
        long t0 = System.nanoTime();
        try (var stack = LocalStack.start(options, new PrintWriter(System.err, true))) {
            out.printf(Locale.ROOT, "stack ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            Map<String, Object> client = Map.of("bootstrap.servers", stack.bootstrap());
            Map<String, Object> p = new HashMap<>(client);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), AgentrtSerdes.conversationRequest().serializer());
                 var follower = ConversationFollower.fromNow(client, stack.topics(), null, false)) {
                for (int w = 0; w < a.warmup(); w++) {
                    var r = round(a, stack, producer, follower);
                    out.printf(Locale.ROOT, "warm-up round %d: %.0f turns/s%n", w + 1, r.turnsPerSecond);
                }
                report(out, a, round(a, stack, producer, follower));
            }
        }
    }

    private record Round(List<Tracked> conversations, double seconds, double turnsPerSecond) {}

    private static Round round(Args a, LocalStack stack, KafkaProducer<String, ConversationRequest> producer,
                               ConversationFollower follower) throws Exception {
        Map<String, Tracked> byId = new HashMap<>();
        var requests = new ArrayList<ConversationRequest>();
        for (int i = 0; i < a.conversations(); i++) {
            ConversationRequest r = RequestFactory.build(new RequestFactory.Ask("bench " + a.turns(),
                RequestFactory.builtinToolDefinitions(), List.of(), ReasoningEffort.LOW, null, a.turns(), 64,
                Duration.ofMinutes(5), 0f, 7L, "gpt-oss"), Clock.systemUTC());
            requests.add(r);
            byId.put(r.getConversationId(), new Tracked());
        }
        long start = System.nanoTime();
        for (ConversationRequest r : requests) {
            Tracked t = byId.get(r.getConversationId());
            t.sentNanos = System.nanoTime();
            t.sentMillis = System.currentTimeMillis();
            producer.send(new ProducerRecord<>(stack.topics().requests(), r.getConversationId(), r));
        }
        producer.flush();
        int open = a.conversations();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (open > 0) {
            if (System.nanoTime() > deadline) throw new IllegalStateException(open + " conversations did not end in 5 minutes");
            for (var seen : follower.poll(Duration.ofMillis(20))) {
                long now = System.nanoTime();
                if (seen.problem() != null) throw new IllegalStateException(seen.problem());
                String id = seen.transcript() != null ? seen.transcript().getConversationId()
                    : seen.response() != null ? seen.response().getConversationId() : null;
                Tracked t = id == null ? null : byId.get(id);
                if (t == null) continue;
                if (seen.transcript() != null) t.events.add(seen.transcript());
                if (seen.response() != null && t.response == null) {
                    t.response = seen.response();
                    t.respondedNanos = now;
                    t.respondedMillis = System.currentTimeMillis();
                    open--;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // The transcript is a separate log: take what it still holds for these conversations.
        for (var seen : follower.drainToEnd(Duration.ofSeconds(10))) {
            if (seen.transcript() != null && byId.containsKey(seen.transcript().getConversationId())) {
                byId.get(seen.transcript().getConversationId()).events.add(seen.transcript());
            }
        }
        for (var e : byId.entrySet()) {
            ConversationResponse r = e.getValue().response;
            if (r.getStatus() != ConversationStatus.COMPLETED || r.getTurns() != a.turns()) {
                throw new IllegalStateException(e.getKey() + " ended " + r.getStatus() + " after " + r.getTurns()
                    + " turns: " + r.getError());
            }
        }
        long turns = (long) a.conversations() * a.turns();
        return new Round(new ArrayList<>(byId.values()), seconds, turns / seconds);
    }

    private static void report(PrintWriter out, Args a, Round round) {
        List<Double> perTurnWall = new ArrayList<>();   // client: conversation wall time / turns
        List<Double> cycle = new ArrayList<>();         // previous model output (or send) -> this turn's model output
        List<Double> inferenceHop = new ArrayList<>();  // tool result appended -> next model output appended
        List<Double> toolHop = new ArrayList<>();       // model call appended -> tool result appended
        List<Double> firstTurn = new ArrayList<>();     // client send -> turn 1 model output appended
        List<Double> responseHop = new ArrayList<>();   // last model output appended -> client read the response
        for (Tracked t : round.conversations()) {
            perTurnWall.add((t.respondedNanos - t.sentNanos) / 1e6 / a.turns());
            long[] modelAt = new long[a.turns() + 1];
            long[] toolAt = new long[a.turns() + 1];
            for (TranscriptEvent e : t.events) {
                long at = e.getAppendedAt().toEpochMilli();
                if (e.getKind() == TranscriptEventKind.MODEL_MESSAGE) modelAt[e.getTurn()] = Math.max(modelAt[e.getTurn()], at);
                if (e.getKind() == TranscriptEventKind.TOOL_RESULT) toolAt[e.getTurn()] = at;
            }
            long previous = t.sentMillis;
            for (int turn = 1; turn <= a.turns(); turn++) {
                if (modelAt[turn] == 0) throw new IllegalStateException("no model output for turn " + turn);
                cycle.add((double) (modelAt[turn] - previous));
                if (turn == 1) firstTurn.add((double) (modelAt[1] - t.sentMillis));
                if (turn < a.turns()) toolHop.add((double) (toolAt[turn] - modelAt[turn]));
                if (turn > 1) inferenceHop.add((double) (modelAt[turn] - toolAt[turn - 1]));
                previous = modelAt[turn];
            }
            responseHop.add((double) (t.respondedMillis - modelAt[a.turns()]));
        }
        out.printf(Locale.ROOT, "measured round: %d turns in %.2f s%n", (long) a.conversations() * a.turns(), round.seconds());
        out.printf(Locale.ROOT, "completed turns per second: %.0f%n", round.turnsPerSecond());
        line(out, "added latency per turn, client (wall / turns)", perTurnWall);
        line(out, "added latency per turn, loop cycle (output->output)", cycle);
        line(out, "  hop: send -> turn 1 output", firstTurn);
        line(out, "  hop: tool result -> next model output (orch->worker->orch)", inferenceHop);
        line(out, "  hop: tool call -> tool result (orch->executor->orch)", toolHop);
        line(out, "  hop: last output -> client has the response", responseHop);
        out.println("targets (issue): <= 20 ms p50, <= 100 ms p99 per turn, >= 500 turns/s on 2 cores");
    }

    private static void line(PrintWriter out, String what, List<Double> samples) {
        double[] s = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.printf(Locale.ROOT, "%-62s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (n=%d)%n", what,
            pct(s, 0.50), pct(s, 0.99), s.length == 0 ? Double.NaN : s[s.length - 1], s.length);
    }

    private static double pct(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private LoopOverheadBench() {}
}
