package dev.agentrt.cli.model;

import dev.agentrt.engine.Engine;
import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.generate.Generator;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.SamplingParams;
import dev.agentrt.generate.StopTokens;
import dev.agentrt.harmony.Conversation;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.HarmonyParseException;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.ReasoningEffort;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.StreamableParser;
import dev.agentrt.harmony.SystemContent;
import dev.agentrt.harmony.json.HarmonyJson;
import dev.agentrt.model.Checkpoint;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code model generate --prompt}: renders a user message the way the worker does (system message with the effort
 * and today's date), decodes, and feeds the Harmony streaming parser token by token, printing each message's
 * header when it starts and its text as it arrives.
 */
final class PromptGeneration {

    private final PrintWriter out;
    private final PrintWriter err;
    private final String prompt;
    private final ReasoningEffort effort;
    private final boolean json;

    PromptGeneration(PrintWriter out, PrintWriter err, String prompt, String effort, boolean json) {
        this.out = out;
        this.err = err;
        this.prompt = prompt;
        this.effort = ReasoningEffort.valueOf(effort.toUpperCase(Locale.ROOT));
        this.json = json;
    }

    int run(EngineOptions engine, int maxTokens, SamplingParams params, boolean ignoreStop) throws Exception {
        HarmonyEncoding harmony = HarmonyEncoding.o200kHarmony();
        SystemContent system = SystemContent.defaults().withReasoningEffort(effort)
            .withConversationStartDate(LocalDate.now(ZoneOffset.UTC).toString());
        int[] tokens = harmony.renderConversationForCompletion(
            Conversation.of(Message.system(system), Message.of(Role.USER, prompt)), Role.ASSISTANT);
        StreamableParser parser = harmony.newParser(Role.ASSISTANT, false);
        try (Checkpoint ckpt = Checkpoint.open(engine.model); Parallel pool = new Parallel(engine.threadCount());
             Engine model = engine.open(ckpt, pool, tokens.length + maxTokens, err)) {
            if (!json) out.printf(Locale.ROOT, "prompt: %d tokens%n", tokens.length);
            var stream = new MessageStream();
            Generator.Result result = new Generator(model, ignoreStop ? StopTokens.NONE : StopTokens.HARMONY)
                .generate(tokens, maxTokens, new Sampler(params, ckpt.config().vocabSize()), token -> {
                    try {
                        parser.process(token);
                    } catch (HarmonyParseException e) {
                        throw new IllegalStateException("the model's output is not valid Harmony: " + e.getMessage(), e);
                    }
                    if (!json) stream.show(parser);
                });
            List<Message> messages = parser.messages();
            if (json) {
                out.println(HarmonyJson.writeMessages(messages));
            } else {
                out.println();
                out.printf(Locale.ROOT, "(%d tokens, stopped by %s; %d complete message%s)%n", result.tokens().length,
                    result.reason() == Generator.StopReason.STOP_TOKEN ? "a stop token" : "the -n limit",
                    messages.size(), messages.size() == 1 ? "" : "s");
            }
            out.flush();
        }
        return 0;
    }

    /** Prints a header line when a new message starts and its content deltas as they arrive. */
    private final class MessageStream {
        private int headersShown;
        private int completed;

        void show(StreamableParser parser) {
            if (parser.messages().size() > completed) {
                completed = parser.messages().size();
                out.println();
            }
            if (parser.state() == StreamableParser.State.CONTENT && headersShown <= completed) {
                headersShown = completed + 1;
                String channel = parser.currentChannel().orElse("-");
                Optional<String> to = parser.currentRecipient();
                out.print("[assistant " + channel + to.map(r -> " → " + r).orElse("") + "] ");
            }
            parser.lastContentDelta().ifPresent(out::print);
            out.flush();
        }
    }
}
