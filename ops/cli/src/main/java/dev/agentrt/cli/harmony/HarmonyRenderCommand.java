package dev.agentrt.cli.harmony;

import dev.agentrt.harmony.Conversation;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.HarmonyException;
import dev.agentrt.harmony.RenderConversationConfig;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.json.HarmonyJson;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentrt harmony render}: openai-harmony Conversation JSON → prompt text or token ids. */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = {"Render an openai-harmony Conversation JSON ({\"messages\":[...]}).",
        "Missing SystemContent keys take the Python defaults; an explicit null leaves a field unset."})
public final class HarmonyRenderCommand implements Callable<Integer> {
    /** Output forms. */
    public enum Format { text, tokens }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--conversation", required = true, paramLabel = "FILE",
        description = "Conversation JSON file, or - for standard input.")
    String conversation;

    @Option(names = "--next-role", paramLabel = "ROLE",
        description = "Render for completion: append <|start|> and this role (user, assistant, system, developer, tool).")
    String nextRole;

    @Option(names = "--auto-drop", arity = "1", defaultValue = "true", paramLabel = "true|false",
        description = "Drop analysis messages before the first final answer when the last assistant message is final "
            + "(default: ${DEFAULT-VALUE}).")
    boolean autoDrop;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|tokens",
        description = "text: the decoded prompt, no newline added; tokens: a JSON array of ids (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Conversation conv = HarmonyJson.readConversation(CommandInput.readText(conversation, System.in));
            HarmonyEncoding enc = HarmonyEncoding.o200kHarmony();
            RenderConversationConfig config = new RenderConversationConfig(autoDrop);
            int[] ids = nextRole == null
                ? enc.renderConversation(conv, config)
                : enc.renderConversationForCompletion(conv, parseRole(nextRole), config);
            if (format == Format.tokens) {
                out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
            } else {
                out.print(enc.tokenizer().decodeUtf8(ids));
            }
            out.flush();
            return 0;
        } catch (CommandFailure | HarmonyException e) {
            err.println(e.getMessage());
            err.flush();
            return CommandFailure.EXIT_CODE;
        }
    }

    static Role parseRole(String word) throws CommandFailure {
        Role role = Role.fromWireOrNull(word);
        if (role == null) {
            throw new CommandFailure("Unknown role: " + word + " (expected user, assistant, system, developer or tool)");
        }
        return role;
    }
}
