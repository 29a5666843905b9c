package dev.agentrt.demomodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.Author;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.tokenizer.SpecialTokens;
import dev.agentrt.loop.LoopMessage;
import dev.agentrt.loop.PromptView;
import dev.agentrt.tools.builtin.BuiltinTool;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.worker.PromptBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TranscriptRendererTest {
    static final HarmonyEncoding ENCODING = HarmonyEncoding.o200kHarmony();
    static final TranscriptRenderer RENDERER = new TranscriptRenderer(ENCODING);
    static final Instant AT = Instant.parse("2025-08-05T14:30:00Z");

    static Sample calc(String question, String expression, ReasoningEffort effort) {
        return new Sample("t", Sample.Kind.CALCULATOR, question, DemoTools.STANDARD_ORDER, effort, AT,
            "functions.calculate", "{\"expression\":\"" + expression + "\"}", "Use the calculator.",
            r -> "The answer is " + Scenarios.plain(r.path("result")) + ".", null, null, "k");
    }

    @Test
    void offersTheBuiltinsExactlyAsTheCliDefinesThem() {
        var cli = new ArrayList<ToolDefinition>();
        for (BuiltinTool t : BuiltinTools.standard(Clock.systemUTC()).all()) {
            cli.add(new ToolDefinition(t.namespace(), t.name(), t.description(), t.parametersSchema()));
        }
        assertThat(DemoTools.definitions(DemoTools.STANDARD_ORDER)).isEqualTo(cli);
        assertThat(DemoTools.recipient("calculator")).isEqualTo("functions.calculate");
        assertThat(DemoTools.recipient("functions.convert_units")).isEqualTo("functions.convert_units");
        assertThat(DemoTools.recipient("get_current_time")).isEqualTo("functions.get_current_time");
    }

    @Test
    void secondTurnPromptIsWhatTheWorkerRendersForTheLoopsHistory() {
        Sample s = calc("What is 17.5 multiplied by 23? Use the calculator.", "17.5 * 23", ReasoningEffort.LOW);
        TranscriptRenderer.Rendered r = RENDERER.render(s);
        assertThat(r.turns()).hasSize(2);

        // The loop's own path: the worker's parsed messages as LoopMessages, the tool result as the loop appends it,
        // the chain-of-thought rule of PromptView, then the worker's PromptBuilder.
        List<Message> parsed = ENCODING.parseMessagesFromCompletionTokens(r.turns().get(0).completion(), Role.ASSISTANT);
        var loop = new ArrayList<LoopMessage>();
        loop.add(LoopMessage.user(s.question()));
        for (Message m : parsed) {
            loop.add(new LoopMessage(dev.agentrt.loop.Role.ASSISTANT, m.author().name(), m.recipient(), m.channel(),
                m.contentType(), m.text()));
        }
        String output = BuiltinTools.standard(Clock.systemUTC()).call("functions.calculate", "{\"expression\":\"17.5 * 23\"}").text();
        loop.add(LoopMessage.toolResult("functions.calculate", output));
        List<HarmonyMessage> wire = PromptView.of(loop).stream().map(TranscriptRendererTest::toAvro).toList();
        int[] expected = new PromptBuilder(ENCODING).promptTokens(TranscriptRenderer.request(s, wire, 2));
        assertThat(r.turns().get(1).prompt()).isEqualTo(expected);

        String text = ENCODING.tokenizer().decodeUtf8(r.turns().get(1).tokens());
        assertThat(text).endsWith("<|start|>user<|message|>What is 17.5 multiplied by 23? Use the calculator.<|end|>"
            + "<|start|>assistant<|channel|>analysis<|message|>Use the calculator.<|end|>"
            + "<|start|>assistant to=functions.calculate<|channel|>commentary <|constrain|>json<|message|>"
            + "{\"expression\":\"17.5 * 23\"}<|call|>"
            + "<|start|>functions.calculate to=assistant<|channel|>commentary<|message|>"
            + "{\"expression\":\"17.5 * 23\",\"result\":402.5}<|end|>"
            + "<|start|>assistant<|channel|>final<|message|>The answer is 402.5.<|return|>");
        assertThat(text).contains("Current date: 2025-08-05", "Reasoning: low", "type calculate = ");
        assertThat(r.finalText()).isEqualTo("The answer is 402.5.");
    }

    @Test
    void firstTurnPromptIsTheWorkersPromptForTheRequest() {
        Sample s = calc("What is 2 + 2?", "2 + 2", ReasoningEffort.HIGH);
        var request = TranscriptRenderer.request(s, List.of(TranscriptRenderer.user("What is 2 + 2?")), 1);
        TranscriptRenderer.Rendered r = RENDERER.render(s);
        assertThat(r.turns().get(0).prompt()).isEqualTo(new PromptBuilder(ENCODING).promptTokens(request));
        String completion = ENCODING.tokenizer().decodeUtf8(r.turns().get(0).completion());
        assertThat(completion).isEqualTo("<|channel|>analysis<|message|>Use the calculator.<|end|><|start|>assistant"
            + "<|channel|>commentary to=functions.calculate <|constrain|>json<|message|>{\"expression\":\"2 + 2\"}<|call|>");
        int[] prefix = Arrays.copyOf(r.turns().get(0).prompt(), r.prefixLength());
        assertThat(ENCODING.tokenizer().decodeUtf8(prefix)).startsWith("<|start|>system<|message|>")
            .endsWith("} // namespace functions<|end|>");
    }

    /** Every generated completion parses back, with the project's strict parser, to what the sample says. */
    @Test
    void generatedCompletionsParseBackToTheirCallsAndAnswers() {
        var scenarios = new Scenarios(new SplittableRandom(42));
        int calls = 0, direct = 0;
        for (int i = 0; i < 600; i++) {
            Sample s = scenarios.sample(scenarios.context());
            TranscriptRenderer.Rendered r = RENDERER.render(s);
            int[] first = r.turns().get(0).completion();
            List<Message> m = ENCODING.parseMessagesFromCompletionTokens(first, Role.ASSISTANT);
            assertThat(m).hasSize(2);
            assertThat(m.get(0).channel()).isEqualTo("analysis");
            assertThat(m.get(0).text()).isEqualTo(s.analysis());
            if (s.callsTool()) {
                calls++;
                assertThat(first[first.length - 1]).isEqualTo(SpecialTokens.CALL);
                assertThat(m.get(1).recipient()).isEqualTo(s.recipient());
                assertThat(m.get(1).channel()).isEqualTo("commentary");
                assertThat(m.get(1).contentType()).isEqualTo("<|constrain|>json");
                assertThat(m.get(1).text()).isEqualTo(s.arguments());
                assertThat(s.tools()).contains(DemoTools.CASE_NAMES.entrySet().stream()
                    .filter(e -> e.getValue().equals(s.recipient())).findFirst().orElseThrow().getKey());
                int[] second = r.turns().get(1).completion();
                assertThat(second[second.length - 1]).isEqualTo(SpecialTokens.RETURN);
                List<Message> answer = ENCODING.parseMessagesFromCompletionTokens(second, Role.ASSISTANT);
                assertThat(answer.getLast().channel()).isEqualTo("final");
                assertThat(answer.getLast().text()).isEqualTo(r.finalText());
                assertThat(r.finalText()).containsPattern(TranscriptGenerator.finalRegex(r));
                if (s.kind() != Sample.Kind.TIME) {
                    // The answer's number is the tool's text, character for character.
                    String result = Scenarios.plain(TranscriptRenderer.parse(r.toolOutput()).path("result"));
                    assertThat(r.toolOutput()).contains("\"result\":" + result + "}");
                    assertThat(r.finalText()).contains(result);
                }
            } else {
                direct++;
                assertThat(first[first.length - 1]).isEqualTo(SpecialTokens.RETURN);
                assertThat(m.get(1).channel()).isEqualTo("final");
                assertThat(m.get(1).recipient()).isNull();
                assertThat(m.get(1).text()).isEqualTo(r.finalText()).containsPattern(s.finalRegex());
            }
        }
        assertThat(calls).isGreaterThan(300);
        assertThat(direct).isGreaterThan(40);
    }

    static HarmonyMessage toAvro(LoopMessage m) {
        dev.agentrt.avro.Role role = dev.agentrt.avro.Role.valueOf(m.role().name());
        return HarmonyMessage.newBuilder().setAuthor(new Author(role, m.authorName())).setRecipient(m.recipient())
            .setChannel(m.channel()).setContentType(m.contentType()).setContent(List.of(new TextContent(m.text())))
            .build();
    }
}
