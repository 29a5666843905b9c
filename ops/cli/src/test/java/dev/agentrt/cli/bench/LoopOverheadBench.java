package dev.agentrt.cli.bench;

import static dev.agentrt.worker.testing.HarmonyCompletions.answer;
import static dev.agentrt.worker.testing.HarmonyCompletions.call;
import static dev.agentrt.worker.testing.HarmonyCompletions.completion;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.avro.TranscriptEventKind;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * TEST CODE: what the agent loop adds per turn when the model costs nothing. Conversations run through the whole
 * local stack (embedded broker, orchestrator with exactly-once, one worker with the test-only scripted engine, the
 * tool executor with the builtin calculator); each has M turns: M-1 calculator calls, then a final answer. Run by
 * {@code ops/bench/loop-overhead}. The scripted engine hands the worker its tokens itself
 * ({@link ScriptedHarmonyEngine#picking()}): otherwise the sampler's pass over a 201k-entry logits row per token
 * was the largest CPU cost of the run, a model cost the loop does not add.
 *
 * <p>First it warms the stack up ({@code --stack-warmup-turns}, 4000 turns at the heaviest level and a quarter of that
 * at the lightest, not measured): the services are long-running, and on a cold JVM the broker and the Kafka clients
 * run interpreted or half-compiled code, which measured a lone conversation at 21-25 ms per turn instead of 15-16 ms
 * ({@code --stack-warmup-turns 0} shows the cold figures). Load alone does not warm what a lone conversation runs
 * (idle polls, one-record transactions): after 4000 turns at 200 conversations, a lone conversation took 15 ms per
 * turn and 27.6 ms of CPU per turn; after 4000 turns at 1 conversation, 11 ms and 16.3 ms. Then it runs one or more
 * <em>load levels</em> (N conversations at once, {@code --conversations 1,10,50,200}); each level runs warm-up
 * rounds, then measured rounds until it has enough turns. Latency and throughput are two ends of one curve (Little's law: N conversations at L seconds per turn make
 * N/L turns per second), so the summary reads the latency at the lightest level and the throughput at the heaviest.
 *
 * <p>Views of a turn: the client's (a conversation's wall time, send to response, divided by its turns) and the
 * loop cycle (the previous turn's model output, or the client's send for turn 1, to this turn's model output). The
 * cycle is split into hops from timestamps the records carry (same JVM and clock, millisecond resolution): the
 * orchestrator's transcript ({@code appendedAt}: when it applied a result), the worker's result ({@code completedAt}
 * and {@code timings.totalMs}: when it received and finished the request), the executor's result
 * ({@code completedAt} and {@code resources.wallMs}) and the Kafka record timestamps of both results (when the
 * service handed them to its transactional producer). These topics are read after each round, so the
 * measurement adds no consumer during it (the bench follows only the responses topic while a round runs).
 */
public final class LoopOverheadBench {

    private record Args(int[] levels, int turns, int warmup, int minTurns, int maxBatch, int toolWorkers,
                        int toolPollMs, int idleSeconds, int stackWarmupTurns) {
        static Args parse(String[] argv) {
            int[] levels = {1, 10, 50, 200};
            int m = 4, warmup = 1, minTurns = 600, batch = 64, tools = 2, toolPoll = 50, idle = 5, stackWarmup = 4000;
            for (int i = 0; i < argv.length; i++) {
                String v = i + 1 < argv.length ? argv[i + 1] : null;
                switch (argv[i]) {
                    case "--conversations", "-n" -> {
                        levels = Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
                        i++;
                    }
                    case "--turns", "-m" -> { m = Integer.parseInt(v); i++; }
                    case "--warmup-rounds" -> { warmup = Integer.parseInt(v); i++; }
                    case "--min-turns" -> { minTurns = Integer.parseInt(v); i++; }
                    case "--max-batch" -> { batch = Integer.parseInt(v); i++; }
                    case "--tool-workers" -> { tools = Integer.parseInt(v); i++; }
                    case "--tool-poll-ms" -> { toolPoll = Integer.parseInt(v); i++; }
                    case "--idle-seconds" -> { idle = Integer.parseInt(v); i++; }
                    case "--stack-warmup-turns" -> { stackWarmup = Integer.parseInt(v); i++; }
                    case "--help", "-h" -> {
                        System.out.println("loop-overhead [--conversations 1,10,50,200] [--turns M=4] [--warmup-rounds 1] "
                            + "[--min-turns 600] [--max-batch 64] [--tool-workers 2] [--tool-poll-ms 50] [--idle-seconds 5] "
                            + "[--stack-warmup-turns 4000]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + argv[i]);
                }
            }
            if (levels.length == 0 || Arrays.stream(levels).anyMatch(n -> n < 1) || m < 1) {
                throw new IllegalArgumentException("--conversations and --turns must be >= 1");
            }
            if (stackWarmup < 0) throw new IllegalArgumentException("--stack-warmup-turns must be >= 0");
            return new Args(levels, m, warmup, minTurns, batch, tools, toolPoll, idle, stackWarmup);
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

    /** What one conversation looked like to the client and in the topics (wall-clock milliseconds). */
    private static final class Tracked {
        long sentNanos;
        long sentMillis;
        long respondedNanos;
        long respondedMillis;
        ConversationResponse response;
        long requestAppliedAt;
        long[] modelAt;
        long[] toolAt;
        /** By turn: the first committed result (record timestamp, completedAt, time inside the service). */
        ServiceMark[] worker;
        ServiceMark[] executor;

        Tracked(int turns) {
            modelAt = new long[turns + 1];
            toolAt = new long[turns + 1];
            worker = new ServiceMark[turns + 1];
            executor = new ServiceMark[turns + 1];
        }
    }

    /** A result as its service produced it: producer send time, the service's finish time, and its busy time. */
    private record ServiceMark(long producedAt, long finishedAt, long busyMs) {
        long startedAt() {
            return finishedAt - busyMs;
        }
    }

    /** Samples of one load level, by name, in the order they are printed. */
    private static final class Samples {
        final Map<String, List<Double>> byName = new LinkedHashMap<>();
        long turns;
        double seconds;
        double cpuSeconds;
        Map<String, Long> brokerRequests = Map.of();

        void add(String name, double value) {
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }

        List<Double> get(String name) {
            return byName.getOrDefault(name, List.of());
        }
    }

    private static final String CLIENT = "added latency per turn, client (wall / turns)";
    private static final String CYCLE = "added latency per turn, loop cycle (output -> output)";
    private static final String MODEL_HOP = "model hop: applied -> next model output applied";
    private static final String TO_WORKER = "  orchestrator -> worker has the request";
    private static final String IN_WORKER = "  worker: received -> turn finished (zero-cost model)";
    private static final String WORKER_OUT = "  worker: finished -> result handed to its producer";
    private static final String WORKER_TO_ORCH = "  worker's result produced -> orchestrator applied it";
    private static final String TOOL_HOP = "tool hop: model output applied -> tool result applied";
    private static final String TO_EXECUTOR = "  orchestrator -> executor starts the call";
    private static final String IN_EXECUTOR = "  executor: call runs";
    private static final String EXECUTOR_OUT = "  executor: finished -> result handed to its producer";
    private static final String EXECUTOR_TO_ORCH = "  executor's result produced -> orchestrator applied it";
    private static final String FIRST = "client send -> orchestrator applied the request";
    private static final String LAST = "final output applied -> client has the response";

    public static void main(String[] argv) throws Exception {
        Args a = Args.parse(argv);
        var out = new PrintWriter(System.out, true);
        out.printf(Locale.ROOT, "loop-overhead: load levels %s conversations x %d turns (%d tool calls each), scripted "
                + "engine picking its own tokens (zero model cost), builtin calculator, exactly-once; max batch %d, "
                + "%d tool workers, tool poll %d ms; %d CPUs, load average %.2f at start%n", Arrays.toString(a.levels()), a.turns(),
            a.turns() - 1, a.maxBatch(), a.toolWorkers(), a.toolPollMs(), Runtime.getRuntime().availableProcessors(),
            loadAverage());
        var tools = new LocalStack.Tools(Map.of(), new ExecutorServiceSettings("bench-tools", a.toolWorkers(), 100_000,
            Duration.ofMillis(a.toolPollMs()), Duration.ofSeconds(5)));
        var options = new LocalStack.Options(null, 0, a.maxBatch(), 4096, Files.createTempDirectory("agentrt-bench-"))
            .withEngine((model, closeLater) -> new ScriptedHarmonyEngine(LoopOverheadBench::script).picking())
            .withTools(tools);
        long t0 = System.nanoTime();
        List<Map.Entry<Integer, Samples>> results = new ArrayList<>();
        try (var stack = LocalStack.start(options, new PrintWriter(System.err, true))) {
            out.printf(Locale.ROOT, "stack ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);

            Map<String, Object> client = Map.of("bootstrap.servers", stack.bootstrap());
            Map<String, Object> p = new HashMap<>(client);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), AgentrtSerdes.conversationRequest().serializer());
                 var responses = new TopicReader(client, List.of(stack.topics().responses()));
                 var after = new TopicReader(client, List.of(stack.topics().transcript(), stack.topics().inferenceResults(),
                     stack.topics().toolResults()))) {
                if (a.stackWarmupTurns() > 0) { // a long-running stack is JIT-compiled; measure that, not start-up
                    int heaviest = Arrays.stream(a.levels()).max().orElseThrow();
                    int lightest = Arrays.stream(a.levels()).min().orElseThrow();
                    // Both ends: a lone conversation runs paths (idle polls, one-record commits) that load does not.
                    for (int n : heaviest == lightest ? new int[] {heaviest} : new int[] {heaviest, lightest}) {
                        long target = n == heaviest ? a.stackWarmupTurns() : Math.max(1, a.stackWarmupTurns() / 4);
                        long done = 0;
                        long w0 = System.nanoTime();
                        while (done < target) done += round(a, n, stack, producer, responses, after, false).turns();
                        out.printf(Locale.ROOT, "stack warm-up (not measured): %d turns at %d conversations in %.1f s%n",
                            done, n, (System.nanoTime() - w0) / 1e9);
                    }
                }
                for (int n : a.levels()) {
                    for (int w = 0; w < a.warmup(); w++) {
                        var r = round(a, n, stack, producer, responses, after, false);
                        out.printf(Locale.ROOT, "[%d conversations] warm-up round %d: %.0f turns/s%n", n, w + 1,
                            r.turns / r.seconds);
                    }
                    int rounds = Math.max(1, (int) Math.ceil(a.minTurns() / (double) (n * a.turns())));
                    var samples = new Samples();
                    double load = loadAverage();
                    Map<String, Long> requestsBefore = brokerRequests();
                    for (int i = 0; i < rounds; i++) {
                        var r = round(a, n, stack, producer, responses, after, true);
                        collect(a, r, samples);
                        samples.cpuSeconds += r.cpuSeconds();
                    }
                    samples.brokerRequests = minus(brokerRequests(), requestsBefore);
                    results.add(Map.entry(n, samples));
                    report(out, a, n, rounds, load, samples);
                }
            }
            if (a.idleSeconds() > 0) { // warm by now: what the stack costs with nothing to do
                long cpu0 = processCpuNanos();
                Thread.sleep(a.idleSeconds() * 1000L);
                out.printf(Locale.ROOT, "%nidle stack afterwards: %.3f cores busy over %d s (polls, heartbeats)%n",
                    (processCpuNanos() - cpu0) / 1e9 / a.idleSeconds(), a.idleSeconds());
            }
        }
        summary(out, results);
    }

    private record Round(List<Tracked> conversations, long turns, double seconds, double cpuSeconds) {}

    /** One round of n conversations; {@code analyse} reads back what happened in between (measured rounds only). */
    private static Round round(Args a, int n, LocalStack stack, KafkaProducer<String, ConversationRequest> producer,
                               TopicReader responses, TopicReader after, boolean analyse) throws Exception {
        Map<String, Tracked> byId = new HashMap<>();
        var requests = new ArrayList<ConversationRequest>();
        for (int i = 0; i < n; i++) {
            ConversationRequest r = RequestFactory.build(new RequestFactory.Ask("bench " + a.turns(),
                RequestFactory.builtinToolDefinitions(), List.of(), ReasoningEffort.LOW, null, a.turns(), 64,
                Duration.ofMinutes(5), 0f, 7L, "gpt-oss"), Clock.systemUTC());
            requests.add(r);
            byId.put(r.getConversationId(), new Tracked(a.turns()));
        }
        after.markEnd();
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        for (ConversationRequest r : requests) {
            Tracked t = byId.get(r.getConversationId());
            t.sentNanos = System.nanoTime();
            t.sentMillis = System.currentTimeMillis();
            producer.send(new ProducerRecord<>(stack.topics().requests(), r.getConversationId(), r));
        }
        producer.flush();
        int open = n;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        var responseReader = AgentrtSerdes.conversationResponse().deserializer();
        while (open > 0) {
            if (System.nanoTime() > deadline) throw new IllegalStateException(open + " conversations did not end in 5 minutes");
            for (var rec : responses.poll(Duration.ofMillis(20))) {
                long now = System.nanoTime();
                Tracked t = byId.get(rec.key());
                if (t == null || t.response != null) continue;
                t.response = responseReader.deserialize(rec.topic(), rec.value());
                t.respondedNanos = now;
                t.respondedMillis = System.currentTimeMillis();
                open--;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        for (var e : byId.entrySet()) {
            ConversationResponse r = e.getValue().response;
            if (r.getStatus() != ConversationStatus.COMPLETED || r.getTurns() != a.turns()) {
                throw new IllegalStateException(e.getKey() + " ended " + r.getStatus() + " after " + r.getTurns()
                    + " turns: " + r.getError());
            }
        }
        if (!analyse) { // reading the topics back waits for them to go quiet: ~0.5 s a round
            return new Round(new ArrayList<>(byId.values()), (long) n * a.turns(), seconds, cpuSeconds);
        }
        // What happened in between, from the committed records of this round.
        var transcripts = AgentrtSerdes.transcriptEvent().deserializer();
        var inference = AgentrtSerdes.inferenceResult().deserializer();
        var tools = AgentrtSerdes.toolResult().deserializer();
        for (var rec : after.readToEnd(Duration.ofSeconds(30))) {
            Tracked t = byId.get(rec.key());
            if (t == null) continue;
            if (rec.topic().equals(stack.topics().transcript())) {
                TranscriptEvent e = transcripts.deserialize(rec.topic(), rec.value());
                long at = e.getAppendedAt().toEpochMilli();
                int turn = e.getTurn();
                if (e.getKind() == TranscriptEventKind.REQUEST_MESSAGE) t.requestAppliedAt = Math.max(t.requestAppliedAt, at);
                if (e.getKind() == TranscriptEventKind.MODEL_MESSAGE) t.modelAt[turn] = Math.max(t.modelAt[turn], at);
                if (e.getKind() == TranscriptEventKind.TOOL_RESULT) t.toolAt[turn] = at;
            } else if (rec.topic().equals(stack.topics().inferenceResults())) {
                InferenceResult r = inference.deserialize(rec.topic(), rec.value());
                if (t.worker[r.getTurn()] == null) {
                    t.worker[r.getTurn()] = new ServiceMark(rec.timestamp(), r.getCompletedAt().toEpochMilli(),
                        r.getTimings().getTotalMs());
                }
            } else {
                ToolResult r = tools.deserialize(rec.topic(), rec.value());
                if (t.executor[r.getTurn()] == null) {
                    t.executor[r.getTurn()] = new ServiceMark(rec.timestamp(), r.getCompletedAt().toEpochMilli(),
                        r.getResources().getWallMs());
                }
            }
        }
        return new Round(new ArrayList<>(byId.values()), (long) n * a.turns(), seconds, cpuSeconds);
    }

    private static void collect(Args a, Round round, Samples s) {
        s.turns += round.turns();
        s.seconds += round.seconds();
        for (Tracked t : round.conversations()) {
            s.add(CLIENT, (t.respondedNanos - t.sentNanos) / 1e6 / a.turns());
            s.add(FIRST, t.requestAppliedAt - t.sentMillis);
            long previousOutput = t.sentMillis;
            long previousApplied = t.requestAppliedAt;
            for (int turn = 1; turn <= a.turns(); turn++) {
                ServiceMark w = t.worker[turn];
                if (t.modelAt[turn] == 0 || w == null) throw new IllegalStateException("no model output for turn " + turn);
                s.add(CYCLE, t.modelAt[turn] - previousOutput);
                if (turn > 1) {
                    s.add(MODEL_HOP, t.modelAt[turn] - previousApplied);
                    s.add(TO_WORKER, w.startedAt() - previousApplied);
                    s.add(IN_WORKER, w.busyMs());
                    s.add(WORKER_OUT, w.producedAt() - w.finishedAt());
                    s.add(WORKER_TO_ORCH, t.modelAt[turn] - w.producedAt());
                }
                if (turn < a.turns()) {
                    ServiceMark x = t.executor[turn];
                    if (t.toolAt[turn] == 0 || x == null) throw new IllegalStateException("no tool result for turn " + turn);
                    s.add(TOOL_HOP, t.toolAt[turn] - t.modelAt[turn]);
                    s.add(TO_EXECUTOR, x.startedAt() - t.modelAt[turn]);
                    s.add(IN_EXECUTOR, x.busyMs());
                    s.add(EXECUTOR_OUT, x.producedAt() - x.finishedAt());
                    s.add(EXECUTOR_TO_ORCH, t.toolAt[turn] - x.producedAt());
                    previousApplied = t.toolAt[turn];
                }
                previousOutput = t.modelAt[turn];
            }
            s.add(LAST, t.respondedMillis - t.modelAt[a.turns()]);
        }
    }

    private static void report(PrintWriter out, Args a, int n, int rounds, double load, Samples s) {
        out.printf(Locale.ROOT, "%n== %d conversation%s at once: %d rounds, %d turns in %.2f s: %.0f turns/s; "
                + "%.1f ms of CPU per turn (this JVM: broker, services, bench; %.2f cores busy); load average %.2f "
                + "before ==%n", n, n == 1 ? "" : "s", rounds, s.turns, s.seconds, s.turns / s.seconds,
            s.cpuSeconds * 1000 / s.turns, s.cpuSeconds / s.seconds, load);
        out.printf(Locale.ROOT, "%-58s %9s %9s %9s %9s%n", "(milliseconds)", "p50", "p99", "max", "mean");
        s.byName.forEach((name, values) -> line(out, name, values));
        long total = s.brokerRequests.values().stream().mapToLong(Long::longValue).sum();
        if (total > 0) {
            var top = s.brokerRequests.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / (double) s.turns)).toList();
            out.printf(Locale.ROOT, "broker requests per turn: %.1f (%s)%n", total / (double) s.turns,
                String.join(", ", top));
        }
    }

    /** Requests the embedded broker (same JVM) handled so far, by API, from its JMX request metrics. */
    private static Map<String, Long> brokerRequests() {
        Map<String, Long> out = new HashMap<>();
        try {
            var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            var pattern = new javax.management.ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*");
            for (var name : server.queryNames(pattern, null)) {
                Object count = server.getAttribute(name, "Count");
                out.merge(name.getKeyProperty("request"), ((Number) count).longValue(), Long::sum);
            }
        } catch (Exception e) {
            // no broker metrics: the breakdown goes without them
        }
        return out;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> out = new HashMap<>();
        after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
        return out;
    }

    private static void summary(PrintWriter out, List<Map.Entry<Integer, Samples>> results) {
        out.printf(Locale.ROOT, "%nsummary%n");
        results.forEach(e -> {
            int n = e.getKey();
            Samples s = e.getValue();
            double[] c = sorted(s.get(CYCLE));
            double[] w = sorted(s.get(CLIENT));
            out.printf(Locale.ROOT, "  %3d conversations: %6.0f turns/s, %5.1f ms CPU/turn; per turn (loop cycle) "
                    + "p50 %6.1f ms, p99 %6.1f ms; client view p50 %6.1f ms, p99 %6.1f ms%n", n, s.turns / s.seconds,
                s.cpuSeconds * 1000 / s.turns, pct(c, 0.5), pct(c, 0.99), pct(w, 0.5), pct(w, 0.99));
        });
        var lightestEntry = results.stream().min(Map.Entry.comparingByKey()).orElseThrow();
        var heaviest = results.stream().max(Map.Entry.comparingByKey()).orElseThrow().getValue();
        int lightN = lightestEntry.getKey();
        double[] c = sorted(lightestEntry.getValue().get(CYCLE));
        double best = results.stream().mapToDouble(e -> e.getValue().turns / e.getValue().seconds).max().orElse(0);
        out.printf(Locale.ROOT, "targets (issue): <= 20 ms p50, <= 100 ms p99 per turn, >= 500 turns/s on 2 cores%n");
        out.printf(Locale.ROOT, "  latency at %d conversation%s: p50 %.1f ms (%s), p99 %.1f ms (%s); throughput: "
                + "%.0f turns/s at the heaviest level, %.0f at best (%s)%n", lightN, lightN == 1 ? "" : "s",
            pct(c, 0.5), pct(c, 0.5) <= 20 ? "met" : "NOT met", pct(c, 0.99), pct(c, 0.99) <= 100 ? "met" : "NOT met",
            heaviest.turns / heaviest.seconds, best, best >= 500 ? "met" : "NOT met");
    }

    private static void line(PrintWriter out, String what, List<Double> samples) {
        double[] s = sorted(samples);
        double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "%-58s %9.1f %9.1f %9.1f %9.1f  (n=%d)%n", what, pct(s, 0.50), pct(s, 0.99),
            s.length == 0 ? Double.NaN : s[s.length - 1], mean, s.length);
    }

    private static double[] sorted(List<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double pct(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /**
     * Committed records of some topics, every partition assigned, no consumer group. {@link #markEnd} remembers the
     * current end, {@link #readToEnd} reads from there up to the end at the time of the call.
     */
    private static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();

        TopicReader(Map<String, Object> client, List<String> topics) {
            Map<String, Object> config = new HashMap<>(client);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            markEnd();
        }

        void markEnd() {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        }

        List<ConsumerRecord<String, byte[]>> poll(Duration timeout) {
            var out = new ArrayList<ConsumerRecord<String, byte[]>>();
            consumer.poll(timeout).forEach(out::add);
            return out;
        }

        List<ConsumerRecord<String, byte[]>> readToEnd(Duration limit) {
            var out = new ArrayList<ConsumerRecord<String, byte[]>>();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + limit.toNanos();
            Function<TopicPartition, Boolean> behind = tp -> consumer.position(tp) < ends.get(tp);
            while (partitions.stream().anyMatch(behind::apply)) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("could not read the topics to their end");
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private LoopOverheadBench() {}
}
