package dev.agentrt.tools.service;

import dev.agentrt.avro.SandboxTier;
import dev.agentrt.avro.ToolResourceUsage;
import dev.agentrt.avro.ToolResultStatus;
import dev.agentrt.tools.RemoteTool;
import dev.agentrt.tools.SignalNames;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * Between the topic contracts ({@link dev.agentrt.avro.ToolCall}, {@link dev.agentrt.avro.ToolResult})
 * and the executor library's Kafka-free records. Figures the library reports as unknown (-1) are
 * written as 0, the Avro default; the tier letter becomes a {@link SandboxTier}.
 */
public final class ToolCallMapper {

    /** Tier string of a result for a call that never reached any route. */
    static final String NOT_RUN = "UNKNOWN";

    private final String executorId;

    public ToolCallMapper(String executorId) {
        this.executorId = Objects.requireNonNull(executorId, "executorId");
    }

    public ToolCall toLibrary(dev.agentrt.avro.ToolCall call) {
        return new ToolCall(call.getCallId(), call.getRecipient(), call.getArguments());
    }

    /** Whether the call's deadline has passed at {@code now}: its result would be useless. */
    public boolean expired(dev.agentrt.avro.ToolCall call, Instant now) {
        return now.isAfter(call.getDeadline());
    }

    /** The TIMEOUT answer to a call picked up after its deadline; the tool is not run. */
    public ToolResult expiredResult(dev.agentrt.avro.ToolCall call, Instant now) {
        return ToolResult.refused(toLibrary(call), ToolStatus.TIMEOUT, "the call's deadline " + call.getDeadline()
                + " had passed when the executor picked it up at " + now + "; the tool was not run", NOT_RUN);
    }

    public dev.agentrt.avro.ToolResult toAvro(dev.agentrt.avro.ToolCall call, ToolResult result, Instant completedAt) {
        int signal = result.signal() == null ? -1 : SignalNames.number(result.signal());
        ToolResourceUsage resources = ToolResourceUsage.newBuilder()
                .setWallMs(Math.max(0, result.wallMs()))
                .setCpuMs(Math.max(0, result.cpuMs()))
                .setPeakMemoryBytes(Math.max(0, result.peakMemoryBytes()))
                .setExitCode(result.exitCode())
                .setSignal(signal > 0 ? signal : null)
                .setOutputTruncated(result.truncated())
                .setSandboxTier(tier(result.tier()))
                .build();
        return dev.agentrt.avro.ToolResult.newBuilder()
                .setCallId(call.getCallId())
                .setConversationId(call.getConversationId())
                .setTurn(call.getTurn())
                .setRecipient(call.getRecipient())
                .setChannel(call.getChannel())
                .setStatus(status(result.status()))
                .setOutput(result.output())
                .setError(result.error())
                .setResources(resources)
                .setExecutorId(executorId)
                .setCompletedAt(completedAt)
                .build();
    }

    /** Tier letters of {@link dev.agentrt.tools.sandbox.Tier}, and {@link RemoteTool#TIER}. */
    static SandboxTier tier(String tier) {
        return switch (tier == null ? "" : tier) {
            case "A" -> SandboxTier.NAMESPACE;
            case "B" -> SandboxTier.VM;
            case "C" -> SandboxTier.HARDENED;
            case "D" -> SandboxTier.NONE;
            case RemoteTool.TIER -> SandboxTier.REMOTE;
            default -> SandboxTier.UNKNOWN;
        };
    }

    static ToolResultStatus status(ToolStatus status) {
        return switch (status) {
            case OK -> ToolResultStatus.OK;
            case ERROR -> ToolResultStatus.ERROR;
            case TIMEOUT -> ToolResultStatus.TIMEOUT;
            case CPU_LIMIT -> ToolResultStatus.CPU_LIMIT;
            case MEMORY_LIMIT -> ToolResultStatus.MEMORY_LIMIT;
            case OUTPUT_LIMIT -> ToolResultStatus.OUTPUT_LIMIT;
            case SANDBOX_UNAVAILABLE -> ToolResultStatus.SANDBOX_UNAVAILABLE;
            case BUSY -> ToolResultStatus.BUSY;
            case BAD_ARGUMENTS -> ToolResultStatus.BAD_ARGUMENTS;
            case UNKNOWN_TOOL -> ToolResultStatus.UNKNOWN_TOOL;
        };
    }
}
