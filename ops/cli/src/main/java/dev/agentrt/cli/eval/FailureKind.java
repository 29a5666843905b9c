package dev.agentrt.cli.eval;

import java.util.Locale;

/** Why a case failed; a failed case has one or more (e.g. {@code no_tool_call} and {@code no_final}). */
public enum FailureKind {
    /** A tool was expected and the model called none. */
    NO_TOOL_CALL,
    /** The model's first tool call went to another tool than the expected one. */
    WRONG_TOOL,
    /** No tool was expected and the model called one. */
    UNEXPECTED_TOOL_CALL,
    /** The expected tool's arguments are not one JSON object. */
    BAD_ARGUMENTS_JSON,
    /** The expected tool's arguments do not contain {@code expect_args}. */
    ARGS_MISMATCH,
    /** The conversation has no final answer. */
    NO_FINAL,
    /** The final answer does not match {@code expect_final_regex}. */
    FINAL_MISMATCH,
    /** The conversation used all its turns (MAX_TURNS). */
    TURN_LIMIT,
    /** A turn used all its output tokens (TURN_TOKEN_LIMIT). */
    TOKEN_LIMIT,
    /** The conversation used its whole token budget (TOKEN_BUDGET). */
    TOKEN_BUDGET,
    /** The model called a tool the case does not offer (UNKNOWN_TOOL), after a correct first call. */
    UNKNOWN_TOOL,
    /** The model's output is not valid Harmony (the worker's parser rejected it). */
    HARMONY_ERROR,
    /** The engine or the worker failed (WORKER_ERROR), or the run itself did. */
    ENGINE_ERROR,
    /** The conversation passed its deadline or a tool's (DEADLINE, TOOL_TIMEOUT), or no response came in time. */
    TIMEOUT,
    /** The loop refused the request (INVALID_REQUEST). */
    INVALID_REQUEST;

    /** The name in reports: {@code no_tool_call}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
