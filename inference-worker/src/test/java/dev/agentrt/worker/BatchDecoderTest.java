package dev.agentrt.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.StopReason;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.avro.TurnLimits;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.TinyCheckpoints;
import dev.agentrt.model.synth.SynthPreset;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Continuous batching on the CPU engine with the deterministic (untrained) tiny-full checkpoint. */
class BatchDecoderTest {
    private static final HarmonyEncoding ENCODING = HarmonyEncoding.o200kHarmony();
    private static final PromptBuilder PROMPTS = new PromptBuilder(ENCODING);

    @TempDir
    static Path dir;
    static Checkpoint checkpoint;
    static CountingEngine engine;

    @BeforeAll
    static void open() {
        checkpoint = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_FULL, CheckpointLayout.ORIGINAL, dir));
        engine = new CountingEngine(new CpuEngine(checkpoint.weights()));
    }

    @AfterAll
    static void close() {
        engine.close();
        checkpoint.close();
    }

    static BatchDecoder decoder(int maxBatch) {
        var footprint = new KvCacheFootprint(engine.config());
        return new BatchDecoder(engine, PROMPTS, new KvCacheAffinity(64L << 20, footprint::bytes),
            new DecoderSettings(maxBatch, 512), Clock.systemUTC(), "worker-test");
    }

    static void runToIdle(BatchDecoder decoder) {
        for (int i = 0; !decoder.idle(); i++) {
            assertThat(i).as("steps").isLessThan(10_000);
            decoder.step();
        }
    }

    @Test
    void batchedDecodingGivesExactlyTheTokensOfDecodingEachAlone() {
        List<InferenceRequest> requests = IntStream.range(0, 4)
            .mapToObj(i -> i == 0 ? Requests.simple("greedy", 1, 7) : Requests.sampled("conv-" + i, 7, 1000 + i))
            .toList();
        BatchDecoder batched = decoder(4);
        List<RecordingSink> together = new ArrayList<>();
        for (InferenceRequest r : requests) {
            var sink = new RecordingSink();
            together.add(sink);
            batched.submit(r, Instant.now(), sink);
        }
        int before = engine.decodeCalls.get();
        engine.maxDecodeBatch.set(0);
        runToIdle(batched);
        assertThat(engine.maxDecodeBatch.get()).as("sequences per decode call").isEqualTo(4);
        assertThat(engine.decodeCalls.get() - before).as("one decode call per step for all four").isEqualTo(6);

        for (int i = 0; i < requests.size(); i++) {
            var alone = new RecordingSink();
            BatchDecoder single = decoder(1);
            single.submit(requests.get(i), Instant.now(), alone);
            runToIdle(single);
            assertThat(together.get(i).tokens()).as("request %d", i).containsExactly(alone.tokens()).hasSize(7);
            assertThat(together.get(i).result().getStopReason()).isEqualTo(alone.result().getStopReason());
        }
        // Different seeds and prompts: the sequences did not copy each other.
        assertThat(together.stream().map(s -> Arrays.toString(s.tokens())).distinct()).hasSize(4);
    }

    @Test
    void tokenLimitEndsWithMaxOutputTokensAndDeltasAreGapFree() {
        InferenceRequest request = Requests.simple("limit", 1, 5);
        int promptLength = PROMPTS.promptTokens(request).length;
        BatchDecoder decoder = decoder(2);
        var sink = new RecordingSink();
        decoder.submit(request, Instant.now(), sink);
        runToIdle(decoder);

        var result = sink.result();
        assertThat(result.getError()).isNull();
        assertThat(result.getStopReason()).isEqualTo(StopReason.MAX_OUTPUT_TOKENS);
        assertThat(result.getUsage().getCompletionTokens()).isEqualTo(5);
        assertThat(result.getUsage().getPromptTokens()).isEqualTo(promptLength);
        assertThat(result.getUsage().getCachedPromptTokens()).isZero();
        assertThat(result.getRequestId()).isEqualTo("limit/1");
        assertThat(result.getWorkerId()).isEqualTo("worker-test");
        assertThat(sink.deltas).extracting(TokenDelta::getSequence).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(sink.deltas).allSatisfy(d -> {
            assertThat(d.getConversationId()).isEqualTo("limit");
            assertThat(d.getTurn()).isEqualTo(1);
            assertThat(d.getTokenIds()).hasSize(1);
        });
        assertThat(decoder.affinity().contains("limit")).as("cache kept for the next turn").isTrue();
    }

    @Test
    void nextTurnReusesTheCacheAndGivesTheTokensOfAColdStart() {
        InferenceRequest turn1 = Requests.simple("affinity", 1, 5);
        int[] prompt1 = PROMPTS.promptTokens(turn1);
        BatchDecoder warm = decoder(2);
        var first = new RecordingSink();
        warm.submit(turn1, Instant.now(), first);
        runToIdle(warm);
        int[] generated = first.tokens();
        assertThat(generated).hasSize(5);

        // Turn 2's prompt starts with everything turn 1 left in the cache: its prompt and the 4 tokens fed back.
        int[] more = ENCODING.tokenizer().encodeWithSpecialTokens("<|end|><|start|>user<|message|>And 7*8?<|end|><|start|>assistant");
        int[] prompt2 = concat(prompt1, generated, more);
        InferenceRequest turn2 = Requests.builder("affinity", 2, List.of()).setLimits(new TurnLimits(6, null)).build();
        var cached = new RecordingSink();
        int prefillBefore = engine.prefillTokens.get();
        warm.submit(turn2, prompt2, Instant.now(), cached);
        runToIdle(warm);
        assertThat(engine.prefillTokens.get() - prefillBefore).as("prefilled only the new tokens")
            .isEqualTo(prompt2.length - (prompt1.length + 4));
        assertThat(cached.result().getUsage().getCachedPromptTokens()).isEqualTo(prompt1.length + 4);
        assertThat(cached.result().getUsage().getPromptTokens()).isEqualTo(prompt2.length);

        BatchDecoder cold = decoder(2);
        var fresh = new RecordingSink();
        cold.submit(turn2, prompt2, Instant.now(), fresh);
        runToIdle(cold);
        assertThat(fresh.result().getUsage().getCachedPromptTokens()).isZero();
        assertThat(cached.tokens()).containsExactly(fresh.tokens()).hasSize(6);
    }

    @Test
    void aPromptThatDoesNotContinueTheCachedTurnStartsCold() {
        BatchDecoder decoder = decoder(1);
        var first = new RecordingSink();
        decoder.submit(Requests.simple("edited", 1, 3), Instant.now(), first);
        runToIdle(decoder);
        var second = new RecordingSink();
        decoder.submit(Requests.builder("edited", 2, List.of(Requests.user("A different question"))).build(),
            Instant.now(), second);
        runToIdle(decoder);
        assertThat(second.result().getError()).isNull();
        assertThat(second.result().getUsage().getCachedPromptTokens()).isZero();
        assertThat(decoder.affinity().misses()).isEqualTo(2);
    }

    @Test
    void aPromptLongerThanTheContextIsAnErrorResultNotADrop() {
        BatchDecoder decoder = decoder(1);
        var sink = new RecordingSink();
        decoder.submit(Requests.simple("long", 1, 4), new int[513], Instant.now(), sink);
        runToIdle(decoder);
        var result = sink.result();
        assertThat(result.getStopReason()).isEqualTo(StopReason.ERROR);
        assertThat(result.getError().getErrorClass()).isEqualTo(InvalidRequestException.class.getName());
        assertThat(result.getError().getMessage()).contains("513 tokens").contains("context of 512");
        assertThat(result.getError().getRetryable()).isFalse();
        assertThat(sink.deltas).isEmpty();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
