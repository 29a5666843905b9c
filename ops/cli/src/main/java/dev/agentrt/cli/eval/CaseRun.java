package dev.agentrt.cli.eval;

import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.HarmonyMessage;
import java.util.List;
import java.util.Objects;

/**
 * What running one case produced, as a client of the loop sees it: the conversation's messages in transcript order
 * (the question first; chain of thought included) and its response.
 *
 * @param response null when none came (then {@code problem} says why)
 * @param problem  set when the run did not end normally: no response in time, or the run itself failed
 * @param wallNanos from submitting the case to its response
 */
public record CaseRun(EvalCase evalCase, String conversationId, List<HarmonyMessage> messages,
                      ConversationResponse response, Problem problem, long wallNanos) {

    /** Why a run has no usable response. */
    public record Problem(FailureKind kind, String detail) {
        public Problem {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }
    }

    public CaseRun {
        Objects.requireNonNull(evalCase, "evalCase");
        messages = List.copyOf(messages);
        if (response == null && problem == null) {
            throw new IllegalArgumentException("a run without a response must say why");
        }
    }
}
