package dev.agentrt.demomodel;

import dev.agentrt.avro.ReasoningEffort;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One synthetic conversation before rendering: the user's question, what is offered, and what the assistant says.
 *
 * @param id          stable id, e.g. {@code calc-000123}
 * @param kind        the scenario family
 * @param question    the user's message
 * @param tools       builtin tools offered, by their case-file names ({@link DemoTools#CASE_NAMES}), in offered order
 * @param effort      reasoning effort of the system message
 * @param at          when the conversation happens: the system message's date and the clock of the time tool
 * @param recipient   the tool the assistant calls ({@code functions.calculate}), or {@code null} for a direct answer
 * @param arguments   the call's JSON arguments (compact), or {@code null}
 * @param analysis    the first turn's short {@code analysis} message
 * @param answer      the {@code final} answer: for a tool call, a template over the tool's result ({@link Answer})
 * @param afterTool   the second turn's {@code analysis} message, or {@code null} to answer at once
 * @param finalRegex  what a correct final answer must contain (Java regex, for the eval cases)
 * @param holdoutKey  what makes two samples "the same question": held-out and training keys never overlap
 */
public record Sample(String id, Kind kind, String question, List<String> tools, ReasoningEffort effort, Instant at,
                     String recipient, String arguments, String analysis, Answer answer, String afterTool,
                     String finalRegex, String holdoutKey) {

    /** The scenario families. */
    public enum Kind { CALCULATOR, UNITS, TIME, DIRECT }

    /** Builds the final answer from the tool's output (the JSON text the model reads); ignored for direct answers. */
    @FunctionalInterface
    public interface Answer {
        String text(com.fasterxml.jackson.databind.JsonNode toolResult);
    }

    public Sample {
        Objects.requireNonNull(question, "question");
        tools = List.copyOf(tools);
        if ((recipient == null) != (arguments == null)) {
            throw new IllegalArgumentException("recipient and arguments go together");
        }
    }

    public boolean callsTool() {
        return recipient != null;
    }
}
