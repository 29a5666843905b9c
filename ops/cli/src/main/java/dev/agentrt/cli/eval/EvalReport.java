package dev.agentrt.cli.eval;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scores of a run and their totals, printed for people ({@link #print}) or as one JSON object ({@link #json}).
 *
 * @param mode        {@code direct} or {@code kafka}
 * @param setupNanos  loading the model (and, through Kafka, starting the stack), before the first case
 * @param wallNanos   from the first case's start to the last case's end
 */
public record EvalReport(String mode, String model, String engine, List<CaseScore> scores, long setupNanos,
                         long wallNanos) {

    public EvalReport {
        scores = List.copyOf(scores);
    }

    public int cases() {
        return scores.size();
    }

    public long succeeded() {
        return scores.stream().filter(CaseScore::success).count();
    }

    public long toolAndArgsCorrect() {
        return scores.stream().filter(s -> s.toolOk() && s.argsOk()).count();
    }

    public long finalCorrect() {
        return scores.stream().filter(CaseScore::finalOk).count();
    }

    public double successRate() {
        return rate(succeeded());
    }

    /** How many cases failed in each way, in {@link FailureKind} order (a case may count under several). */
    public Map<FailureKind, Long> failureKinds() {
        var counts = new EnumMap<FailureKind, Long>(FailureKind.class);
        for (CaseScore s : scores) {
            for (FailureKind k : s.failures()) counts.merge(k, 1L, Long::sum);
        }
        return counts;
    }

    public long generatedTokens() {
        return scores.stream().mapToLong(CaseScore::completionTokens).sum();
    }

    public long promptTokens() {
        return scores.stream().mapToLong(CaseScore::promptTokens).sum();
    }

    public long cachedPromptTokens() {
        return scores.stream().mapToLong(CaseScore::cachedPromptTokens).sum();
    }

    /** Generated tokens per second of wall time over the whole run (all cases together). */
    public double tokensPerSecond() {
        return wallNanos <= 0 ? 0 : generatedTokens() / (wallNanos / 1e9);
    }

    private double rate(long n) {
        return scores.isEmpty() ? 0 : (double) n / scores.size();
    }

    public void print(PrintWriter out) {
        int width = Math.max(4, scores.stream().mapToInt(s -> s.id().length()).max().orElse(4));
        for (CaseScore s : scores) {
            out.printf(Locale.ROOT, "  %-4s  %-" + width + "s  tool %s  args %s  final %s  %-16s %2d turn%s %6d tokens %7.1f s%n",
                s.success() ? "ok" : "FAIL", s.id(), mark(s.toolOk()), mark(s.argsOk()), mark(s.finalOk()), s.status(),
                s.turns(), s.turns() == 1 ? " " : "s", s.completionTokens(), s.wallMs() / 1e3);
        }
        out.println();
        out.printf(Locale.ROOT, "cases                    %d (%s, model %s, engine %s)%n", cases(), mode, model, engine);
        line(out, "tool choice + arguments", toolAndArgsCorrect());
        line(out, "final answer", finalCorrect());
        line(out, "success", succeeded());
        var kinds = failureKinds();
        out.println("failure kinds            " + (kinds.isEmpty() ? "none" : String.join(", ",
            kinds.entrySet().stream().map(e -> e.getKey().wire() + " " + e.getValue()).toList())));
        out.printf(Locale.ROOT, "tokens                   %d generated, %d prompt (%d from the KV cache)%n",
            generatedTokens(), promptTokens(), cachedPromptTokens());
        out.printf(Locale.ROOT, "time                     %.1f s for the cases (%.1f generated tokens/s), %.1f s setup%n",
            wallNanos / 1e9, tokensPerSecond(), setupNanos / 1e9);
        var failed = scores.stream().filter(s -> !s.success()).toList();
        if (!failed.isEmpty()) {
            out.println();
            out.println("failed cases");
            for (CaseScore s : failed) out.println("  " + s.id() + ": " + s.reason());
        }
        out.flush();
    }

    private void line(PrintWriter out, String what, long n) {
        out.printf(Locale.ROOT, "%-24s %d/%d (%.1f %%)%n", what, n, cases(), 100 * rate(n));
    }

    private static String mark(boolean ok) {
        return ok ? "✓" : "✗";
    }

    /** One JSON object: the settings of the run, its totals and every case's result. */
    public String json() {
        var mapper = JsonMapper.builder().build();
        ObjectNode root = mapper.createObjectNode();
        root.put("mode", mode).put("model", model).put("engine", engine);
        ObjectNode totals = root.putObject("totals");
        totals.put("cases", cases())
            .put("succeeded", succeeded())
            .put("success_rate", successRate())
            .put("tool_and_args_correct", toolAndArgsCorrect())
            .put("tool_and_args_accuracy", rate(toolAndArgsCorrect()))
            .put("final_correct", finalCorrect())
            .put("final_accuracy", rate(finalCorrect()));
        ObjectNode kinds = totals.putObject("failure_kinds");
        failureKinds().forEach((k, n) -> kinds.put(k.wire(), n));
        totals.put("generated_tokens", generatedTokens())
            .put("prompt_tokens", promptTokens())
            .put("cached_prompt_tokens", cachedPromptTokens())
            .put("tokens_per_second", tokensPerSecond())
            .put("wall_seconds", wallNanos / 1e9)
            .put("setup_seconds", setupNanos / 1e9);
        var cases = root.putArray("cases");
        for (CaseScore s : scores) {
            ObjectNode c = cases.addObject();
            c.put("id", s.id()).put("success", s.success()).put("tool_ok", s.toolOk()).put("args_ok", s.argsOk())
                .put("final_ok", s.finalOk()).put("status", s.status());
            var failures = c.putArray("failures");
            s.failures().forEach(f -> failures.add(f.wire()));
            c.put("reason", s.reason());
            var calls = c.putArray("tool_calls");
            s.calls().forEach(call -> calls.addObject().put("recipient", call.recipient())
                .put("arguments", call.arguments()));
            c.put("final", s.finalText());
            c.put("turns", s.turns()).put("prompt_tokens", s.promptTokens())
                .put("cached_prompt_tokens", s.cachedPromptTokens()).put("generated_tokens", s.completionTokens())
                .put("wall_ms", s.wallMs());
        }
        return root.toString();
    }
}
