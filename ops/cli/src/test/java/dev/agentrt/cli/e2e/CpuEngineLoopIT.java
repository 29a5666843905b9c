package dev.agentrt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.avro.TranscriptEventKind;
import dev.agentrt.cli.client.RequestFactory;
import dev.agentrt.cli.demo.LocalStack;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.synth.CheckpointSynth;
import dev.agentrt.model.synth.SynthPreset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack with the REAL CPU engine on the deterministic, untrained tiny-full checkpoint (written to a
 * temporary folder): it writes no sensible Harmony, so a turn runs into its token limit. Greedy sampling on fixed
 * weights makes the run reproducible.
 */
class CpuEngineLoopIT {

    private static final int LIMIT = 6;

    @TempDir static Path dir;
    private static LocalStack stack;
    private static Conversations conversations;

    @BeforeAll
    static void start() throws Exception {
        Path model = dir.resolve("tiny-full");
        new CheckpointSynth(SynthPreset.parse("tiny-full")).write(model, CheckpointLayout.ORIGINAL, bytes -> { });
        var log = new StringWriter();
        stack = LocalStack.start(new LocalStack.Options(model, 0, 4, 4096, dir.resolve("stack")), new PrintWriter(log, true));
        conversations = new Conversations(stack);
    }

    @AfterAll
    static void stop() {
        if (conversations != null) conversations.close();
        if (stack != null) stack.close();
    }

    @Test
    void aTurnThatRunsIntoItsTokenLimitEndsWithTurnTokenLimitAndStreamsEveryTokenInOrder() throws Exception {
        var request = Conversations.request("What is 17.5 multiplied by 23? Use the calculator.",
            RequestFactory.builtinToolDefinitions(), 4, LIMIT, Duration.ofMinutes(2), l -> l);
        var done = conversations.run(request, true, Duration.ofMinutes(2));

        var response = done.response();
        assertThat(response.getStatus()).as(response.getError()).isEqualTo(ConversationStatus.TURN_TOKEN_LIMIT);
        assertThat(response.getError()).contains("limit of " + LIMIT + " output tokens");
        assertThat(response.getTurns()).isEqualTo(1);
        assertThat(response.getUsage().getCompletionTokens()).isEqualTo(LIMIT);
        assertThat(response.getUsage().getPromptTokens()).isGreaterThan(50); // system + developer (tools) + user
        assertThat(response.getUsage().getCachedPromptTokens()).isZero();
        assertThat(done.transcript()).first().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo(TranscriptEventKind.REQUEST_MESSAGE);
            assertThat(e.getSequence()).isZero();
        });

        var deltas = done.deltas();
        assertThat(deltas).isNotEmpty().allSatisfy(d -> {
            assertThat(d.getConversationId()).isEqualTo(request.getConversationId());
            assertThat(d.getTurn()).isEqualTo(1);
            assertThat(d.getAttempt()).isEqualTo(1);
        });
        assertThat(deltas).extracting(TokenDelta::getSequence)
            .containsExactlyElementsOf(LongStream.range(0, deltas.size()).boxed().toList());
        int tokens = deltas.stream().mapToInt(d -> d.getTokenIds().size()).sum();
        assertThat(tokens).isEqualTo(LIMIT);
        assertThat(IntStream.range(1, deltas.size()))
            .allSatisfy(i -> assertThat(deltas.get(i).getEmittedAt()).isAfterOrEqualTo(deltas.get(i - 1).getEmittedAt()));
    }
}
