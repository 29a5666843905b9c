package dev.agentrt.demomodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.generate.Generator;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.SamplingParams;
import dev.agentrt.generate.StopTokens;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.HarmonyException;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.Role;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.worker.PromptBuilder;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs eval cases through the Java CPU engine with greedy decoding, the way the agent loop would: render the
 * worker's prompt, generate until {@code <|call|>} or {@code <|return|>}, parse with the strict Harmony parser, run
 * the builtin tool on a call and append its result (as the loop does), and go on until a {@code final} answer.
 * This is the demo model's own quality check; {@code agentrt eval} is the product's.
 */
public final class CaseRunner implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of a cases file ({@code agentrt eval} format). */
    public record EvalCase(String id, String question, List<String> tools, String effort, String expectTool,
                           JsonNode expectArgs, String expectFinalRegex) {
        public static EvalCase parse(String line) {
            try {
                JsonNode j = JSON.readTree(line);
                var tools = new ArrayList<String>();
                j.path("tools").forEach(t -> tools.add(t.asText()));
                return new EvalCase(j.path("id").asText(), j.path("question").asText(), tools,
                    j.path("effort").asText("medium"), j.path("expect_tool").isNull() ? null : j.path("expect_tool").asText(null),
                    j.path("expect_args").isNull() || j.path("expect_args").isMissingNode() ? null : j.get("expect_args"),
                    j.path("expect_final_regex").asText());
            } catch (IOException e) {
                throw new IllegalArgumentException("not a case: " + line, e);
            }
        }

        public static List<EvalCase> read(Path file) throws IOException {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(EvalCase::parse).toList();
        }
    }

    /**
     * What happened to a case.
     *
     * @param toolOk   the expected tool was called first with the expected arguments (or none, when none was expected)
     * @param finalOk  a final answer came and matches the case's regex
     * @param failure  {@code null} when both are right, else a short kind ({@code wrong_tool}, {@code wrong_args},
     *                 {@code no_call}, {@code unexpected_call}, {@code bad_harmony}, {@code token_limit},
     *                 {@code no_final}, {@code wrong_final})
     */
    public record Outcome(EvalCase c, String calledTool, String arguments, String finalText, boolean toolOk,
                          boolean finalOk, String failure, int turns, int generatedTokens, long nanos,
                          List<String> completions) {}

    private final HarmonyEncoding encoding = HarmonyEncoding.o200kHarmony();
    private final PromptBuilder prompts = new PromptBuilder(encoding);
    private final Checkpoint checkpoint;
    private final Parallel pool;
    private final CpuEngine engine;
    private final int maxTokensPerTurn;
    private final int maxTurns;

    public CaseRunner(Path model, int threads, int maxTokensPerTurn, int maxTurns) {
        this.checkpoint = Checkpoint.open(model);
        this.pool = new Parallel(threads);
        this.engine = new CpuEngine(checkpoint.weights(), pool, CpuEngine.DEFAULT_MAX_ROWS);
        this.maxTokensPerTurn = maxTokensPerTurn;
        this.maxTurns = maxTurns;
    }

    public CpuEngine engine() {
        return engine;
    }

    public Outcome run(EvalCase c, Clock clock) {
        long t0 = System.nanoTime();
        var effort = ReasoningEffort.valueOf(c.effort().toUpperCase(Locale.ROOT));
        List<HarmonyMessage> history = new ArrayList<>(List.of(TranscriptRenderer.user(c.question())));
        var completions = new ArrayList<String>();
        String calledTool = null, arguments = null, finalText = null, failure = null;
        int generated = 0, turn = 0;
        var builtins = BuiltinTools.standard(clock);
        var offered = c.tools().stream().map(DemoTools::recipient).toList();
        loop:
        while (++turn <= maxTurns) {
            int[] prompt = prompts.promptTokens(TranscriptRenderer.request(c.tools(), effort, clock.instant(), history, turn));
            Generator.Result r = new Generator(engine, StopTokens.HARMONY)
                .generate(prompt, maxTokensPerTurn, new Sampler(SamplingParams.greedy(), engine.config().vocabSize()), t -> { });
            generated += r.tokens().length;
            completions.add(encoding.tokenizer().decodeLossy(r.tokens()));
            if (r.reason() == Generator.StopReason.MAX_TOKENS) {
                failure = "token_limit";
                break;
            }
            List<Message> messages;
            try {
                messages = encoding.parseMessagesFromCompletionTokens(r.tokens(), Role.ASSISTANT);
            } catch (HarmonyException e) {
                failure = "bad_harmony";
                break;
            }
            if (messages.isEmpty()) {
                failure = "bad_harmony";
                break;
            }
            for (Message m : messages) history.add(TranscriptRenderer.toAvro(m));
            Message last = messages.getLast();
            if ("final".equals(last.channel()) && last.recipient() == null) {
                finalText = last.text();
                break;
            }
            if (last.recipient() != null) {
                if (calledTool == null) {
                    calledTool = last.recipient();
                    arguments = last.text();
                }
                if (!offered.contains(last.recipient())) {
                    failure = "unknown_tool";
                    break loop;
                }
                BuiltinTools.Outcome out = builtins.call(last.recipient(), last.text());
                // As the orchestrator does (EventMapper.toolCompleted): the output, or the status and error.
                String text = out.status() == BuiltinTools.Status.OK ? out.text() : out.status().name() + ": " + out.text();
                history.add(TranscriptRenderer.toolResult(last.recipient(), text));
            }
        }
        boolean toolOk = c.expectTool() == null ? calledTool == null
            : c.expectTool().equals(calledTool) && argumentsMatch(c.expectArgs(), arguments);
        boolean finalOk = finalText != null && Pattern.compile(c.expectFinalRegex()).matcher(finalText).find();
        if (failure == null && !toolOk) {
            failure = c.expectTool() == null ? "unexpected_call"
                : calledTool == null ? "no_call" : !c.expectTool().equals(calledTool) ? "wrong_tool" : "wrong_args";
        }
        if (failure == null && !finalOk) failure = finalText == null ? "no_final" : "wrong_final";
        return new Outcome(c, calledTool, arguments, finalText, toolOk, finalOk, failure, Math.min(turn, maxTurns),
            generated, System.nanoTime() - t0, completions);
    }

    /** Every expected key is present and equal; numbers compare numerically. */
    static boolean argumentsMatch(JsonNode expected, String arguments) {
        if (expected == null) return true;
        JsonNode actual;
        try {
            actual = arguments == null ? null : JSON.readTree(arguments);
        } catch (IOException e) {
            return false;
        }
        if (actual == null || !actual.isObject()) return false;
        for (Map.Entry<String, JsonNode> e : expected.properties()) {
            JsonNode a = actual.get(e.getKey());
            if (a == null) return false;
            if (e.getValue().isNumber()) {
                if (!a.isNumber() || new BigDecimal(a.asText()).compareTo(new BigDecimal(e.getValue().asText())) != 0) {
                    return false;
                }
            } else if (!e.getValue().equals(a)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        engine.close();
        pool.close();
        checkpoint.close();
    }
}
