package dev.agentrt.cli.eval;

import static dev.agentrt.cli.eval.EvalScripts.ALL_TOOLS;
import static dev.agentrt.cli.eval.EvalScripts.cases;
import static dev.agentrt.cli.eval.EvalScripts.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.Role;
import dev.agentrt.worker.testing.ScriptedHarmonyEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The in-process runner on a scripted engine: real prompts, decoder, Harmony parser, loop rules and builtin tools,
 * with completions chosen per case ({@link EvalScripts}), so every failure kind comes out of the real pipeline.
 */
class DirectRunnerTest {

    private static final EvalSettings SETTINGS = new EvalSettings(4, 200, Duration.ofMinutes(1), 4, 4096);

    private static List<CaseScore> score(ScriptedHarmonyEngine engine, EvalSettings settings, Clock clock,
                                         List<EvalCase> cases) {
        var finished = new ArrayList<String>();
        List<CaseRun> runs = new DirectRunner(engine, settings, clock).run(cases, r -> finished.add(r.evalCase().id()));
        assertThat(finished).containsExactlyInAnyOrderElementsOf(cases.stream().map(EvalCase::id).toList());
        assertThat(runs).extracting(r -> r.evalCase().id()).containsExactlyElementsOf(finished.stream()
            .sorted((a, b) -> indexOf(cases, a) - indexOf(cases, b)).toList());
        return runs.stream().map(Scorer::score).toList();
    }

    private static int indexOf(List<EvalCase> cases, String id) {
        for (int i = 0; i < cases.size(); i++) if (cases.get(i).id().equals(id)) return i;
        return -1;
    }

    private static Map<String, CaseScore> byId(List<CaseScore> scores) {
        return scores.stream().collect(Collectors.toMap(CaseScore::id, Function.identity()));
    }

    @Test
    void calculatorRoundTripsScoreOneHundredPercent() {
        var cases = cases(
            line("mul", "calc 17.5 * 23", ALL_TOOLS, "\"functions.calculate\"", "{\"expression\":\"17.5 * 23\"}",
                "= 402\\.5$"),
            line("sqrt", "calc sqrt(2) ^ 2", "[\"calculator\"]", "\"calculate\"", null, "= 2"),
            line("div", "calc 1 / 8", "[\"functions.calculate\"]", "\"calculator\"", "{}", "0\\.125"),
            line("sum", "calc 2 + 3", "[\"calculator\"]", "\"calculator\"", "{\"expression\":\"2 + 3\"}", "= 5\\b"),
            line("direct", "answer Paris is the capital of France.", ALL_TOOLS, null, null, "(?i)paris"),
            line("sub", "calc 10 - 4.5", ALL_TOOLS, "\"calculator\"", "{\"expression\":\"10 - 4.5\"}", "5\\.5"));
        var engine = EvalScripts.engine();

        var scores = score(engine, SETTINGS, Clock.systemUTC(), cases);

        assertThat(scores).allSatisfy(s -> {
            assertThat(s.success()).as(s.id() + ": " + s.reason()).isTrue();
            assertThat(s.reason()).isEmpty();
            assertThat(s.status()).isEqualTo("COMPLETED");
        });
        var report = new EvalReport("direct", "scripted", "test", scores, 0, 1_000_000_000L);
        assertThat(report.successRate()).isEqualTo(1.0);
        assertThat(report.toolAndArgsCorrect()).isEqualTo(6);
        assertThat(report.finalCorrect()).isEqualTo(6);
        assertThat(report.failureKinds()).isEmpty();

        var mul = byId(scores).get("mul");
        assertThat(mul.turns()).isEqualTo(2);
        assertThat(mul.calls()).containsExactly(new CaseScore.Call("functions.calculate", "{\"expression\":\"17.5 * 23\"}"));
        assertThat(mul.finalText()).isEqualTo("17.5 * 23 = 402.5");
        // Turn 2 reused turn 1's KV cache (the worker's affinity), as it would on the real worker.
        assertThat(mul.cachedPromptTokens()).isGreaterThan(0);
        assertThat(mul.completionTokens()).isGreaterThan(10);
        assertThat(byId(scores).get("direct").turns()).isEqualTo(1);
        assertThat(byId(scores).get("direct").calls()).isEmpty();
        // Cases share the decode steps, at most --max-batch of them.
        assertThat(engine.maxDecodeBatch()).isBetween(2, 4);
    }

    @Test
    void theTranscriptIsTheConversationAsTheLoopAppendsIt() {
        var cases = cases(line("mul", "calc 6 * 7", "[\"calculator\"]", "\"calculator\"", null, "42"));
        List<CaseRun> runs = new DirectRunner(EvalScripts.engine(), SETTINGS, Clock.systemUTC()).run(cases, r -> { });
        var messages = runs.getFirst().messages();
        assertThat(messages).extracting(m -> m.getAuthor().getRole())
            .containsExactly(Role.USER, Role.ASSISTANT, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT, Role.ASSISTANT);
        assertThat(messages.get(2).getRecipient()).isEqualTo("functions.calculate");
        assertThat(messages.get(3).getAuthor().getName()).isEqualTo("functions.calculate");
        assertThat(Scorer.text(messages.get(3))).contains("\"result\"").contains("42");
        assertThat(messages.getLast().getChannel()).isEqualTo("final");
        assertThat(runs.getFirst().response().getStatus()).isEqualTo(ConversationStatus.COMPLETED);
        assertThat(runs.getFirst().response().getClientMetadata()).containsEntry("eval_case", "mul");
    }

    @Test
    void everyWayToFailIsReportedWithItsKind() {
        var cases = cases(
            line("no-call", "answer It is 402.5.", ALL_TOOLS, "\"calculator\"", null, "402\\.5"),
            line("wrong", "call functions.convert_units {\"value\":1,\"from\":\"km\",\"to\":\"m\"}", ALL_TOOLS,
                "\"calculator\"", null, "1000"),
            line("unexpected", "calc 1 + 1", ALL_TOOLS, null, null, "2"),
            line("bad-json", "call functions.calculate {\"expression\": 1 +", ALL_TOOLS, "\"calculator\"", null, "ZZZ"),
            line("not-object", "call functions.calculate [1]", ALL_TOOLS, "\"calculator\"", null, "ZZZ"),
            line("args", "calc 17.5*24", ALL_TOOLS, "\"calculator\"", "{\"expression\":\"17.5*23\"}", "402\\.5"),
            line("mismatch", "answer I do not know.", "[]", null, null, "Paris"),
            line("think", "think", ALL_TOOLS, null, null, "ZZZ"),
            line("forever", "forever", ALL_TOOLS, "\"calculator\"", "{\"expression\":\"1+1\"}", "2"),
            line("unknown", "call functions.nope {}", ALL_TOOLS, null, null, "ZZZ"),
            line("garbage", "garbage", ALL_TOOLS, null, null, "ZZZ"),
            line("crash", "crash", ALL_TOOLS, null, null, "ZZZ"));

        var s = byId(score(EvalScripts.engine(), SETTINGS, Clock.systemUTC(), cases));

        assertThat(s.get("no-call").failures()).containsExactly(FailureKind.NO_TOOL_CALL);
        assertThat(s.get("no-call").finalOk()).isTrue(); // right answer, but not through the tool
        assertThat(s.get("no-call").reason()).isEqualTo("no_tool_call: called no tool, expected functions.calculate");
        assertThat(s.get("wrong").failures()).containsExactly(FailureKind.WRONG_TOOL);
        assertThat(s.get("wrong").reason()).contains("called functions.convert_units first, expected functions.calculate");
        assertThat(s.get("unexpected").failures()).containsExactly(FailureKind.UNEXPECTED_TOOL_CALL);
        assertThat(s.get("unexpected").finalOk()).isTrue();
        // The calculator refuses the broken call; the model's answer quotes the error and misses the regex.
        assertThat(s.get("bad-json").failures()).containsExactly(FailureKind.BAD_ARGUMENTS_JSON, FailureKind.FINAL_MISMATCH);
        assertThat(s.get("bad-json").toolOk()).isTrue();
        assertThat(s.get("bad-json").argsOk()).isFalse();
        assertThat(s.get("bad-json").finalText()).contains("Error: BAD_ARGUMENTS");
        assertThat(s.get("not-object").failures()).containsExactly(FailureKind.BAD_ARGUMENTS_JSON, FailureKind.FINAL_MISMATCH);
        assertThat(s.get("not-object").reason()).contains("not a JSON object");
        assertThat(s.get("args").failures()).containsExactly(FailureKind.ARGS_MISMATCH, FailureKind.FINAL_MISMATCH);
        assertThat(s.get("args").reason()).startsWith(
            "args_mismatch: expression: expected \"17.5*23\", got \"17.5*24\"; final_mismatch: /402\\.5/ not found in \"17.5*24 = 420\"");
        assertThat(s.get("mismatch").failures()).containsExactly(FailureKind.FINAL_MISMATCH);
        assertThat(s.get("mismatch").toolOk()).isTrue();
        assertThat(s.get("think").failures()).containsExactly(FailureKind.TURN_LIMIT, FailureKind.NO_FINAL);
        assertThat(s.get("think").turns()).isEqualTo(4);
        assertThat(s.get("forever").failures()).containsExactly(FailureKind.TURN_LIMIT, FailureKind.NO_FINAL);
        assertThat(s.get("forever").toolOk()).isTrue();
        assertThat(s.get("forever").argsOk()).isTrue();
        assertThat(s.get("forever").calls()).hasSize(4);
        assertThat(s.get("unknown").failures()).containsExactly(FailureKind.UNEXPECTED_TOOL_CALL, FailureKind.NO_FINAL);
        assertThat(s.get("unknown").status()).isEqualTo("UNKNOWN_TOOL");
        assertThat(s.get("garbage").failures()).containsExactly(FailureKind.HARMONY_ERROR, FailureKind.NO_FINAL);
        assertThat(s.get("garbage").status()).isEqualTo("WORKER_ERROR");
        assertThat(s.get("crash").failures()).containsExactly(FailureKind.ENGINE_ERROR, FailureKind.NO_FINAL);
        assertThat(s.get("crash").reason()).contains("scripted engine failure");
        assertThat(s.values()).noneMatch(CaseScore::success);
    }

    @Test
    void aTurnCutByItsTokenLimitIsATokenLimitEvenWhenThePartialAnswerMatches() {
        var cases = cases(line("long", "answer " + "402.5 ".repeat(40), "[]", null, null, "402\\.5"));
        var settings = new EvalSettings(4, 8, Duration.ofMinutes(1), 1, 4096);
        var score = score(EvalScripts.engine(), settings, Clock.systemUTC(), cases).getFirst();
        assertThat(score.status()).isEqualTo("TURN_TOKEN_LIMIT");
        assertThat(score.failures()).containsExactly(FailureKind.TOKEN_LIMIT);
        assertThat(score.finalText()).contains("402.5");
        assertThat(score.finalOk()).isFalse();
        assertThat(score.completionTokens()).isEqualTo(8);
    }

    @Test
    void aCaseThatPassesItsDeadlineTimesOutAndTheNextCaseGetsItsOwnDeadline() {
        var clock = new MutableClock(Instant.parse("2025-08-05T10:00:00Z"));
        // The engine takes "two minutes" on the first case's first prompt only.
        var engine = new ScriptedHarmonyEngine(prompt -> {
            if (prompt.firstUserMessage().equals("answer slow") ) clock.advance(Duration.ofMinutes(2));
            return EvalScripts.respond(prompt);
        });
        var cases = cases(line("slow", "answer slow", "[]", null, null, "slow"),
            line("fast", "answer fast", "[]", null, null, "fast"));
        var settings = new EvalSettings(4, 50, Duration.ofMinutes(1), 1, 4096);
        var s = byId(score(engine, settings, clock, cases));
        assertThat(s.get("slow").status()).isEqualTo("DEADLINE");
        assertThat(s.get("slow").failures()).contains(FailureKind.TIMEOUT);
        assertThat(s.get("slow").finalOk()).isFalse();
        assertThat(s.get("fast").success()).as(s.get("fast").reason()).isTrue();
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }
}
