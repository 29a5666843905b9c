package dev.agentrt.harmony;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentrt.harmony.tokenizer.HarmonyDecodeException;
import dev.agentrt.harmony.tokenizer.HarmonyTokenizer;
import dev.agentrt.harmony.tokenizer.SpecialTokens;
import dev.agentrt.harmony.tokenizer.TokenBuffer;
import dev.agentrt.harmony.tokenizer.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Parses a token stream into Harmony messages one token at a time (openai/harmony {@code StreamableParser},
 * harmony-format.md §6). Exposes the message being written (role, channel, recipient, content type, text)
 * and the text each token added, so a caller can stream deltas while sampling.
 *
 * <p>Not thread-safe: one parser per stream. Errors are {@link HarmonyParseException}s with the spec's texts.
 */
public final class StreamableParser {
    /** Where the parser is in the message grammar. */
    public enum State { EXPECT_START, HEADER, CONTENT }

    private final HarmonyTokenizer tokenizer;
    private final boolean strict;

    private State state;
    private Role nextRole;
    private final TokenBuffer headerTokens = new TokenBuffer(16);
    private MessageHeader header;
    private final StringBuilder content = new StringBuilder();
    /** Start offsets in {@link #content} of each emitted delta, for {@link #stateJson()}. */
    private final TokenBuffer deltaStarts = new TokenBuffer(16);
    private final TokenBuffer undecodedTokens = new TokenBuffer(4);
    private byte[] undecodedBytes = new byte[16];
    private int undecodedLength;
    private String lastContentDelta;
    private final List<Message> messages = new ArrayList<>();
    private final TokenBuffer tokens = new TokenBuffer(256);

    StreamableParser(HarmonyTokenizer tokenizer, Role role, boolean strict) {
        this.tokenizer = tokenizer;
        this.strict = strict;
        this.nextRole = role;
        this.state = role != null ? State.HEADER : State.EXPECT_START;
    }

    /** Feeds one token. Stop tokens ({@code <|end|>}, {@code <|call|>}, {@code <|return|>}) end a message. */
    public StreamableParser process(int token) {
        tokens.add(token);
        lastContentDelta = null;
        switch (state) {
            case EXPECT_START -> {
                if (token != SpecialTokens.START) {
                    throw new HarmonyParseException("Unexpected token " + Integer.toUnsignedString(token)
                        + " while expecting start token " + SpecialTokens.START);
                }
                headerTokens.clear();
                state = State.HEADER;
            }
            case HEADER -> {
                if (token == SpecialTokens.MESSAGE) {
                    header = HeaderParser.parse(decodeHeader(), nextRole);
                    nextRole = null;
                    headerTokens.clear();
                    state = State.CONTENT;
                } else if (!strict && SpecialTokens.isStop(token)) {
                    recoverTruncatedHeader();
                } else {
                    headerTokens.add(token);
                }
            }
            case CONTENT -> {
                if (SpecialTokens.isStop(token)) {
                    finishMessage();
                } else {
                    appendContentToken(token);
                }
            }
        }
        return this;
    }

    /** Signals the end of the stream: finishes an open message; fails if a header is incomplete. */
    public StreamableParser processEos() {
        lastContentDelta = null;
        switch (state) {
            case EXPECT_START -> { }
            case HEADER -> throw new HarmonyParseException("Unexpected EOS while waiting for message header to complete");
            case CONTENT -> finishMessage();
        }
        return this;
    }

    private String decodeHeader() {
        byte[] bytes;
        try {
            bytes = tokenizer.decodeBytes(headerTokens.toArray());
        } catch (HarmonyDecodeException e) {
            throw new HarmonyParseException("could not decode header");
        }
        if (!Utf8.isValid(bytes)) {
            throw new HarmonyParseException("could not decode header");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Non-strict mode: a stop token inside a header turns the header words into a message (§6.2). */
    private void recoverTruncatedHeader() {
        if (nextRole != null && !headerTokens.isEmpty()) {
            HeaderParser.Result recovered = HeaderParser.parseRecovering(decodeHeader(), nextRole);
            MessageHeader h = recovered.header();
            messages.add(new Message(Author.of(nextRole), null, h.channel(), null,
                List.of(new TextContent(recovered.recoveredContent()))));
        }
        headerTokens.clear();
        nextRole = null;
        state = State.EXPECT_START;
    }

    private void appendContentToken(int token) {
        undecodedTokens.add(token);
        byte[] bytes;
        try {
            bytes = tokenizer.decodeBytes(undecodedTokens.toArray());
        } catch (HarmonyDecodeException unknownId) {
            // The stuck run is decoded together with every later token, so it stays stuck until EOS.
            return;
        }
        undecodedTokens.clear();
        appendUndecoded(bytes);

        Utf8.Check check = Utf8.check(undecodedBytes, undecodedLength);
        if (check.isValid(undecodedLength)) {
            String text = new String(undecodedBytes, 0, undecodedLength, StandardCharsets.UTF_8);
            undecodedLength = 0;
            emit(text);
            return;
        }
        StringBuilder delta = new StringBuilder();
        int valid = check.validUpTo();
        if (valid > 0) {
            delta.append(new String(undecodedBytes, 0, valid, StandardCharsets.UTF_8));
        }
        int dropped = valid;
        if (check.errorLength() > 0) {
            // Only one error per token: later bytes wait for the next token or EOS.
            delta.append(Utf8.REPLACEMENT);
            dropped += check.errorLength();
        }
        System.arraycopy(undecodedBytes, dropped, undecodedBytes, 0, undecodedLength - dropped);
        undecodedLength -= dropped;
        if (!delta.isEmpty()) {
            emit(delta.toString());
        }
    }

    private void emit(String delta) {
        deltaStarts.add(content.length());
        content.append(delta);
        lastContentDelta = delta;
    }

    private void appendUndecoded(byte[] bytes) {
        if (undecodedLength + bytes.length > undecodedBytes.length) {
            undecodedBytes = Arrays.copyOf(undecodedBytes, Math.max(2 * undecodedBytes.length, undecodedLength + bytes.length));
        }
        System.arraycopy(bytes, 0, undecodedBytes, undecodedLength, bytes.length);
        undecodedLength += bytes.length;
    }

    private void finishMessage() {
        StringBuilder text = new StringBuilder(content);
        if (!undecodedTokens.isEmpty()) {
            text.append(Utf8.REPLACEMENT); // a run stuck on an unknown id
        }
        Utf8.appendLossy(undecodedBytes, 0, undecodedLength, text);
        messages.add(new Message(header.author(), header.recipient(), header.channel(), header.contentType(),
            List.of(new TextContent(text.toString()))));
        state = State.EXPECT_START;
        header = null;
        content.setLength(0);
        deltaStarts.clear();
        undecodedTokens.clear();
        undecodedLength = 0;
        lastContentDelta = null;
    }

    // ---------------------------------------------------------------- accessors (§6.4)

    public State state() {
        return state;
    }

    /** The header's role while in content; otherwise the role given at construction until the first header. */
    public Optional<Role> currentRole() {
        return Optional.ofNullable(state == State.CONTENT ? header.author().role() : nextRole);
    }

    public Optional<String> currentChannel() {
        return Optional.ofNullable(state == State.CONTENT ? header.channel() : null);
    }

    public Optional<String> currentRecipient() {
        return Optional.ofNullable(state == State.CONTENT ? header.recipient() : null);
    }

    public Optional<String> currentContentType() {
        return Optional.ofNullable(state == State.CONTENT ? header.contentType() : null);
    }

    /** The header of the message being written, while in content. */
    public Optional<MessageHeader> currentHeader() {
        return Optional.ofNullable(state == State.CONTENT ? header : null);
    }

    /** The text of the message being written (complete characters only); {@code ""} outside content. */
    public String currentContent() {
        return state == State.CONTENT ? content.toString() : "";
    }

    /** The text the last token added; empty while waiting for more bytes, outside content, after a message. */
    public Optional<String> lastContentDelta() {
        return Optional.ofNullable(lastContentDelta);
    }

    /** The finished messages so far. */
    public List<Message> messages() {
        return Collections.unmodifiableList(new ArrayList<>(messages));
    }

    /** Every token processed, stop tokens included. */
    public int[] tokens() {
        return tokens.toArray();
    }

    /** The state as openai-harmony's {@code state_json} shape (§6.4). */
    public String stateJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        switch (state) {
            case EXPECT_START -> root.put("state", "ExpectStart");
            case HEADER -> {
                root.put("state", "Header");
                ArrayNode ids = root.putArray("header_tokens");
                for (int i = 0; i < headerTokens.size(); i++) {
                    ids.add(Integer.toUnsignedLong(headerTokens.get(i)));
                }
            }
            case CONTENT -> {
                root.put("state", "Content");
                ObjectNode h = root.putObject("header");
                ObjectNode author = h.putObject("author");
                author.put("role", header.author().role().wire());
                if (header.author().name() != null) {
                    author.put("name", header.author().name());
                }
                h.put("recipient", header.recipient());
                h.put("channel", header.channel());
                h.put("content_type", header.contentType());
                ArrayNode ids = root.putArray("content_tokens");
                for (int i = 0; i < deltaStarts.size(); i++) {
                    int end = i + 1 < deltaStarts.size() ? deltaStarts.get(i + 1) : content.length();
                    for (int id : tokenizer.encodeOrdinary(content.substring(deltaStarts.get(i), end))) {
                        ids.add(id);
                    }
                }
            }
        }
        return root.toString();
    }
}
