package dev.agentrt.tools;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A routed tool that runs outside the executor ({@code http}, {@code kafka}): trusted executor code
 * forwards the validated arguments and turns the answer, a timeout or a failure into a result. The
 * call id travels along as the idempotency key, so a side-effecting tool can dedupe a re-run.
 * Whoever creates one owns its connections ({@code dev.agentrt.tools.service.RemoteTools}).
 */
public interface RemoteTool {

    /** The tier reported for results of remote tools. */
    String TIER = "REMOTE";

    /** Runs one call whose arguments already passed the route's size, JSON and schema checks; never throws. */
    ToolResult call(ToolCall call, JsonNode arguments);
}
