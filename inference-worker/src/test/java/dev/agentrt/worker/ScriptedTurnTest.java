package dev.agentrt.worker;

import dev.agentrt.worker.testing.ScriptedHarmonyEngine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.StopReason;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.TurnLimits;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.HarmonyParseException;
import dev.agentrt.harmony.Message;
import dev.agentrt.kv.KvCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Turns with real Harmony output (a scripted engine): parsed messages, stop reasons, affinity, failures. */
class ScriptedTurnTest {
    private static final HarmonyEncoding ENCODING = HarmonyEncoding.o200kHarmony();
    private static final PromptBuilder PROMPTS = new PromptBuilder(ENCODING);
    private static final Message ANALYSIS = Message.of(dev.agentrt.harmony.Role.ASSISTANT, "Need the calculator.")
        .withChannel("analysis");
    private static final Message CALL = Message.of(dev.agentrt.harmony.Role.ASSISTANT, "{\"expression\":\"6*7\"}")
        .withChannel("commentary").withRecipient("functions.calculate").withContentType("<|constrain|>json");
    private static final Message FINAL = Message.of(dev.agentrt.harmony.Role.ASSISTANT, "It is 42.").withChannel("final");

    /** What the model writes after the prompt's {@code <|start|>assistant}: the rendered messages minus that. */
    static int[] completion(Message... messages) {
        List<Integer> out = new ArrayList<>();
        for (Message m : messages) {
            for (int t : ENCODING.render(m)) {
                out.add(t);
            }
        }
        int opening = 1 + ENCODING.tokenizer().encodeOrdinary("assistant").length;
        return out.stream().skip(opening).mapToInt(Integer::intValue).toArray();
    }

    static int[] replaceLast(int[] tokens, int last) {
        int[] copy = tokens.clone();
        copy[copy.length - 1] = last;
        return copy;
    }

    static BatchDecoder decoder(ScriptedHarmonyEngine engine, Clock clock) {
        return new BatchDecoder(engine, PROMPTS, new KvCacheAffinity(1L << 30, KvCache::capacity),
            new DecoderSettings(4, 4096), clock, "w1");
    }

    static void runToIdle(BatchDecoder decoder) {
        for (int i = 0; !decoder.idle(); i++) {
            assertThat(i).isLessThan(10_000);
            decoder.step();
        }
    }

    @Test
    void analysisThenToolCallIsParsedIntoMessagesAndTheNextTurnPrefillsOnlyItsNewTokens() {
        int[] callTurn = completion(ANALYSIS, CALL);
        int[] finalTurn = replaceLast(completion(FINAL), dev.agentrt.generate.StopTokens.RETURN);
        ScriptedHarmonyEngine engine = ScriptedHarmonyEngine.inOrder(callTurn, finalTurn);
        BatchDecoder decoder = decoder(engine, Clock.systemUTC());

        InferenceRequest turn1 = Requests.builder("calc", 1, List.of(Requests.user("6*7?")))
            .setTools(List.of(Requests.calculate())).setLimits(new TurnLimits(100, null)).build();
        var sink1 = new RecordingSink();
        decoder.submit(turn1, Instant.now(), sink1);
        runToIdle(decoder);

        var r1 = sink1.result();
        assertThat(r1.getError()).isNull();
        assertThat(r1.getStopReason()).isEqualTo(StopReason.CALL);
        assertThat(r1.getUsage().getCompletionTokens()).isEqualTo(callTurn.length);
        List<HarmonyMessage> messages = r1.getMessages();
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).getChannel()).isEqualTo("analysis");
        assertThat(text(messages.get(0))).isEqualTo("Need the calculator.");
        assertThat(messages.get(1).getRecipient()).isEqualTo("functions.calculate");
        assertThat(messages.get(1).getChannel()).isEqualTo("commentary");
        assertThat(messages.get(1).getContentType()).isEqualTo("<|constrain|>json");
        assertThat(messages.get(1).getAuthor().getRole()).isEqualTo(Role.ASSISTANT);
        assertThat(text(messages.get(1))).isEqualTo("{\"expression\":\"6*7\"}");
        // Deltas: every token once, in order, text split by message, with the parser's header.
        assertThat(sink1.tokens()).containsExactly(callTurn);
        assertThat(sink1.text()).isEqualTo("Need the calculator.{\"expression\":\"6*7\"}");
        assertThat(sink1.deltas.stream().filter(d -> d.getTextDelta().contains("expression")))
            .allSatisfy(d -> {
                assertThat(d.getMessageIndex()).isEqualTo(1);
                assertThat(d.getRecipient()).isEqualTo("functions.calculate");
            });

        // Turn 2, as the orchestrator sends it: history + the tool's answer. Its render continues turn 1's cache.
        var history = new ArrayList<>(turn1.getMessages());
        history.addAll(messages);
        history.add(Requests.message(Role.TOOL, "functions.calculate", "assistant", "commentary", null, "42"));
        InferenceRequest turn2 = Requests.builder("calc", 2, history)
            .setTools(List.of(Requests.calculate())).setLimits(new TurnLimits(100, null)).build();
        int turn1Cached = PROMPTS.promptTokens(turn1).length + callTurn.length - 1;
        var sink2 = new RecordingSink();
        decoder.submit(turn2, Instant.now(), sink2);
        runToIdle(decoder);
        var r2 = sink2.result();
        assertThat(r2.getStopReason()).isEqualTo(StopReason.RETURN);
        assertThat(r2.getUsage().getCachedPromptTokens()).isEqualTo(turn1Cached);
        assertThat(r2.getUsage().getPromptTokens()).isEqualTo(PROMPTS.promptTokens(turn2).length);
        assertThat(r2.getMessages()).singleElement().satisfies(m -> {
            assertThat(m.getChannel()).isEqualTo("final");
            assertThat(text(m)).isEqualTo("It is 42.");
        });
    }

    @Test
    void concurrentTurnsShareDecodeStepsAndJoinBetweenSteps() {
        int[] script = replaceLast(completion(FINAL), dev.agentrt.generate.StopTokens.RETURN);
        ScriptedHarmonyEngine engine = ScriptedHarmonyEngine.inOrder(script, script, script);
        BatchDecoder decoder = decoder(engine, Clock.systemUTC());
        var a = new RecordingSink();
        var b = new RecordingSink();
        var c = new RecordingSink();
        decoder.submit(Requests.simple("a", 1, 50), Instant.now(), a);
        decoder.submit(Requests.simple("b", 1, 50), Instant.now(), b);
        decoder.step();
        decoder.step();
        decoder.submit(Requests.simple("c", 1, 50), Instant.now(), c); // joins a running batch
        runToIdle(decoder);
        assertThat(engine.maxDecodeBatch()).isEqualTo(3);
        for (var sink : List.of(a, b, c)) {
            assertThat(sink.result().getStopReason()).isEqualTo(StopReason.RETURN);
            assertThat(sink.tokens()).containsExactly(script);
        }
    }

    @Test
    void everyFailureIsAnErrorResult() {
        int[] script = completion(FINAL);
        ScriptedHarmonyEngine engine = ScriptedHarmonyEngine.inOrder(script, script, new int[] {dev.agentrt.generate.StopTokens.CALL});
        BatchDecoder decoder = decoder(engine, Clock.systemUTC());
        var x = new RecordingSink();
        var y = new RecordingSink();
        decoder.submit(Requests.simple("x", 1, 50), Instant.now(), x);
        decoder.submit(Requests.simple("y", 1, 50), Instant.now(), y);
        engine.failNextDecode();
        decoder.step();
        for (var sink : List.of(x, y)) {
            var r = sink.result();
            assertThat(r.getStopReason()).isEqualTo(StopReason.ERROR);
            assertThat(r.getError().getMessage()).isEqualTo("scripted decode failure");
            assertThat(r.getError().getRetryable()).isTrue();
            assertThat(r.getMessages()).isEmpty();
        }
        assertThat(decoder.idle()).isTrue();

        var header = new RecordingSink(); // <|call|> before any header: malformed Harmony
        decoder.submit(Requests.simple("h", 1, 50), Instant.now(), header);
        runToIdle(decoder);
        assertThat(header.result().getError().getErrorClass()).isEqualTo(HarmonyParseException.class.getName());
        assertThat(header.result().getError().getMessage()).contains("inside a message header");
        assertThat(decoder.affinity().contains("h")).isFalse();

        var sampling = new RecordingSink();
        decoder.submit(Requests.builder("s", 1, List.of(Requests.user("x")))
            .setSampling(dev.agentrt.avro.SamplingParams.newBuilder().setTemperature(1f).setTopP(0f).build()).build(),
            Instant.now(), sampling);
        runToIdle(decoder);
        assertThat(sampling.result().getError().getMessage()).contains("invalid sampling settings").contains("top-p");
        assertThat(sampling.result().getError().getRetryable()).isFalse();

        var noBudget = new RecordingSink();
        decoder.submit(Requests.simple("z", 1, 0), Instant.now(), noBudget);
        assertThat(noBudget.result().getError().getMessage()).contains("maxOutputTokens must be >= 1");
    }

    @Test
    void deadlineAndCancellation() {
        int[] script = completion(FINAL);
        ScriptedHarmonyEngine engine = ScriptedHarmonyEngine.inOrder(script, script);
        Instant now = Instant.parse("2025-08-05T12:00:00Z");
        BatchDecoder decoder = decoder(engine, Clock.fixed(now, ZoneOffset.UTC));
        var late = new RecordingSink();
        decoder.submit(Requests.builder("late", 1, List.of(Requests.user("x")))
            .setLimits(new TurnLimits(50, now.minus(Duration.ofSeconds(1)))).build(), now, late);
        var cancelled = new RecordingSink();
        decoder.submit(Requests.simple("gone", 1, 50), now, cancelled);
        decoder.step();
        assertThat(late.result().getStopReason()).isEqualTo(StopReason.DEADLINE);
        assertThat(late.result().getUsage().getCompletionTokens()).isEqualTo(1);
        assertThat(decoder.cancel(s -> s == cancelled)).isEqualTo(1);
        runToIdle(decoder);
        assertThat(cancelled.results).isEmpty();
        assertThat(decoder.affinity().contains("gone")).isFalse();
    }

    private static String text(HarmonyMessage m) {
        StringBuilder sb = new StringBuilder();
        for (Object c : m.getContent()) {
            sb.append(((TextContent) c).getText());
        }
        return sb.toString();
    }

}
