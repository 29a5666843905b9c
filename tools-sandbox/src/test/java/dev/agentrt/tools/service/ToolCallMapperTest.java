package dev.agentrt.tools.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.SandboxTier;
import dev.agentrt.avro.ToolResultStatus;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ToolCallMapperTest {

    static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    final ToolCallMapper mapper = new ToolCallMapper("exec-1");

    static dev.agentrt.avro.ToolCall call(Instant deadline) {
        return dev.agentrt.avro.ToolCall.newBuilder().setCallId("c1/2/3").setConversationId("c1").setTenant("t")
                .setTurn(2).setIndex(3).setRecipient("python").setChannel("analysis").setArguments("print(1)")
                .setDeadline(deadline).setCreatedAt(NOW.minusSeconds(1)).build();
    }

    @Test
    void aCallBecomesTheLibraryCall() {
        var call = mapper.toLibrary(call(NOW));
        assertThat(call.callId()).isEqualTo("c1/2/3");
        assertThat(call.recipient()).isEqualTo("python");
        assertThat(call.arguments()).isEqualTo("print(1)");
    }

    @Test
    void aGuestRunBecomesAResultWithItsResources() {
        ToolResult result = new ToolResult("c1/2/3", "python", ToolStatus.MEMORY_LIMIT, 137, "SIGKILL", "out",
                "memory limit", true, 120, 80, 64L << 20, "A", List.of());
        var avro = mapper.toAvro(call(NOW), result, NOW);
        assertThat(avro.getCallId()).isEqualTo("c1/2/3");
        assertThat(avro.getConversationId()).isEqualTo("c1");
        assertThat(avro.getTurn()).isEqualTo(2);
        assertThat(avro.getChannel()).isEqualTo("analysis");
        assertThat(avro.getStatus()).isEqualTo(ToolResultStatus.MEMORY_LIMIT);
        assertThat(avro.getOutput()).isEqualTo("out");
        assertThat(avro.getError()).isEqualTo("memory limit");
        assertThat(avro.getExecutorId()).isEqualTo("exec-1");
        assertThat(avro.getCompletedAt()).isEqualTo(NOW);
        var r = avro.getResources();
        assertThat(r.getWallMs()).isEqualTo(120);
        assertThat(r.getCpuMs()).isEqualTo(80);
        assertThat(r.getPeakMemoryBytes()).isEqualTo(64L << 20);
        assertThat(r.getExitCode()).isEqualTo(137);
        assertThat(r.getSignal()).isEqualTo(9);
        assertThat(r.getOutputTruncated()).isTrue();
        assertThat(r.getSandboxTier()).isEqualTo(SandboxTier.NAMESPACE);
    }

    @Test
    void unknownFiguresAreWrittenAsZeroAndNoSignalAsNull() {
        ToolResult result = ToolResult.refused(mapper.toLibrary(call(NOW)), ToolStatus.BAD_ARGUMENTS, "bad", "C");
        var r = mapper.toAvro(call(NOW), result, NOW).getResources();
        assertThat(r.getCpuMs()).isZero();
        assertThat(r.getPeakMemoryBytes()).isZero();
        assertThat(r.getSignal()).isNull();
        assertThat(r.getExitCode()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"A, NAMESPACE", "B, VM", "C, HARDENED", "D, NONE", "REMOTE, REMOTE", "UNKNOWN, UNKNOWN", "x, UNKNOWN"})
    void tiersMapToSandboxTiers(String tier, SandboxTier expected) {
        assertThat(ToolCallMapper.tier(tier)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(ToolStatus.class)
    void everyStatusKeepsItsName(ToolStatus status) {
        assertThat(ToolCallMapper.status(status).name()).isEqualTo(status.name());
    }

    @Test
    void aCallPastItsDeadlineIsATimeoutThatDidNotRun() {
        assertThat(mapper.expired(call(NOW), NOW)).isFalse();
        assertThat(mapper.expired(call(NOW.minusMillis(1)), NOW)).isTrue();
        ToolResult result = mapper.expiredResult(call(NOW.minusMillis(1)), NOW);
        assertThat(result.status()).isEqualTo(ToolStatus.TIMEOUT);
        assertThat(result.error()).contains("deadline").contains("not run");
        assertThat(result.wallMs()).isZero();
    }
}
