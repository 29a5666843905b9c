package dev.agentrt.worker;

import static dev.agentrt.worker.testing.HarmonyCompletions.analysis;
import static dev.agentrt.worker.testing.HarmonyCompletions.answer;
import static dev.agentrt.worker.testing.HarmonyCompletions.call;
import static dev.agentrt.worker.testing.HarmonyCompletions.completion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.StopReason;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.TurnLimits;
import dev.agentrt.worker.testing.HarmonyCompletions;
import dev.agentrt.worker.testing.ScriptedHarmonyEngine;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test-only prompt-driven engine of the end-to-end tests: real Harmony in, real Harmony out. */
class ScriptedHarmonyEngineTest {

    private static final ScriptedHarmonyEngine.Script CALCULATOR = prompt -> {
        var outputs = prompt.toolOutputs();
        if (outputs.isEmpty()) {
            return completion(analysis("Need the calculator."), call("functions.calculate", "{\"expression\":\"6*7\"}"));
        }
        return completion(answer("The result is " + outputs.getLast().output() + "."));
    };

    @Test
    void completionsAreRealHarmony() {
        assertThat(HarmonyCompletions.text(completion(analysis("Think."), call("functions.calculate", "{\"x\":1}"))))
            .isEqualTo("<|channel|>analysis<|message|>Think.<|end|><|start|>assistant to=functions.calculate"
                + "<|channel|>commentary <|constrain|>json<|message|>{\"x\":1}<|call|>");
        assertThat(HarmonyCompletions.text(completion(answer("Done.")))).isEqualTo("<|channel|>final<|message|>Done.<|return|>");
    }

    @Test
    void theScriptSeesTheWholePromptAndAnswersWithWhatTheToolReturned() {
        var engine = new ScriptedHarmonyEngine(CALCULATOR);
        BatchDecoder decoder = new BatchDecoder(engine, new PromptBuilder(dev.agentrt.harmony.HarmonyEncoding.o200kHarmony()),
            new KvCacheAffinity(1L << 30, dev.agentrt.kv.KvCache::capacity), new DecoderSettings(4, 4096),
            Clock.systemUTC(), "w1");

        InferenceRequest turn1 = Requests.builder("c", 1, List.of(Requests.user("6*7?")))
            .setTools(List.of(Requests.calculate())).setLimits(new TurnLimits(100, null)).build();
        var sink1 = new RecordingSink();
        decoder.submit(turn1, Instant.now(), sink1);
        ScriptedTurnTest.runToIdle(decoder);
        assertThat(sink1.result().getStopReason()).isEqualTo(StopReason.CALL);
        List<HarmonyMessage> messages = sink1.result().getMessages();
        assertThat(messages).extracting(HarmonyMessage::getRecipient).containsExactly(null, "functions.calculate");

        var history = new ArrayList<>(turn1.getMessages());
        history.addAll(messages);
        history.add(Requests.message(Role.TOOL, "functions.calculate", "assistant", "commentary", null, "42"));
        InferenceRequest turn2 = Requests.builder("c", 2, history)
            .setTools(List.of(Requests.calculate())).setLimits(new TurnLimits(100, null)).build();
        var sink2 = new RecordingSink();
        decoder.submit(turn2, Instant.now(), sink2);
        ScriptedTurnTest.runToIdle(decoder);
        assertThat(sink2.result().getStopReason()).isEqualTo(StopReason.RETURN);
        assertThat(sink2.result().getUsage().getCachedPromptTokens()).isPositive(); // the reused cache kept turn 1
        assertThat(sink2.result().getMessages()).singleElement().satisfies(m -> {
            assertThat(m.getChannel()).isEqualTo("final");
            assertThat(((TextContent) m.getContent().getFirst()).getText()).isEqualTo("The result is 42.");
        });
        assertThat(engine.prefills()).isEqualTo(2);
    }
}
