package dev.agentrt.tools;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;

/**
 * The result of one tool call; every failure is a result with a message the model can read.
 *
 * @param callId           the call's id
 * @param tool             the recipient it was addressed to
 * @param status           outcome class
 * @param exitCode         guest exit code, null when no guest ran
 * @param signal           terminating signal name (e.g. SIGKILL), null if none
 * @param output           what the model is shown (stdout and stderr, truncated with a marker)
 * @param error            an executor-side explanation (limit hit, bad arguments, ...), null if none
 * @param truncated        output was cut
 * @param wallMs           wall time of the guest, 0 when none ran
 * @param cpuMs            CPU time of all guest processes, -1 if this tier cannot measure it
 * @param peakMemoryBytes  peak memory of the call, -1 if unknown
 * @param tier             the isolation tier that ran (or would have run) it
 * @param files            files harvested from the workspace, when the tool asks for them
 */
@JsonPropertyOrder({"callId", "tool", "status", "exitCode", "signal", "output", "error", "truncated", "wallMs",
        "cpuMs", "peakMemoryBytes", "tier", "files"})
public record ToolResult(String callId, String tool, ToolStatus status, Integer exitCode, String signal, String output,
                         String error, boolean truncated, long wallMs, long cpuMs, long peakMemoryBytes, String tier,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ResultFile> files) {

    /** A harvested file; content is base64. */
    public record ResultFile(String path, long size, String base64) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    public ToolResult {
        files = files == null ? List.of() : List.copyOf(files);
        output = output == null ? "" : output;
    }

    /** A result for a call that never reached a guest. */
    public static ToolResult refused(ToolCall call, ToolStatus status, String error, String tier) {
        return new ToolResult(call.callId(), call.recipient(), status, null, null, "", error, false, 0, -1, -1, tier,
                List.of());
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tool result must always serialise", e);
        }
    }

    public String toPrettyJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tool result must always serialise", e);
        }
    }
}
