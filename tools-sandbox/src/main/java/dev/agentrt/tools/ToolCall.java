package dev.agentrt.tools;

/**
 * One tool call from the model.
 *
 * @param callId     idempotency key of the call
 * @param recipient  tool name as the model addressed it ({@code python}, {@code functions.get_weather}, ...)
 * @param arguments  for {@code python} the code itself; for other tools a JSON document
 */
public record ToolCall(String callId, String recipient, String arguments) {
    public ToolCall {
        callId = callId == null ? "" : callId;
        recipient = recipient == null ? "" : recipient;
        arguments = arguments == null ? "" : arguments;
    }
}
