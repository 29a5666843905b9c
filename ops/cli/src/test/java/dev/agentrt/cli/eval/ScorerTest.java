package dev.agentrt.cli.eval;

import static dev.agentrt.cli.eval.EvalScripts.ALL_TOOLS;
import static dev.agentrt.cli.eval.EvalScripts.cases;
import static dev.agentrt.cli.eval.EvalScripts.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.Author;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The scoring rules on hand-made conversations (the scripted pipeline runs them for real in DirectRunnerTest). */
class ScorerTest {

    private static final EvalCase CALC = cases(line("calc", "q", ALL_TOOLS, "\"calculator\"",
        "{\"expression\":\"2+2\",\"opts\":{\"digits\":2}}", "\\b4\\b")).getFirst();
    private static final EvalCase NO_TOOL = cases(line("plain", "q", ALL_TOOLS, null, null, "Paris")).getFirst();

    private static HarmonyMessage message(Role role, String name, String recipient, String channel, String text) {
        return HarmonyMessage.newBuilder().setAuthor(new Author(role, name)).setRecipient(recipient)
            .setChannel(channel).setContentType(recipient == null ? null : "<|constrain|>json")
            .setContent(List.of(new TextContent(text))).build();
    }

    private static HarmonyMessage user(String text) {
        return message(Role.USER, null, null, null, text);
    }

    private static HarmonyMessage call(String recipient, String args) {
        return message(Role.ASSISTANT, null, recipient, "commentary", args);
    }

    private static HarmonyMessage toolResult(String tool, String text) {
        return message(Role.TOOL, tool, "assistant", "commentary", text);
    }

    private static HarmonyMessage answer(String text) {
        return message(Role.ASSISTANT, null, null, "final", text);
    }

    private static ConversationResponse response(ConversationStatus status, HarmonyMessage finalMessage, String error) {
        return ConversationResponse.newBuilder().setConversationId("conv-1").setTenant("default").setStatus(status)
            .setFinalMessage(finalMessage).setUsage(new Usage(300L, 100L, 42L)).setTurns(2).setError(error)
            .setStartedAt(Instant.EPOCH).setCompletedAt(Instant.EPOCH).build();
    }

    /** A conversation: the question, {@code messages}, and a COMPLETED response with the last one as the answer. */
    private static CaseScore completed(EvalCase c, HarmonyMessage... messages) {
        var all = new ArrayList<HarmonyMessage>(List.of(user("q")));
        all.addAll(List.of(messages));
        HarmonyMessage last = messages[messages.length - 1];
        return Scorer.score(new CaseRun(c, "conv-1", all, response(ConversationStatus.COMPLETED, last, null), null,
            1_500_000_000L));
    }

    private static CaseScore ended(EvalCase c, ConversationStatus status, String error, HarmonyMessage... messages) {
        var all = new ArrayList<HarmonyMessage>(List.of(user("q")));
        all.addAll(List.of(messages));
        return Scorer.score(new CaseRun(c, "conv-1", all, response(status, null, error), null, 1_000_000L));
    }

    @Test
    void aCorrectCallAndAnswerSucceedsAndCarriesItsFigures() {
        var s = completed(CALC, call("functions.calculate", "{\"expression\":\"2+2\",\"opts\":{\"digits\":2.0,\"x\":1}}"),
            toolResult("functions.calculate", "{\"result\":4}"), answer("2+2 = 4"));
        assertThat(s.success()).isTrue();
        assertThat(s.toolOk()).isTrue();
        assertThat(s.argsOk()).isTrue();
        assertThat(s.finalOk()).isTrue();
        assertThat(s.failures()).isEmpty();
        assertThat(s.reason()).isEmpty();
        assertThat(s.status()).isEqualTo("COMPLETED");
        assertThat(s.finalText()).isEqualTo("2+2 = 4");
        assertThat(s.turns()).isEqualTo(2);
        assertThat(s.promptTokens()).isEqualTo(300);
        assertThat(s.cachedPromptTokens()).isEqualTo(100);
        assertThat(s.completionTokens()).isEqualTo(42);
        assertThat(s.wallMs()).isEqualTo(1500);
    }

    @Test
    void theFirstCallIsTheChoiceAndOnlyItsArgumentsCount() {
        var s = completed(CALC, call("functions.get_current_time", "{}"), toolResult("functions.get_current_time", "{}"),
            call("functions.calculate", "{\"expression\":\"2+2\",\"opts\":{\"digits\":2}}"), answer("4"));
        assertThat(s.failures()).containsExactly(FailureKind.WRONG_TOOL);
        assertThat(s.calls()).extracting(CaseScore.Call::recipient)
            .containsExactly("functions.get_current_time", "functions.calculate");
        var retried = completed(CALC, call("functions.calculate", "{\"expression\":\"2 + 2\"}"),
            call("functions.calculate", "{\"expression\":\"2+2\",\"opts\":{\"digits\":2}}"), answer("4"));
        assertThat(retried.failures()).containsExactly(FailureKind.ARGS_MISMATCH);
        assertThat(retried.reason()).isEqualTo("args_mismatch: expression: expected \"2+2\", got \"2 + 2\"");
    }

    @Test
    void messagesToUsersOrToAllAreNotToolCalls() {
        var s = completed(NO_TOOL, message(Role.ASSISTANT, null, "all", "commentary", "working on it"),
            message(Role.ASSISTANT, null, "user", "commentary", "hello"), answer("Paris"));
        assertThat(s.success()).isTrue();
        assertThat(s.calls()).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "{\"expression\":\"2+2\",\"opts\":{\"digits\":2},\"expression\":\"3\"} | Duplicate field",
        "{\"expression\":\"2+2\",\"opts\":{\"digits\":2}} trailing                | not valid JSON",
        "2+2                                                                    | not valid JSON",
        "\"2+2\"                                                                | not a JSON object",
        "''                                                                     | not a JSON object",
    })
    void argumentsMustBeExactlyOneJsonObject(String arguments, String why) {
        var s = completed(CALC, call("functions.calculate", arguments), answer("4"));
        assertThat(s.toolOk()).isTrue();
        assertThat(s.argsOk()).isFalse();
        assertThat(s.failures()).containsExactly(FailureKind.BAD_ARGUMENTS_JSON);
        assertThat(s.reason()).contains(why);
    }

    @Test
    void withoutExpectArgsAnyObjectWillDo() {
        var c = cases(line("any", "q", ALL_TOOLS, "\"calculator\"", null, "4")).getFirst();
        assertThat(completed(c, call("functions.calculate", "{\"whatever\":[1]}"), answer("4")).success()).isTrue();
        assertThat(completed(c, call("functions.calculate", "[]"), answer("4")).failures())
            .containsExactly(FailureKind.BAD_ARGUMENTS_JSON);
    }

    @Test
    void theFinalRegexIsFoundAnywhereNotMatchedWhole() {
        assertThat(completed(NO_TOOL, answer("The capital of France is Paris, of course.")).finalOk()).isTrue();
        var s = completed(NO_TOOL, answer("The capital is\nLyon \"probably\""));
        assertThat(s.failures()).containsExactly(FailureKind.FINAL_MISMATCH);
        assertThat(s.reason()).isEqualTo("final_mismatch: /Paris/ not found in \"The capital is\\nLyon \\\"probably\\\"\"");
        String longAnswer = "x".repeat(500);
        assertThat(completed(NO_TOOL, answer(longAnswer)).reason()).hasSizeLessThan(120);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "MAX_TURNS, TURN_LIMIT",
        "TURN_TOKEN_LIMIT, TOKEN_LIMIT",
        "TOKEN_BUDGET, TOKEN_BUDGET",
        "DEADLINE, TIMEOUT",
        "TOOL_TIMEOUT, TIMEOUT",
        "UNKNOWN_TOOL, UNKNOWN_TOOL",
        "WORKER_ERROR, ENGINE_ERROR",
        "INVALID_REQUEST, INVALID_REQUEST",
        "CANCELLED, ENGINE_ERROR",
        "UNKNOWN, ENGINE_ERROR",
    })
    void everyEarlyEndHasItsKind(ConversationStatus status, FailureKind kind) {
        var s = ended(NO_TOOL, status, "it ended");
        assertThat(s.failures()).containsExactly(kind, FailureKind.NO_FINAL);
        assertThat(s.status()).isEqualTo(status.name());
        assertThat(s.reason()).isEqualTo(kind.wire() + ": " + status + ": it ended; no_final: no final answer");
        assertThat(s.toolOk()).isTrue();
        assertThat(s.finalOk()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = ConversationStatus.class, names = {"COMPLETED"}, mode = EnumSource.Mode.EXCLUDE)
    void anEarlyEndNeverCountsItsFinalMessage(ConversationStatus status) {
        var all = List.of(user("q"), answer("Paris"));
        var s = Scorer.score(new CaseRun(NO_TOOL, "c", all, response(status, answer("Paris"), null), null, 0));
        assertThat(s.finalOk()).isFalse();
        assertThat(s.success()).isFalse();
        assertThat(s.failures()).isNotEmpty().doesNotContain(FailureKind.NO_FINAL, FailureKind.FINAL_MISMATCH);
    }

    @Test
    void aHarmonyParseFailureIsNotAnEngineFailure() {
        var s = ended(NO_TOOL, ConversationStatus.WORKER_ERROR,
            "turn 1 failed: dev.agentrt.harmony.HarmonyParseException: Unexpected token 12 while expecting start token");
        assertThat(s.failures()).containsExactly(FailureKind.HARMONY_ERROR, FailureKind.NO_FINAL);
    }

    @Test
    void anUnknownToolEndIsNotCountedTwiceWhenTheFirstCallWasAlreadyWrong() {
        var s = ended(CALC, ConversationStatus.UNKNOWN_TOOL, "the model called 'functions.nope'",
            call("functions.nope", "{}"));
        assertThat(s.failures()).containsExactly(FailureKind.WRONG_TOOL, FailureKind.NO_FINAL);
        var later = ended(CALC, ConversationStatus.UNKNOWN_TOOL, "the model called 'functions.nope'",
            call("functions.calculate", "{\"expression\":\"2+2\",\"opts\":{\"digits\":2}}"),
            toolResult("functions.calculate", "4"), call("functions.nope", "{}"));
        assertThat(later.failures()).containsExactly(FailureKind.UNKNOWN_TOOL, FailureKind.NO_FINAL);
        assertThat(later.toolOk()).isTrue();
        assertThat(later.argsOk()).isTrue();
    }

    @Test
    void aRunWithoutAResponseFailsWithItsProblem() {
        var timeout = Scorer.score(new CaseRun(CALC, "c", List.of(user("q"), call("functions.calculate", "{}")), null,
            new CaseRun.Problem(FailureKind.TIMEOUT, "no response within PT5M30S"), 330_000_000_000L));
        assertThat(timeout.status()).isEqualTo("NONE");
        assertThat(timeout.failures()).containsExactly(FailureKind.ARGS_MISMATCH, FailureKind.TIMEOUT,
            FailureKind.NO_FINAL);
        assertThat(timeout.reason()).contains("timeout: no response within PT5M30S");
        assertThat(timeout.turns()).isZero();
        assertThat(timeout.completionTokens()).isZero();
        assertThat(timeout.wallMs()).isEqualTo(330_000);
    }
}
