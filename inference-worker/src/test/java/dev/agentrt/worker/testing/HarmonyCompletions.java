package dev.agentrt.worker.testing;

import dev.agentrt.generate.StopTokens;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * TEST ONLY: what a gpt-oss model writes for a turn, as o200k_harmony ids rendered by the Harmony encoder. A
 * completion is the rendered messages minus the prompt's trailing {@code <|start|>assistant}; a final answer ends
 * with {@code <|return|>}, a tool call with {@code <|call|>} (as the renderer writes it).
 */
public final class HarmonyCompletions {
    private static final HarmonyEncoding ENCODING = HarmonyEncoding.o200kHarmony();

    private HarmonyCompletions() {}

    public static Message analysis(String text) {
        return Message.of(Role.ASSISTANT, text).withChannel("analysis");
    }

    /** A function call on the commentary channel with JSON arguments, e.g. {@code functions.calculate}. */
    public static Message call(String recipient, String jsonArguments) {
        return Message.of(Role.ASSISTANT, jsonArguments).withChannel("commentary").withRecipient(recipient)
            .withContentType("<|constrain|>json");
    }

    public static Message answer(String text) {
        return Message.of(Role.ASSISTANT, text).withChannel("final");
    }

    /** The tokens of {@code messages} after {@code <|start|>assistant}; a last final message ends with {@code <|return|>}. */
    public static int[] completion(Message... messages) {
        List<Integer> out = new ArrayList<>();
        for (Message m : messages) {
            for (int t : ENCODING.render(m)) out.add(t);
        }
        int opening = 1 + ENCODING.tokenizer().encodeOrdinary("assistant").length;
        int[] tokens = out.stream().skip(opening).mapToInt(Integer::intValue).toArray();
        Message last = messages[messages.length - 1];
        if ("final".equals(last.channel())) tokens[tokens.length - 1] = StopTokens.RETURN;
        return tokens;
    }

    /** The text of {@code tokens} (special tokens as their literal text). */
    public static String text(int[] tokens) {
        return ENCODING.tokenizer().decodeLossy(tokens);
    }
}
