package dev.agentrt.cli.e2e;

import static dev.agentrt.worker.testing.HarmonyCompletions.analysis;
import static dev.agentrt.worker.testing.HarmonyCompletions.answer;
import static dev.agentrt.worker.testing.HarmonyCompletions.call;
import static dev.agentrt.worker.testing.HarmonyCompletions.completion;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.avro.ConversationLimits;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.avro.TranscriptEventKind;
import dev.agentrt.cli.client.RequestFactory;
import dev.agentrt.cli.demo.LocalStack;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.tools.service.ExecutorServiceSettings;
import dev.agentrt.worker.testing.ScriptedHarmonyEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole local stack (embedded broker, orchestrator with exactly-once, worker, tool executor) with a test-only
 * scripted engine in the worker: real Harmony token sequences chosen from the prompt, real tool calls, every way a
 * conversation ends. The script reads the first user message as a directive.
 */
class ScriptedLoopIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path data;
    private static LocalStack stack;
    private static Conversations conversations;

    /** The model's side of each directive: the calls it makes, then an answer that quotes what the tools said. */
    static int[] script(ScriptedHarmonyEngine.Prompt prompt) {
        String q = prompt.firstUserMessage();
        var outputs = prompt.toolOutputs();
        if (q.startsWith("calc ")) {
            String expression = q.substring(5);
            if (outputs.isEmpty()) {
                return completion(analysis("The user wants " + expression + "; I will use the calculator."),
                    call("functions.calculate", "{\"expression\":\"" + expression + "\"}"));
            }
            String result = result(outputs.getLast().output());
            return completion(analysis("The calculator returned " + result + "."),
                answer(expression + " = " + result));
        }
        if (q.startsWith("two ")) {
            String[] expressions = q.substring(4).split(";");
            if (outputs.size() < 2) {
                return completion(call("functions.calculate",
                    "{\"expression\":\"" + expressions[outputs.size()].strip() + "\"}"));
            }
            return completion(answer("First " + result(outputs.get(0).output()) + ", then "
                + result(outputs.get(1).output()) + "."));
        }
        if (q.equals("forever")) {
            return completion(analysis("Again."), call("functions.calculate", "{\"expression\":\"1+1\"}"));
        }
        if (q.startsWith("call ")) { // call <recipient> <json>
            String[] parts = q.split(" ", 3);
            return completion(call(parts[1], parts[2]));
        }
        throw new IllegalStateException("no script for " + q);
    }

    /** The {@code result} of the calculator's JSON answer, as the model would read it. */
    static String result(String calculatorOutput) {
        try {
            return JSON.readTree(calculatorOutput).get("result").asText();
        } catch (Exception e) {
            throw new IllegalStateException("not a calculator answer: " + calculatorOutput, e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        var tools = new LocalStack.Tools(Map.of("functions.sleep", args -> {
            Thread.sleep(args.get("ms").asLong());
            return "slept";
        }), new ExecutorServiceSettings("e2e-tools", 2, 1000, Duration.ofMillis(50), Duration.ofSeconds(5)));
        var options = new LocalStack.Options(null, 0, 8, 4096, data.resolve("stack"))
            .withEngine((model, closeLater) -> new ScriptedHarmonyEngine(ScriptedLoopIT::script))
            .withTools(tools)
            .withTopicPrefix("e2e.");
        var log = new StringWriter();
        stack = LocalStack.start(options, new PrintWriter(log, true));
        assertThat(stack.topics().requests()).isEqualTo("e2e.requests");
        conversations = new Conversations(stack);
    }

    @AfterAll
    static void stop() {
        if (conversations != null) conversations.close();
        if (stack != null) stack.close();
    }

    private static List<ToolDefinition> tools() {
        var tools = new ArrayList<>(RequestFactory.builtinToolDefinitions());
        tools.add(new ToolDefinition("functions", "sleep", "Sleeps.", "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\"}}}"));
        tools.add(new ToolDefinition("functions", "unrouted", "Offered, but no executor runs it.", null));
        return tools;
    }

    private static Conversations.Finished run(String directive, int maxTurns, Duration timeout,
                                              UnaryOperator<ConversationLimits> limits) throws Exception {
        return conversations.run(Conversations.request(directive, tools(), maxTurns, 200, timeout, limits), false, WAIT);
    }

    private static Conversations.Finished run(String directive) throws Exception {
        return run(directive, 6, Duration.ofSeconds(60), l -> l);
    }

    private static void assertGapFree(List<TranscriptEvent> transcript, String conversationId) {
        assertThat(transcript).extracting(TranscriptEvent::getSequence)
            .containsExactlyElementsOf(LongStream.range(0, transcript.size()).boxed().toList());
        assertThat(transcript).allSatisfy(e -> assertThat(e.getConversationId()).isEqualTo(conversationId));
    }

    @Test
    void aToolCallGetsTheCalculatorsResultAndTheFinalAnswerQuotesIt() throws Exception {
        String expected = BuiltinTools.standard(Clock.systemUTC()).call("functions.calculate",
            "{\"expression\":\"17.5*23\"}").text();
        assertThat(expected).isEqualTo("{\"expression\":\"17.5*23\",\"result\":402.5}");

        var done = run("calc 17.5*23");

        var response = done.response();
        assertThat(response.getStatus()).as(response.getError()).isEqualTo(ConversationStatus.COMPLETED);
        assertThat(response.getError()).isNull();
        assertThat(response.getTurns()).isEqualTo(2);
        assertThat(Conversations.text(response.getFinalMessage())).isEqualTo("17.5*23 = 402.5");
        assertThat(response.getUsage().getPromptTokens()).isPositive();
        assertThat(response.getUsage().getCompletionTokens()).isPositive();

        var t = done.transcript();
        assertGapFree(t, response.getConversationId());
        assertThat(t).extracting(TranscriptEvent::getKind).containsExactly(TranscriptEventKind.REQUEST_MESSAGE,
            TranscriptEventKind.MODEL_MESSAGE, TranscriptEventKind.MODEL_MESSAGE, TranscriptEventKind.TOOL_RESULT,
            TranscriptEventKind.MODEL_MESSAGE, TranscriptEventKind.MODEL_MESSAGE);
        assertThat(t).extracting(TranscriptEvent::getTurn).containsExactly(0, 1, 1, 1, 2, 2);
        List<HarmonyMessage> m = t.stream().map(TranscriptEvent::getMessage).toList();
        assertThat(m.get(0).getAuthor().getRole()).isEqualTo(Role.USER);
        assertThat(Conversations.text(m.get(0))).isEqualTo("calc 17.5*23");
        assertThat(m.get(1).getChannel()).isEqualTo("analysis");
        assertThat(m.get(2).getChannel()).isEqualTo("commentary");
        assertThat(m.get(2).getRecipient()).isEqualTo("functions.calculate");
        assertThat(Conversations.text(m.get(2))).isEqualTo("{\"expression\":\"17.5*23\"}");
        assertThat(m.get(3).getAuthor().getRole()).isEqualTo(Role.TOOL);
        assertThat(m.get(3).getAuthor().getName()).isEqualTo("functions.calculate");
        assertThat(Conversations.text(m.get(3))).isEqualTo(expected);
        assertThat(t.get(3).getCallId()).isNotBlank();
        assertThat(m.get(4).getChannel()).isEqualTo("analysis");
        assertThat(Conversations.text(m.get(4))).isEqualTo("The calculator returned 402.5.");
        assertThat(m.get(5).getChannel()).isEqualTo("final");
        assertThat(Conversations.text(m.get(5))).isEqualTo("17.5*23 = 402.5");
    }

    @Test
    void twoToolCallsInARow() throws Exception {
        var done = run("two 2^10; 81/4");
        assertThat(done.response().getStatus()).as(done.response().getError()).isEqualTo(ConversationStatus.COMPLETED);
        assertThat(done.response().getTurns()).isEqualTo(3);
        assertThat(Conversations.text(done.response().getFinalMessage())).isEqualTo("First 1024, then 20.25.");
        var t = done.transcript();
        assertGapFree(t, done.response().getConversationId());
        assertThat(t).extracting(TranscriptEvent::getKind).containsExactly(TranscriptEventKind.REQUEST_MESSAGE,
            TranscriptEventKind.MODEL_MESSAGE, TranscriptEventKind.TOOL_RESULT,
            TranscriptEventKind.MODEL_MESSAGE, TranscriptEventKind.TOOL_RESULT, TranscriptEventKind.MODEL_MESSAGE);
        assertThat(t).extracting(e -> Conversations.text(e.getMessage())).containsExactly("two 2^10; 81/4",
            "{\"expression\":\"2^10\"}", "{\"expression\":\"2^10\",\"result\":1024}", "{\"expression\":\"81/4\"}",
            "{\"expression\":\"81/4\",\"result\":20.25}", "First 1024, then 20.25.");
        assertThat(t.get(2).getCallId()).isNotEqualTo(t.get(4).getCallId());
    }

    @Test
    void aToolTheConversationDoesNotOfferEndsWithUnknownTool() throws Exception {
        var done = run("call functions.teleport {\"to\":\"mars\"}");
        assertThat(done.response().getStatus()).isEqualTo(ConversationStatus.UNKNOWN_TOOL);
        assertThat(done.response().getError()).contains("functions.teleport");
        assertThat(done.response().getFinalMessage()).isNull();
        assertThat(done.transcript()).extracting(TranscriptEvent::getKind)
            .containsExactly(TranscriptEventKind.REQUEST_MESSAGE, TranscriptEventKind.MODEL_MESSAGE);
    }

    @Test
    void anOfferedToolThatNoExecutorRunsEndsWithUnknownTool() throws Exception {
        var done = run("call functions.unrouted {}");
        assertThat(done.response().getStatus()).isEqualTo(ConversationStatus.UNKNOWN_TOOL);
        assertThat(done.response().getError()).contains("functions.unrouted");
        assertThat(done.transcript()).extracting(TranscriptEvent::getKind)
            .containsExactly(TranscriptEventKind.REQUEST_MESSAGE, TranscriptEventKind.MODEL_MESSAGE);
    }

    @Test
    void aToolThatOutlastsTheToolTimeoutEndsWithToolTimeout() throws Exception {
        long t0 = System.nanoTime();
        var done = run("call functions.sleep {\"ms\":3000}", 6, Duration.ofSeconds(60),
            l -> { l.setToolTimeoutMs(400L); return l; });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(done.response().getStatus()).as(done.response().getError()).isEqualTo(ConversationStatus.TOOL_TIMEOUT);
        assertThat(done.response().getError()).contains("functions.sleep");
        assertThat(ms).as("ended by the timeout, not by the tool's answer").isLessThan(2800);
        assertThat(done.transcript()).extracting(TranscriptEvent::getKind)
            .containsExactly(TranscriptEventKind.REQUEST_MESSAGE, TranscriptEventKind.MODEL_MESSAGE);
    }

    @Test
    void aConversationThatNeverAnswersEndsWithMaxTurns() throws Exception {
        var done = run("forever", 3, Duration.ofSeconds(60), l -> l);
        assertThat(done.response().getStatus()).isEqualTo(ConversationStatus.MAX_TURNS);
        assertThat(done.response().getTurns()).isEqualTo(3);
        assertThat(done.response().getError()).contains("3 turns");
        assertThat(done.transcript()).filteredOn(e -> e.getKind() == TranscriptEventKind.TOOL_RESULT)
            .hasSize(3).allSatisfy(e -> assertThat(Conversations.text(e.getMessage()))
                .isEqualTo("{\"expression\":\"1+1\",\"result\":2}"));
        assertGapFree(done.transcript(), done.response().getConversationId());
    }

    @Test
    void theDeadlinePassingWhileAToolRunsEndsWithDeadline() throws Exception {
        Instant before = Instant.now();
        var done = run("call functions.sleep {\"ms\":3000}", 6, Duration.ofMillis(1500), l -> l); // tool timeout 30 s
        assertThat(done.response().getStatus()).as(done.response().getError()).isEqualTo(ConversationStatus.DEADLINE);
        assertThat(done.response().getError()).contains("deadline");
        assertThat(done.response().getCompletedAt()).isAfter(before.plusMillis(1500)).isBefore(before.plusMillis(2900));
    }
}
