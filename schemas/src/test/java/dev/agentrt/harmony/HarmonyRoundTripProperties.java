package dev.agentrt.harmony;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Render → parse is the identity on every message the parser can read back (harmony-format.md §6.3). */
class HarmonyRoundTripProperties {
    private static final HarmonyEncoding ENC = HarmonyEncoding.o200kHarmony();

    @Property(tries = 300)
    void renderedConversationsParseBackToTheSameMessages(@ForAll("messages") @Size(min = 1, max = 6) List<Message> messages) {
        int[] ids = ENC.renderConversation(new Conversation(messages), RenderConversationConfig.KEEP_ANALYSIS);
        assertThat(ENC.parseMessagesFromCompletionTokens(ids, null)).isEqualTo(messages);
    }

    @Property(tries = 200)
    void streamedDeltasAddUpToTheMessageText(@ForAll("messages") @Size(min = 1, max = 4) List<Message> messages) {
        int[] ids = ENC.renderConversation(new Conversation(messages), RenderConversationConfig.KEEP_ANALYSIS);
        StreamableParser parser = ENC.newParser(null);
        StringBuilder streamed = new StringBuilder();
        int finished = 0;
        for (int id : ids) {
            parser.process(id);
            parser.lastContentDelta().ifPresent(streamed::append);
            if (parser.messages().size() > finished) {
                assertThat(streamed.toString()).isEqualTo(messages.get(finished).text());
                streamed.setLength(0);
                finished++;
            }
        }
        assertThat(finished).isEqualTo(messages.size());
    }

    @Provide
    Arbitrary<List<Message>> messages() {
        return message().list();
    }

    private Arbitrary<Message> message() {
        Arbitrary<String> word = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_.-").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> channel = Arbitraries.oneOf(Arbitraries.of("analysis", "commentary", "final"), word).injectNull(0.3);
        Arbitrary<String> recipient = Arbitraries.oneOf(
            Arbitraries.of("functions.get_weather", "browser.search", "python", "assistant"), word)
            .filter(r -> !r.equals("all")).injectNull(0.5); // "all" is never written, so it cannot come back
        Arbitrary<String> contentType = Arbitraries.of("<|constrain|>json", "code", "json", "<|constrain|>").injectNull(0.5);
        Arbitrary<Role> role = Arbitraries.of(Role.USER, Role.ASSISTANT, Role.SYSTEM, Role.DEVELOPER, Role.TOOL);
        return Combinators.combine(role, word, recipient, channel, contentType, text()).as((r, name, to, ch, ct, text) -> {
            // A tool author needs a recipient to be told apart from a role word; a content type needs a
            // recipient, since a single bare header word reads back as a recipient (§6.3).
            Author author = r == Role.TOOL ? Author.tool(name) : Author.of(r);
            String rcpt = r == Role.TOOL && to == null ? "assistant" : to;
            String type = rcpt == null ? null : ct;
            return new Message(author, rcpt, ch, type, List.of(new TextContent(text)));
        });
    }

    /** Any Unicode text (no lone surrogates), with special-token strings and whitespace mixed in. */
    static Arbitrary<String> text() {
        Arbitrary<String> codePoints = Arbitraries.integers().between(0, 0x10FFFF)
            .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
            .map(Character::toString)
            .list().ofMaxSize(20).map(parts -> String.join("", parts));
        Arbitrary<String> pieces = Arbitraries.oneOf(codePoints,
            Arbitraries.of("<|end|>", "<|start|>", "<|message|>", "<|channel|>", "<|return|>", " ", "\n", "\u00A0",
                "💖", "日本", "hello world", "{\"a\": 1}"),
            Arbitraries.strings().alpha().numeric().withChars(" ,.!?").ofMaxLength(30));
        return pieces.list().ofMaxSize(6).map(parts -> String.join("", parts));
    }
}
