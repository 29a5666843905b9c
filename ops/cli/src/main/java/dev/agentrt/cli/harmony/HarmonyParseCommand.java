package dev.agentrt.cli.harmony;

import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.HarmonyException;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.StreamableParser;
import dev.agentrt.harmony.json.HarmonyJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentrt harmony parse}: completion tokens → messages as a JSON array of {@code Message.to_dict()}. */
@Command(name = "parse", mixinStandardHelpOptions = true,
    description = {"Parse completion tokens into messages (openai-harmony Message.to_dict() shape).",
        "On a parse error: the error text on stderr, exit code 2."})
public final class HarmonyParseCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--role", paramLabel = "ROLE",
        description = "Role of the message the tokens continue (usually assistant: the prompt ended with <|start|>assistant).")
    String role;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Exactly one input. */
    static final class Source {
        @Option(names = "--tokens", paramLabel = "IDS", description = "Token ids separated by spaces or commas.")
        String tokens;

        @Option(names = "--tokens-file", paramLabel = "FILE", description = "File (or -) of whitespace-separated token ids.")
        String tokensFile;

        @Option(names = "--text-file", paramLabel = "FILE",
            description = "File (or -) of text; special-token strings such as <|end|> become special ids.")
        String textFile;
    }

    @Option(names = "--no-eos", description = "Do not signal end of stream: an unfinished last message is left out.")
    boolean noEos;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            HarmonyEncoding enc = HarmonyEncoding.o200kHarmony();
            int[] ids = readTokens(enc);
            Role parserRole = role == null ? null : HarmonyRenderCommand.parseRole(role);
            StreamableParser parser = enc.newParser(parserRole);
            for (int id : ids) {
                parser.process(id);
            }
            if (!noEos) {
                parser.processEos();
            }
            List<Message> messages = parser.messages();
            out.println(HarmonyJson.writeMessages(messages));
            out.flush();
            return 0;
        } catch (CommandFailure | HarmonyException e) {
            err.println(e.getMessage());
            err.flush();
            return CommandFailure.EXIT_CODE;
        }
    }

    private int[] readTokens(HarmonyEncoding enc) throws CommandFailure {
        if (source.textFile != null) {
            return enc.tokenizer().encodeWithSpecialTokens(CommandInput.readText(source.textFile, System.in));
        }
        String list = source.tokens != null ? source.tokens : CommandInput.readText(source.tokensFile, System.in);
        return TokenIds.parse(list);
    }
}
