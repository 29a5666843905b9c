package dev.agentrt.cli.eval;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.engine.Engine;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.loop.AgentLoop;
import dev.agentrt.loop.Command;
import dev.agentrt.loop.ConversationState;
import dev.agentrt.loop.Event;
import dev.agentrt.loop.Step;
import dev.agentrt.orchestrator.LoopRecords;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.tools.service.ToolCallMapper;
import dev.agentrt.worker.BatchDecoder;
import dev.agentrt.worker.DecoderSettings;
import dev.agentrt.worker.KvCacheAffinity;
import dev.agentrt.worker.PromptBuilder;
import dev.agentrt.worker.TurnSink;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs cases in process, with no broker, through the same code the services run: the loop's rules
 * ({@link AgentLoop}) with the orchestrator's record mapping ({@link LoopRecords}), the worker's continuous-batching
 * decoder ({@link BatchDecoder}: the {@link PromptBuilder} prompt, sampler, stop tokens, streaming Harmony parser,
 * KV-cache reuse between turns) and the tool executor's builtin route ({@link ToolExecutor#builtin}). So a case sees
 * byte for byte the prompts, results and tool messages it would see through Kafka.
 *
 * <p>Up to {@code maxBatch} cases run together (their turns share the engine's decode steps); a case's deadline
 * starts when it starts, not when the run does. With a given batch size a run is deterministic; with
 * {@code maxBatch} 1 each case's result is independent of the other cases (batched decoding may differ in the last
 * bits of the logits). One thread; the engine is the caller's.
 */
public final class DirectRunner {

    private final Engine engine;
    private final EvalSettings settings;
    private final Clock clock;
    private final BuiltinTools builtins;
    private final ToolCallMapper toolRecords = new ToolCallMapper("eval-direct");

    public DirectRunner(Engine engine, EvalSettings settings, Clock clock) {
        this.engine = engine;
        this.settings = settings;
        this.clock = clock;
        this.builtins = BuiltinTools.standard(clock);
    }

    /** Runs every case; {@code onFinished} hears of each as it ends. Returns the runs in the cases' order. */
    public List<CaseRun> run(List<EvalCase> cases, Consumer<CaseRun> onFinished) {
        return new Run(cases, onFinished).run();
    }

    /** One call of {@link #run}: the decoder and the conversations in flight. */
    private final class Run {
        private final List<EvalCase> cases;
        private final Consumer<CaseRun> onFinished;
        private final CaseRun[] runs;
        private final Map<String, Conversation> active = new LinkedHashMap<>();
        private final ArrayDeque<InferenceResult> results = new ArrayDeque<>();
        private final KvCacheAffinity affinity;
        private final BatchDecoder decoder;

        Run(List<EvalCase> cases, Consumer<CaseRun> onFinished) {
            this.cases = cases;
            this.onFinished = onFinished;
            this.runs = new CaseRun[cases.size()];
            int context = engine instanceof CpuEngine cpu ? Math.min(cpu.maxContext(), settings.maxContext())
                : settings.maxContext();
            // A finished case's cache is dropped at once (see finish), so at most maxBatch caches are ever kept:
            // the affinity needs no byte budget of its own.
            this.affinity = new KvCacheAffinity(Long.MAX_VALUE, cache -> 0L);
            this.decoder = new BatchDecoder(engine, new PromptBuilder(HarmonyEncoding.o200kHarmony()), affinity,
                new DecoderSettings(settings.maxBatch(), context), clock, "eval-direct");
        }

        List<CaseRun> run() {
            int next = 0;
            while (next < cases.size() || !active.isEmpty()) {
                while (active.size() < settings.maxBatch() && next < cases.size()) {
                    start(next, cases.get(next));
                    next++;
                }
                InferenceResult result = results.poll();
                if (result != null) {
                    Conversation c = active.get(result.getConversationId());
                    if (c == null) throw new IllegalStateException("a result for " + result.getConversationId()
                        + ", which is not running");
                    apply(c, LoopRecords.inferenceCompleted(result, clock.instant()));
                } else if (!active.isEmpty() && !decoder.step() && results.isEmpty()) {
                    // Every running case waits for a turn (tools answer at once), so the decoder must have work
                    // (a turn admitted and ended in the same step leaves the decoder empty but has a result).
                    throw new IllegalStateException("cases " + active.keySet() + " wait, but the decoder is idle");
                }
            }
            return Arrays.asList(runs);
        }

        private void start(int index, EvalCase evalCase) {
            ConversationRequest request = settings.request(evalCase, clock);
            var c = new Conversation(index, evalCase, request, results);
            active.put(request.getConversationId(), c);
            apply(c, LoopRecords.start(request, c.startedAt));
        }

        /** Applies an event and carries out its commands; a tool call's result is applied in turn. */
        private void apply(Conversation c, Event event) {
            var events = new ArrayDeque<Event>(List.of(event));
            while (!events.isEmpty()) {
                ConversationState before = c.state;
                Step step = AgentLoop.apply(before, events.poll());
                c.state = step.state();
                Instant now = clock.instant();
                for (Command command : step.commands()) {
                    switch (command) {
                        case Command.AppendTranscript a ->
                            c.messages.add(LoopRecords.transcript(a, before, now).getMessage());
                        case Command.RequestInference r ->
                            decoder.submit(LoopRecords.inferenceRequest(r, c.request, now), now, c);
                        case Command.CallTool t -> {
                            var call = LoopRecords.toolCall(t, c.request, now);
                            var result = ToolExecutor.builtin(builtins, toolRecords.toLibrary(call));
                            Instant done = clock.instant();
                            events.add(LoopRecords.toolCompleted(toolRecords.toAvro(call, result, done), done));
                        }
                        case Command.Respond r -> c.response = LoopRecords.response(r, c.request, c.startedAt, now);
                        case Command.Ignored ignored -> { } // one thing is awaited at a time and answered once
                    }
                }
            }
            if (c.response != null) finish(c);
        }

        private void finish(Conversation c) {
            active.remove(c.request.getConversationId());
            affinity.take(c.request.getConversationId(), new int[0]); // drops its cache: no further turn comes
            var run = new CaseRun(c.evalCase, c.request.getConversationId(), c.messages, c.response, null,
                System.nanoTime() - c.startedNanos);
            runs[c.index] = run;
            onFinished.accept(run);
        }
    }

    /** A case in flight; also the sink of its turns' results. */
    private final class Conversation implements TurnSink {
        final int index;
        final EvalCase evalCase;
        final ConversationRequest request;
        final Instant startedAt = clock.instant();
        final long startedNanos = System.nanoTime();
        final List<HarmonyMessage> messages = new ArrayList<>();
        final ArrayDeque<InferenceResult> results;
        ConversationState state;
        ConversationResponse response;

        Conversation(int index, EvalCase evalCase, ConversationRequest request, ArrayDeque<InferenceResult> results) {
            this.index = index;
            this.evalCase = evalCase;
            this.request = request;
            this.results = results;
        }

        @Override
        public void delta(TokenDelta delta) {}

        @Override
        public void finished(InferenceResult result) {
            results.add(result);
        }
    }
}
