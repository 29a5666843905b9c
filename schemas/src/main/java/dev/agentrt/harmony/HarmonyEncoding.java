package dev.agentrt.harmony;

import dev.agentrt.harmony.tokenizer.HarmonyTokenizer;
import dev.agentrt.harmony.tokenizer.SpecialTokens;
import dev.agentrt.harmony.tokenizer.TokenBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code HarmonyGptOss} encoding: renders conversations to token ids and parses completions back
 * into messages, on the {@code o200k_harmony} tokenizer. Immutable and thread-safe; parsers it creates are not.
 *
 * <p>Every text piece of a message is encoded separately (harmony-format.md §2.2); that defines the ids.
 */
public final class HarmonyEncoding {
    private static final String CONSTRAIN_TEXT = "<|constrain|>";

    private final HarmonyTokenizer tokenizer;

    public HarmonyEncoding(HarmonyTokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /** The encoding on the shared tokenizer (loads it on first use). */
    public static HarmonyEncoding o200kHarmony() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final HarmonyEncoding INSTANCE = new HarmonyEncoding(HarmonyTokenizer.instance());
    }

    public HarmonyTokenizer tokenizer() {
        return tokenizer;
    }

    /** {@code <|return|>}, {@code <|call|>}, {@code <|end|>}: each ends a message for the parser. */
    public Set<Integer> stopTokens() {
        return SpecialTokens.STOP_TOKENS;
    }

    /** {@code <|return|>}, {@code <|call|>}: the sampling stop set. */
    public Set<Integer> stopTokensForAssistantActions() {
        return SpecialTokens.STOP_TOKENS_FOR_ASSISTANT_ACTIONS;
    }

    // ---------------------------------------------------------------- rendering

    /** One message on its own, as if the conversation had no function tools. */
    public int[] render(Message message) {
        TokenBuffer out = new TokenBuffer();
        renderMessage(message, false, out);
        return out.toArray();
    }

    /** The messages of a conversation, with the {@code auto_drop_analysis} rule of the config. */
    public int[] renderConversation(Conversation conversation, RenderConversationConfig config) {
        TokenBuffer out = new TokenBuffer(256);
        renderConversationInto(conversation, config, out);
        return out.toArray();
    }

    /** Python's default: {@link RenderConversationConfig#DEFAULT} (drops analysis). */
    public int[] renderConversation(Conversation conversation) {
        return renderConversation(conversation, RenderConversationConfig.DEFAULT);
    }

    /** The conversation followed by {@code <|start|>} and the next role, ready for sampling. */
    public int[] renderConversationForCompletion(Conversation conversation, Role nextRole, RenderConversationConfig config) {
        Objects.requireNonNull(nextRole, "nextRole");
        TokenBuffer out = new TokenBuffer(256);
        renderConversationInto(conversation, config, out);
        out.add(SpecialTokens.START);
        tokenizer.encodeOrdinary(nextRole.wire(), out);
        return out.toArray();
    }

    public int[] renderConversationForCompletion(Conversation conversation, Role nextRole) {
        return renderConversationForCompletion(conversation, nextRole, RenderConversationConfig.DEFAULT);
    }

    /**
     * Like {@link #renderConversation} but a conversation ending in an assistant {@code final} message ends
     * in {@code <|return|>} instead of its terminator, as in training data (§4.4).
     */
    public int[] renderConversationForTraining(Conversation conversation, RenderConversationConfig config) {
        TokenBuffer out = new TokenBuffer(256);
        renderConversationInto(conversation, config, out);
        List<Message> messages = conversation.messages();
        if (!messages.isEmpty() && !out.isEmpty()) {
            Message last = messages.getLast();
            if (last.author().role() == Role.ASSISTANT && "final".equals(last.channel())) {
                out.set(out.size() - 1, SpecialTokens.RETURN);
            }
        }
        return out.toArray();
    }

    public int[] renderConversationForTraining(Conversation conversation) {
        return renderConversationForTraining(conversation, RenderConversationConfig.DEFAULT);
    }

    private void renderConversationInto(Conversation conversation, RenderConversationConfig config, TokenBuffer out) {
        Objects.requireNonNull(config, "config");
        List<Message> messages = conversation.messages();
        boolean functionTools = conversation.hasFunctionTools();
        int dropBefore = config.autoDropAnalysis() ? analysisDropBoundary(messages) : -1;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (i < dropBefore && "analysis".equals(m.channel())) {
                continue;
            }
            renderMessage(m, functionTools, out);
        }
    }

    /**
     * §4.2, the code's rule: when the last assistant message is {@code final}, analysis messages before the
     * first {@code final} message (of any role) are dropped. Returns that first index, or -1 for no drop.
     */
    static int analysisDropBoundary(List<Message> messages) {
        Message lastAssistant = null;
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).author().role() == Role.ASSISTANT) {
                lastAssistant = messages.get(i);
                break;
            }
        }
        if (lastAssistant == null || !"final".equals(lastAssistant.channel())) {
            return -1;
        }
        for (int i = 0; i < messages.size(); i++) {
            if ("final".equals(messages.get(i).channel())) {
                return i;
            }
        }
        return -1;
    }

    private void renderMessage(Message m, boolean conversationHasFunctionTools, TokenBuffer out) {
        Author author = m.author();
        out.add(SpecialTokens.START);
        if (author.role() == Role.TOOL) {
            if (author.name() == null) {
                throw new HarmonyRenderException("Tools should have a name!");
            }
            text(author.name(), out);
        } else {
            text(author.role().wire(), out);
            if (author.name() != null) {
                text(":" + author.name(), out);
            }
        }
        if (m.recipient() != null && !m.recipient().equals("all")) {
            text(" to=" + m.recipient(), out);
        }
        if (m.channel() != null) {
            out.add(SpecialTokens.CHANNEL);
            text(m.channel(), out);
        }
        if (m.contentType() != null) {
            String ct = m.contentType();
            if (ct.startsWith(CONSTRAIN_TEXT)) {
                text(" ", out);
                out.add(SpecialTokens.CONSTRAIN);
                text(ct.substring(CONSTRAIN_TEXT.length()), out);
            } else {
                text(" " + ct, out);
            }
        }
        out.add(SpecialTokens.MESSAGE);
        for (Content c : m.content()) {
            switch (c) {
                case TextContent t -> text(t.text(), out);
                case SystemContent sc -> {
                    requireRole(author.role(), Role.SYSTEM, "SystemContent");
                    text(ContentText.system(sc, conversationHasFunctionTools), out);
                }
                case DeveloperContent dc -> {
                    requireRole(author.role(), Role.DEVELOPER, "DeveloperContent");
                    text(ContentText.developer(dc), out);
                }
            }
        }
        // "all" is not written as a recipient, but still makes an assistant message a call.
        out.add(author.role() == Role.ASSISTANT && m.recipient() != null ? SpecialTokens.CALL : SpecialTokens.END);
    }

    private static void requireRole(Role actual, Role allowed, String contentName) {
        if (actual != allowed) {
            throw new HarmonyRenderException(contentName + " may only appear in " + allowed.wire()
                + " messages, found in " + actual.debugName());
        }
    }

    private void text(String piece, TokenBuffer out) {
        tokenizer.encodeOrdinary(piece, out);
    }

    // ---------------------------------------------------------------- parsing

    /** A streaming parser; with {@code role} set the stream starts right after the prompt's role. */
    public StreamableParser newParser(Role role) {
        return new StreamableParser(tokenizer, role, true);
    }

    public StreamableParser newParser(Role role, boolean strict) {
        return new StreamableParser(tokenizer, role, strict);
    }

    /** Feeds every token, then EOS, to a strict parser and returns the finished messages (§5). */
    public List<Message> parseMessagesFromCompletionTokens(int[] tokens, Role role) {
        return parseMessagesFromCompletionTokens(tokens, role, true);
    }

    public List<Message> parseMessagesFromCompletionTokens(int[] tokens, Role role, boolean strict) {
        StreamableParser parser = newParser(role, strict);
        for (int token : tokens) {
            parser.process(token);
        }
        parser.processEos();
        return parser.messages();
    }
}
