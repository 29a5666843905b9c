package dev.agentrt.cli.eval;

import java.util.List;

/**
 * How one case went.
 *
 * @param toolOk    the first tool call went to the expected tool (or, when none was expected, there was no call)
 * @param argsOk    the tool is right and its arguments are a JSON object containing {@code expect_args}
 * @param finalOk   the conversation completed and its final answer matches {@code expect_final_regex}
 * @param failures  why it failed, empty exactly when it succeeded
 * @param reason    the failures explained in one line ("" when it succeeded)
 * @param status    the conversation's status ({@code COMPLETED}, {@code MAX_TURNS}, …) or {@code NONE} without a response
 * @param calls     every tool call of the conversation, in order
 * @param finalText the final answer, null when there is none
 */
public record CaseScore(String id, boolean toolOk, boolean argsOk, boolean finalOk, List<FailureKind> failures,
                        String reason, String status, List<Call> calls, String finalText, int turns,
                        long promptTokens, long cachedPromptTokens, long completionTokens, long wallMs) {

    /** A tool call as the model wrote it. */
    public record Call(String recipient, String arguments) {}

    public CaseScore {
        failures = List.copyOf(failures);
        calls = List.copyOf(calls);
        if (failures.isEmpty() != (toolOk && argsOk && finalOk)) {
            throw new IllegalArgumentException("case " + id + ": failures " + failures + " contradict tool " + toolOk
                + ", arguments " + argsOk + ", final " + finalOk);
        }
    }

    public boolean success() {
        return failures.isEmpty();
    }
}
