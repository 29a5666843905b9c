package dev.agentrt.demomodel;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo model's quality check: runs a cases file through {@link CaseRunner} (Java CPU engine, greedy, real
 * builtin tools) and prints tool-choice/argument accuracy and final-answer accuracy, the failure kinds and the
 * tokens/s.
 *
 * <p>Usage: {@code HeldoutEval [--model DIR] [--cases FILE] [--limit N] [--threads N] [--max-tokens N] [--verbose]}
 * (default model: the bundled one; default cases: {@code ops/demo-model/cases-heldout.jsonl}).
 */
public final class HeldoutEval {

    /** The summary of a run. */
    public record Report(int cases, int toolOk, int finalOk, int bothOk, Map<String, Integer> failures,
                         long generatedTokens, double seconds, List<CaseRunner.Outcome> outcomes) {
        public double toolAccuracy() {
            return cases == 0 ? 0 : (double) toolOk / cases;
        }

        public double finalAccuracy() {
            return cases == 0 ? 0 : (double) finalOk / cases;
        }

        public String describe() {
            return String.format(Locale.ROOT, "%d cases: tool choice and arguments %.1f%% (%d), final answer %.1f%% (%d), "
                    + "both %.1f%%; failures %s; %d generated tokens in %.1f s (%.0f tokens/s incl. prefill)",
                cases, 100.0 * toolAccuracy(), toolOk, 100.0 * finalAccuracy(), finalOk, 100.0 * bothOk / Math.max(1, cases),
                failures, generatedTokens, seconds, generatedTokens / Math.max(1e-9, seconds));
        }
    }

    private HeldoutEval() {}

    public static Report run(CaseRunner runner, List<CaseRunner.EvalCase> cases, Clock clock, boolean verbose) {
        long t0 = System.nanoTime();
        int tool = 0, fin = 0, both = 0;
        long tokens = 0;
        var failures = new TreeMap<String, Integer>();
        var outcomes = new ArrayList<CaseRunner.Outcome>();
        for (CaseRunner.EvalCase c : cases) {
            CaseRunner.Outcome o = runner.run(c, clock);
            outcomes.add(o);
            if (o.toolOk()) tool++;
            if (o.finalOk()) fin++;
            if (o.toolOk() && o.finalOk()) both++;
            if (o.failure() != null) failures.merge(o.failure(), 1, Integer::sum);
            tokens += o.generatedTokens();
            if (verbose || o.failure() != null) {
                System.out.printf(Locale.ROOT, "%s %-14s %s | call %s %s | final %s%n", c.id(),
                    o.failure() == null ? "ok" : o.failure(), c.question(), o.calledTool(), o.arguments(),
                    o.finalText());
                if (o.failure() != null) System.out.println("    completions: " + o.completions());
            }
        }
        return new Report(cases.size(), tool, fin, both, failures, tokens, (System.nanoTime() - t0) / 1e9, outcomes);
    }

    public static void main(String[] args) throws Exception {
        Path model = null;
        Path cases = Path.of("ops/demo-model/cases-heldout.jsonl");
        int limit = Integer.MAX_VALUE, threads = 2, maxTokens = 128;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = Path.of(args[++i]);
                case "--cases" -> cases = Path.of(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--max-tokens" -> maxTokens = Integer.parseInt(args[++i]);
                case "--verbose" -> verbose = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model == null) model = DemoModel.path();
        List<CaseRunner.EvalCase> all = CaseRunner.EvalCase.read(cases);
        all = all.subList(0, Math.min(limit, all.size()));
        try (var runner = new CaseRunner(model, threads, maxTokens, 4)) {
            Report r = run(runner, all, Clock.systemUTC(), verbose);
            System.out.println(r.describe());
        }
    }
}
