package dev.agentrt.cli.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.TextContent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a {@link CaseRun} against its {@link EvalCase}. The model's tool choice is its first tool call: it must go
 * to {@code expect_tool} (or, when that is null, there must be no call at all) with arguments that are one JSON
 * object (strict: no duplicate keys, nothing after it) containing {@code expect_args} ({@link JsonSubset}). The final
 * answer counts when the conversation COMPLETED and {@code expect_final_regex} is found in it. Every other way the
 * conversation ended adds its own failure kind. Plain functions: no Kafka, no engine.
 */
public final class Scorer {

    private static final JsonMapper JSON = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();
    private static final int SHOWN = 80;

    private Scorer() {}

    public static CaseScore score(CaseRun run) {
        EvalCase c = run.evalCase();
        ConversationResponse response = run.response();
        Map<FailureKind, String> failures = new LinkedHashMap<>();

        List<CaseScore.Call> calls = toolCalls(run.messages());
        boolean toolOk;
        boolean argsOk;
        if (c.expectTool() == null) {
            toolOk = calls.isEmpty();
            argsOk = toolOk;
            if (!toolOk) {
                failures.put(FailureKind.UNEXPECTED_TOOL_CALL, "called " + calls.getFirst().recipient()
                    + ", expected no tool call");
            }
        } else if (calls.isEmpty()) {
            toolOk = argsOk = false;
            failures.put(FailureKind.NO_TOOL_CALL, "called no tool, expected " + c.expectTool());
        } else if (!calls.getFirst().recipient().equals(c.expectTool())) {
            toolOk = argsOk = false;
            failures.put(FailureKind.WRONG_TOOL, "called " + calls.getFirst().recipient() + " first, expected "
                + c.expectTool());
        } else {
            toolOk = true;
            argsOk = arguments(c, calls.getFirst().arguments(), failures);
        }

        String status = response == null ? "NONE" : response.getStatus().name();
        if (run.problem() != null) {
            failures.put(run.problem().kind(), run.problem().detail());
        } else if (response.getStatus() != ConversationStatus.COMPLETED) {
            ending(response, failures);
        }

        String finalText = response == null || response.getFinalMessage() == null ? null
            : text(response.getFinalMessage());
        boolean finalOk = false;
        if (finalText == null) {
            failures.put(FailureKind.NO_FINAL, "no final answer");
        } else if (!c.expectFinal().matcher(finalText).find()) {
            failures.put(FailureKind.FINAL_MISMATCH, "/" + c.expectFinal().pattern() + "/ not found in "
                + quote(finalText));
        } else {
            finalOk = response.getStatus() == ConversationStatus.COMPLETED;
        }

        var reason = new StringBuilder();
        failures.forEach((kind, detail) -> {
            if (!reason.isEmpty()) reason.append("; ");
            reason.append(kind.wire()).append(": ").append(detail);
        });
        var usage = response == null ? null : response.getUsage();
        return new CaseScore(c.id(), toolOk, argsOk, finalOk, List.copyOf(failures.keySet()), reason.toString(),
            status, calls, finalText, response == null ? 0 : response.getTurns(),
            usage == null ? 0 : usage.getPromptTokens(), usage == null ? 0 : usage.getCachedPromptTokens(),
            usage == null ? 0 : usage.getCompletionTokens(), run.wallNanos() / 1_000_000);
    }

    private static boolean arguments(EvalCase c, String arguments, Map<FailureKind, String> failures) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(arguments);
        } catch (JsonProcessingException e) {
            failures.put(FailureKind.BAD_ARGUMENTS_JSON, "arguments are not valid JSON (" + e.getOriginalMessage()
                + "): " + quote(arguments));
            return false;
        }
        if (parsed == null || !parsed.isObject()) {
            failures.put(FailureKind.BAD_ARGUMENTS_JSON, "arguments are not a JSON object: " + quote(arguments));
            return false;
        }
        if (c.expectArgs() == null) return true;
        String mismatch = JsonSubset.mismatch(c.expectArgs(), parsed);
        if (mismatch != null) {
            failures.put(FailureKind.ARGS_MISMATCH, mismatch);
            return false;
        }
        return true;
    }

    /** The failure kind of a conversation that ended without completing. */
    private static void ending(ConversationResponse response, Map<FailureKind, String> failures) {
        String error = response.getError() == null ? "" : response.getError();
        String detail = response.getStatus() + (error.isEmpty() ? "" : ": " + error);
        FailureKind kind = switch (response.getStatus()) {
            case COMPLETED -> throw new AssertionError("not an early end");
            case MAX_TURNS -> FailureKind.TURN_LIMIT;
            case TURN_TOKEN_LIMIT -> FailureKind.TOKEN_LIMIT;
            case TOKEN_BUDGET -> FailureKind.TOKEN_BUDGET;
            case DEADLINE, TOOL_TIMEOUT -> FailureKind.TIMEOUT;
            // The call itself is already scored as a wrong or unexpected tool when it was the first one.
            case UNKNOWN_TOOL -> failures.containsKey(FailureKind.WRONG_TOOL)
                || failures.containsKey(FailureKind.UNEXPECTED_TOOL_CALL) ? null : FailureKind.UNKNOWN_TOOL;
            // The worker turns a completion its Harmony parser rejects into an error result naming the exception.
            case WORKER_ERROR -> error.contains("HarmonyParseException") ? FailureKind.HARMONY_ERROR
                : FailureKind.ENGINE_ERROR;
            case INVALID_REQUEST -> FailureKind.INVALID_REQUEST;
            case CANCELLED, UNKNOWN -> FailureKind.ENGINE_ERROR;
        };
        if (kind != null) failures.put(kind, shorten(detail, 200));
    }

    /** Assistant messages addressed to a tool (anyone but {@code user} or {@code all}), in order. */
    static List<CaseScore.Call> toolCalls(List<HarmonyMessage> messages) {
        var calls = new ArrayList<CaseScore.Call>();
        for (HarmonyMessage m : messages) {
            String to = m.getRecipient();
            if (m.getAuthor().getRole() == Role.ASSISTANT && to != null && !to.isBlank() && !to.equals("user")
                && !to.equals("all")) {
                calls.add(new CaseScore.Call(to, text(m)));
            }
        }
        return calls;
    }

    static String text(HarmonyMessage m) {
        var sb = new StringBuilder();
        for (Object c : m.getContent()) {
            if (c instanceof TextContent t) sb.append(t.getText());
        }
        return sb.toString();
    }

    private static String quote(String s) {
        String escaped = shorten(s, SHOWN).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return "\"" + escaped + "\"";
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
