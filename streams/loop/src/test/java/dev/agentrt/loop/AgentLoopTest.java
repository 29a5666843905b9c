package dev.agentrt.loop;

import static dev.agentrt.loop.Conversations.ID;
import static dev.agentrt.loop.Conversations.T0;
import static dev.agentrt.loop.Conversations.finalTurn;
import static dev.agentrt.loop.Conversations.limits;
import static dev.agentrt.loop.Conversations.start;
import static dev.agentrt.loop.Conversations.toolCallTurn;
import static dev.agentrt.loop.Conversations.toolOk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.loop.Command.AppendTranscript;
import dev.agentrt.loop.Command.CallTool;
import dev.agentrt.loop.Command.Ignored;
import dev.agentrt.loop.Command.RequestInference;
import dev.agentrt.loop.Conversations.Driver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AgentLoopTest {

    @Nested
    class HappyPaths {

        @Test
        void startRequestsTurnOneWithTheUserMessage() {
            var d = new Driver().feed(start());
            var req = d.all(RequestInference.class);
            assertThat(req).singleElement().satisfies(r -> {
                assertThat(r.turn()).isEqualTo(1);
                assertThat(r.prompt()).containsExactly(LoopMessage.user("What is the weather in Paris?"));
                assertThat(r.maxOutputTokens()).isEqualTo(256);
            });
            assertThat(d.state.pending()).isEqualTo(new Pending.Inference(1));
            assertThat(d.all(AppendTranscript.class)).extracting(AppendTranscript::sequence).containsExactly(0L);
        }

        @Test
        void toolCallThenResultThenFinalCompletes() {
            var d = new Driver().feed(start(), toolCallTurn(1, "functions.get_weather", "{\"city\":\"Paris\"}"));
            var call = d.all(CallTool.class);
            assertThat(call).singleElement().satisfies(c -> {
                assertThat(c.callId()).isEqualTo(ID + "/1/1");
                assertThat(c.recipient()).isEqualTo("functions.get_weather");
                assertThat(c.arguments()).isEqualTo("{\"city\":\"Paris\"}");
                assertThat(c.contentType()).isEqualTo("<|constrain|>json");
                assertThat(c.deadline()).isEqualTo(T0.plusSeconds(1).plusSeconds(30));
            });

            d.feed(toolOk(1, "{\"temp\":21}"));
            var second = d.all(RequestInference.class).getLast();
            assertThat(second.turn()).isEqualTo(2);
            assertThat(second.prompt().getLast()).isEqualTo(LoopMessage.toolResult("functions.get_weather", "{\"temp\":21}"));
            // The analysis of the ongoing turn stays in the prompt (no final yet).
            assertThat(second.prompt()).extracting(LoopMessage::channel).contains("analysis");

            d.feed(finalTurn(2, "It is 21 °C in Paris."));
            var resp = d.response();
            assertThat(resp.status()).isEqualTo(ConversationStatus.COMPLETED);
            assertThat(resp.finalMessage().text()).isEqualTo("It is 21 °C in Paris.");
            assertThat(resp.turns()).isEqualTo(2);
            assertThat(resp.usage()).isEqualTo(new Usage(250, 100, 50));
            assertThat(resp.error()).isNull();
            assertThat(d.state.isFinished()).isTrue();
        }

        @Test
        void everyAppendedMessageGoesToTheTranscriptInOrder() {
            var d = new Driver().feed(start(), toolCallTurn(1, "functions.get_weather", "{}"), toolOk(1, "sunny"),
                finalTurn(2, "Sunny."));
            var transcript = d.all(AppendTranscript.class);
            assertThat(transcript).extracting(AppendTranscript::sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(transcript).extracting(AppendTranscript::turn).containsExactly(0, 1, 1, 1, 2, 2);
            assertThat(transcript).extracting(t -> t.message()).isEqualTo(d.state.messages());
        }

        @Test
        void twoToolCallsInARow() {
            var d = new Driver().feed(start(),
                toolCallTurn(1, "functions.get_weather", "{}"), toolOk(1, "sunny"),
                toolCallTurn(2, "functions.calculate", "{\"expr\":\"2+2\"}"), toolOk(2, "4"),
                finalTurn(3, "Sunny, and 2+2=4."));
            assertThat(d.all(CallTool.class)).extracting(CallTool::callId).containsExactly(ID + "/1/1", ID + "/2/1");
            assertThat(d.response().status()).isEqualTo(ConversationStatus.COMPLETED);
            assertThat(d.response().turns()).isEqualTo(3);
        }

        @Test
        void builtinToolOfferedByNamespaceAcceptsItsFunctions() {
            var d = new Driver().feed(start(), toolCallTurn(1, "browser.search", "{\"query\":\"x\"}"));
            assertThat(d.all(CallTool.class)).singleElement().extracting(CallTool::recipient).isEqualTo("browser.search");
        }

        @Test
        void turnWithNeitherAnswerNorCallContinuesWithANewTurn() {
            var preamble = new Event.InferenceCompleted(ID, 1, List.of(LoopMessage.assistant("commentary", "Working on it.")),
                StopReason.RETURN, new Usage(10, 0, 5), null, T0.plusSeconds(1));
            var d = new Driver().feed(start(), preamble);
            assertThat(d.all(RequestInference.class)).extracting(RequestInference::turn).containsExactly(1, 2);
        }

        @Test
        void failedToolGoesBackToTheModelAsAnError() {
            var failed = new Event.ToolCompleted(ID, ID + "/1/1", Event.ToolOutcome.FAILED, "bad arguments: city missing",
                T0.plusSeconds(2));
            var d = new Driver().feed(start(), toolCallTurn(1, "functions.get_weather", "{}"), failed);
            assertThat(d.all(RequestInference.class).getLast().prompt().getLast().text())
                .isEqualTo("Error: bad arguments: city missing");
            assertThat(d.state.isFinished()).isFalse();
        }
    }

    @Nested
    class Limits_ {

        @Test
        void unknownToolEndsTheConversation() {
            var d = new Driver().feed(start(), toolCallTurn(1, "functions.launch_rockets", "{}"));
            assertThat(d.all(CallTool.class)).isEmpty();
            assertThat(d.response().status()).isEqualTo(ConversationStatus.UNKNOWN_TOOL);
            assertThat(d.response().error()).contains("functions.launch_rockets");
        }

        @Test
        void executorWithoutARouteEndsWithUnknownTool() {
            var unknown = new Event.ToolCompleted(ID, ID + "/1/1", Event.ToolOutcome.UNKNOWN_TOOL, "", T0.plusSeconds(2));
            var d = new Driver().feed(start(), toolCallTurn(1, "functions.get_weather", "{}"), unknown);
            assertThat(d.response().status()).isEqualTo(ConversationStatus.UNKNOWN_TOOL);
        }

        @Test
        void toolTimeoutReportedByTheExecutor() {
            var timeout = new Event.ToolCompleted(ID, ID + "/1/1", Event.ToolOutcome.TIMED_OUT, "", T0.plusSeconds(31));
            var d = new Driver().feed(start(), toolCallTurn(1, "functions.get_weather", "{}"), timeout);
            assertThat(d.response().status()).isEqualTo(ConversationStatus.TOOL_TIMEOUT);
        }

        @Test
        void toolTimeoutDetectedByTheClockWhenTheExecutorIsSilent() {
            var d = new Driver().feed(start(), toolCallTurn(1, "functions.get_weather", "{}"),
                new Event.Tick(ID, T0.plusSeconds(20)));
            assertThat(d.all(Command.Respond.class)).isEmpty();
            d.feed(new Event.Tick(ID, T0.plusSeconds(32)));
            assertThat(d.response().status()).isEqualTo(ConversationStatus.TOOL_TIMEOUT);
            // The late answer is then ignored.
            d.feed(toolOk(1, "sunny"));
            assertThat(d.all(Command.Respond.class)).hasSize(1);
            assertThat(d.all(Ignored.class)).isNotEmpty();
        }

        @Test
        void maxTurns() {
            var two = new Limits(2, 256, 100_000, null, Duration.ofSeconds(30));
            var s = new Event.Start(ID, List.of(LoopMessage.user("loop forever")), Conversations.TOOLS, two, T0);
            var d = new Driver().feed(s, toolCallTurn(1, "functions.calculate", "{}"), toolOk(1, "1"),
                toolCallTurn(2, "functions.calculate", "{}"), toolOk(2, "2"));
            assertThat(d.all(RequestInference.class)).hasSize(2);
            var resp = d.response();
            assertThat(resp.status()).isEqualTo(ConversationStatus.MAX_TURNS);
            assertThat(resp.turns()).isEqualTo(2);
            assertThat(resp.error()).contains("2 turns");
        }

        @Test
        void deadlineByTheClock() {
            var d = new Driver().feed(start(), new Event.Tick(ID, T0.plusSeconds(599)));
            assertThat(d.all(Command.Respond.class)).isEmpty();
            d.feed(new Event.Tick(ID, T0.plusSeconds(601)));
            assertThat(d.response().status()).isEqualTo(ConversationStatus.DEADLINE);
            d.feed(finalTurn(1, "too late"));
            assertThat(d.all(Command.Respond.class)).hasSize(1);
        }

        @Test
        void workerStoppingATurnAtTheDeadlineEndsWithDeadlineNotAWorkerError() {
            var stopped = new Event.InferenceCompleted(ID, 1, List.of(), StopReason.DEADLINE, new Usage(10, 0, 3),
                "turn stopped: deadline", T0.plusSeconds(601));
            var resp = new Driver().feed(start(), stopped).response();
            assertThat(resp.status()).isEqualTo(ConversationStatus.DEADLINE);
            assertThat(resp.usage().completionTokens()).isEqualTo(3);
        }

        @Test
        void deadlineAlreadyPassedAtStart() {
            var s = new Event.Start(ID, List.of(LoopMessage.user("hi")), Set.of(), limits(), T0.plusSeconds(700));
            assertThat(new Driver().feed(s).response().status()).isEqualTo(ConversationStatus.DEADLINE);
        }

        @Test
        void tokenBudgetStopsBeforeTheNextAction() {
            var small = new Limits(8, 256, 100, null, Duration.ofSeconds(30));
            var s = new Event.Start(ID, List.of(LoopMessage.user("q")), Conversations.TOOLS, small, T0);
            var d = new Driver().feed(s, toolCallTurn(1, "functions.calculate", "{}")); // 120 tokens
            assertThat(d.all(CallTool.class)).isEmpty();
            assertThat(d.response().status()).isEqualTo(ConversationStatus.TOKEN_BUDGET);
            assertThat(d.response().usage().total()).isEqualTo(120);
        }

        @Test
        void turnStoppedByTheOutputLimit() {
            var cut = new Event.InferenceCompleted(ID, 1, List.of(LoopMessage.assistant("analysis", "Let me think about")),
                StopReason.LENGTH, new Usage(40, 0, 256), null, T0.plusSeconds(1));
            var resp = new Driver().feed(start(), cut).response();
            assertThat(resp.status()).isEqualTo(ConversationStatus.TURN_TOKEN_LIMIT);
            assertThat(resp.error()).contains("256 output tokens");
            assertThat(resp.usage().completionTokens()).isEqualTo(256);
        }

        @Test
        void workerError() {
            var failed = new Event.InferenceCompleted(ID, 1, List.of(), StopReason.ERROR, Usage.ZERO, "CUDA out of memory",
                T0.plusSeconds(1));
            var resp = new Driver().feed(start(), failed).response();
            assertThat(resp.status()).isEqualTo(ConversationStatus.WORKER_ERROR);
            assertThat(resp.error()).contains("CUDA out of memory");
        }

        @Test
        void emptyTurnIsAWorkerError() {
            var empty = new Event.InferenceCompleted(ID, 1, List.of(), StopReason.RETURN, Usage.ZERO, null, T0);
            assertThat(new Driver().feed(start(), empty).response().status()).isEqualTo(ConversationStatus.WORKER_ERROR);
        }

        @Test
        void invalidRequestsEndAtOnce() {
            var noMessages = new Event.Start(ID, List.of(), Set.of(), limits(), T0);
            var resp = new Driver().feed(noMessages).response();
            assertThat(resp.status()).isEqualTo(ConversationStatus.INVALID_REQUEST);
            assertThat(resp.error()).isEqualTo("the request has no messages");
            var blankId = new Event.Start(" ", List.of(LoopMessage.user("x")), Set.of(), limits(), T0);
            assertThat(new Driver().feed(blankId).response().status()).isEqualTo(ConversationStatus.INVALID_REQUEST);
        }

        @Test
        void requestsTheAdapterRejectedEndWithItsReason() {
            var s = new Event.Start(ID, List.of(), Set.of(), Limits.DEFAULTS, T0, "maxTurns must be >= 1, was 0");
            var resp = new Driver().feed(s).response();
            assertThat(resp.status()).isEqualTo(ConversationStatus.INVALID_REQUEST);
            assertThat(resp.error()).isEqualTo("maxTurns must be >= 1, was 0");
        }

        @Test
        void limitsRejectNonsense() {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Limits(0, 1, 1, null, Duration.ofSeconds(1)))
                .hasMessageContaining("maxTurns");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Limits(1, 1, 1, null, Duration.ZERO))
                .hasMessageContaining("toolTimeout");
        }
    }

    @Nested
    class Idempotence {

        @Test
        void duplicateStartIsIgnored() {
            var d = new Driver().feed(start(), start());
            assertThat(d.all(RequestInference.class)).hasSize(1);
            assertThat(d.all(Ignored.class)).singleElement().extracting(Ignored::reason).isEqualTo("duplicate request");
        }

        @Test
        void duplicateInferenceResultAppliedOnce() {
            var call = toolCallTurn(1, "functions.get_weather", "{}");
            var d = new Driver().feed(start(), call, call);
            assertThat(d.all(CallTool.class)).hasSize(1);
            assertThat(d.state.messages()).hasSize(3);
        }

        @Test
        void duplicateToolResultAppliedOnce() {
            var d = new Driver().feed(start(), toolCallTurn(1, "functions.get_weather", "{}"), toolOk(1, "a"), toolOk(1, "a"));
            assertThat(d.all(RequestInference.class)).hasSize(2);
            assertThat(d.state.messages()).hasSize(4);
        }

        @Test
        void resultForAnotherTurnIsIgnored() {
            var d = new Driver().feed(start(), finalTurn(2, "from the future"));
            assertThat(d.all(Command.Respond.class)).isEmpty();
            assertThat(d.all(Ignored.class)).singleElement().extracting(Ignored::reason).asString().contains("awaiting turn 1");
        }

        @Test
        void eventsForUnknownConversationsAreIgnoredNotFailed() {
            var step = AgentLoop.apply(null, finalTurn(1, "x"));
            assertThat(step.state()).isNull();
            assertThat(step.commands()).singleElement().isInstanceOf(Ignored.class);
        }

        @Test
        void tickWithNothingDueChangesNothing() {
            var d = new Driver().feed(start());
            var before = d.state;
            d.feed(new Event.Tick(ID, T0.plusSeconds(5)));
            assertThat(d.state).isEqualTo(before);
        }
    }

    @Nested
    class ChainOfThought {

        @Test
        void analysisIsKeptInStateButDroppedFromPromptsAfterAFinalAnswer() {
            var history = List.of(
                LoopMessage.user("What is 2 + 2?"),
                LoopMessage.assistant("analysis", "Simple arithmetic."),
                LoopMessage.assistant("final", "4."),
                LoopMessage.user("And 9 / 2?"));
            // The conversation continues a chat whose previous answer was final: its CoT is dropped.
            var s = new Event.Start(ID, history, Set.of(), limits(), T0);
            var d = new Driver().feed(s);
            // Last assistant message is final, so the analysis before the first final is dropped from the prompt.
            assertThat(d.all(RequestInference.class).getFirst().prompt())
                .extracting(LoopMessage::text).containsExactly("What is 2 + 2?", "4.", "And 9 / 2?");
            assertThat(d.state.messages()).hasSize(4);
        }

        @Test
        void promptViewFollowsTheHarmonyRuleExactly() {
            var m = List.of(
                LoopMessage.user("q1"),
                LoopMessage.assistant("analysis", "a1"),
                LoopMessage.assistant("final", "f1"),
                LoopMessage.user("q2"),
                LoopMessage.assistant("analysis", "a2"),
                LoopMessage.assistant("final", "f2"));
            // Only analysis before the FIRST final is dropped (test_keep_analysis_between_finals).
            assertThat(PromptView.of(m)).extracting(LoopMessage::text).containsExactly("q1", "f1", "q2", "a2", "f2");
            // Idempotent.
            assertThat(PromptView.of(PromptView.of(m))).isEqualTo(PromptView.of(m));
            // No drop while the last assistant message is not final.
            var ongoing = List.of(LoopMessage.user("q"), LoopMessage.assistant("analysis", "a"),
                LoopMessage.toolCall("functions.x", "{}"), LoopMessage.toolResult("functions.x", "r"));
            assertThat(PromptView.of(ongoing)).isEqualTo(ongoing);
        }
    }
}
