package dev.agentrt.harmony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.harmony.tokenizer.HarmonyTokenizer;
import dev.agentrt.harmony.tokenizer.TokenBuffer;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamableParserTest {
    private static final HarmonyEncoding ENC = HarmonyEncoding.o200kHarmony();
    private static final HarmonyTokenizer TOK = ENC.tokenizer();

    private static int[] ids(String textWithSpecials) {
        return TOK.encodeWithSpecialTokens(textWithSpecials);
    }

    private static List<Message> parse(String text, Role role) {
        return ENC.parseMessagesFromCompletionTokens(ids(text), role);
    }

    private static List<Message> parseLenient(String text, Role role) {
        return ENC.parseMessagesFromCompletionTokens(ids(text), role, false);
    }

    @Nested
    class Headers {
        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = ';', nullValues = "-", value = {
            "<|channel|>analysis;assistant;assistant;-;analysis;-;-",
            "assistant<|channel|>final;-;assistant;-;final;-;-",
            "assistant to=python<|channel|>analysis code;-;assistant;-;analysis;python;code",
            "<|channel|>analysis to=python code;assistant;assistant;-;analysis;python;code",
            "assistant<|channel|>analysis python;-;assistant;-;analysis;python;-",
            "assistant<|channel|>commentary to=functions.get_weather<|constrain|>json;-;assistant;-;commentary;functions.get_weather;<|constrain|>json",
            "assistant to=functions.get_weather<|channel|>commentary<|constrain|>json;-;assistant;-;commentary;functions.get_weather;<|constrain|>json",
            "assistant to=functions.get_weather<|channel|>commentary <|constrain|>json;-;assistant;-;commentary;functions.get_weather;<|constrain|>json",
            "browser.search to=assistant<|channel|>commentary;-;tool;browser.search;commentary;assistant;-",
            "to=functions.x<|channel|>commentary;-;tool;to=functions.x;commentary;-;-",
            "user;-;user;-;-;-;-",
        })
        void parsesHeaderFormsOfTheSpec(String header, String role, String expectedRole, String name, String channel,
                                        String recipient, String contentType) {
            String stream = (role == null ? "<|start|>" : "") + header + "<|message|>hi<|end|>";
            List<Message> messages = parse(stream, role == null ? null : Role.fromWire(role));
            assertThat(messages).containsExactly(new Message(new Author(Role.fromWire(expectedRole), name), recipient,
                channel, contentType, List.of(new TextContent("hi"))));
        }

        @Test
        void modelOrderedToolCallReRendersToTheIdenticalTokens() {
            int[] rendered = ids("<|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json"
                + "<|message|>{\"location\":\"Tokyo\"}<|call|>");
            List<Message> parsed = ENC.parseMessagesFromCompletionTokens(rendered, null);
            assertThat(ENC.render(parsed.getFirst())).containsExactly(rendered);
        }

        @Test
        void returnEndsTheMessageAndIsRenderedBackAsEnd() {
            List<Message> parsed = parse("<|channel|>final<|message|>4<|return|>", Role.ASSISTANT);
            assertThat(parsed).containsExactly(Message.of(Role.ASSISTANT, "4").withChannel("final"));
            assertThat(TOK.decodeUtf8(ENC.render(parsed.getFirst())))
                .isEqualTo("<|start|>assistant<|channel|>final<|message|>4<|end|>");
        }

        @Test
        void stopTokenAfterTheLastMessageIsOptional() {
            assertThat(parse("<|channel|>final<|message|>4", Role.ASSISTANT))
                .isEqualTo(parse("<|channel|>final<|message|>4<|return|>", Role.ASSISTANT));
        }
    }

    @Nested
    class Errors {
        @Test
        void tokenOtherThanStartAfterAMessage() {
            assertThatThrownBy(() -> parse("<|start|>user<|message|>hi<|end|>oops", null))
                .isInstanceOf(HarmonyParseException.class)
                .hasMessage("Unexpected token " + TOK.encodeOrdinary("oops")[0] + " while expecting start token 200006");
            assertThatThrownBy(() -> ENC.parseMessagesFromCompletionTokens(new int[] {200007}, null, false))
                .hasMessage("Unexpected token 200007 while expecting start token 200006");
        }

        @Test
        void eosInsideAHeader() {
            assertThatThrownBy(() -> parse("<|start|>assistant<|channel|>final", null))
                .isInstanceOf(HarmonyParseException.class)
                .hasMessage("Unexpected EOS while waiting for message header to complete");
            assertThatThrownBy(() -> ENC.parseMessagesFromCompletionTokens(new int[0], Role.ASSISTANT))
                .hasMessage("Unexpected EOS while waiting for message header to complete");
        }

        @Test
        void wordsLeftInAHeader() {
            assertThatThrownBy(() -> parse("<|start|>assistant extra garbage here<|message|>x", null))
                .isInstanceOf(HarmonyParseException.class)
                .hasMessage("unexpected tokens remaining in message header: Some(\"extra\")");
        }

        @Test
        void channelMarkerWithoutValue() {
            for (String header : List.of("assistant<|channel|>", "assistant<|channel|> final", "assistant<|channel|><|constrain|>json")) {
                assertThatThrownBy(() -> parse("<|start|>" + header + "<|message|>x", null))
                    .isInstanceOf(HarmonyParseException.class)
                    .hasMessage("channel marker present but no channel value found in header");
            }
        }

        @Test
        void headerWithoutRole() {
            assertThatThrownBy(() -> parse("<|start|><|message|>x", null))
                .isInstanceOf(HarmonyParseException.class).hasMessage("message header did not contain a role");
            assertThatThrownBy(() -> parse("<|start|>  <|message|>x", null))
                .hasMessage("message header did not contain a role");
        }

        @Test
        void unknownRoleWord() {
            assertThatThrownBy(() -> parse("<|start|>functions.x<|message|>x", null))
                .isInstanceOf(HarmonyParseException.class).hasMessage("Unknown role: functions.x");
        }

        @Test
        void headerBytesThatAreNotUtf8() {
            // 9552 ends in an incomplete 4-byte sequence, so the header cannot be decoded.
            TokenBuffer stream = new TokenBuffer();
            stream.add(200006);
            stream.addAll(TOK.encodeOrdinary("assistant"));
            stream.add(9552);
            stream.add(200008);
            assertThatThrownBy(() -> ENC.parseMessagesFromCompletionTokens(stream.toArray(), null))
                .isInstanceOf(HarmonyParseException.class).hasMessage("could not decode header");
            assertThatThrownBy(() -> ENC.parseMessagesFromCompletionTokens(new int[] {200006, 1428, 987654321, 200008}, null))
                .hasMessage("could not decode header");
        }

        @Test
        void strictModeSwallowsStopTokensIntoTheHeader() {
            assertThatThrownBy(() -> parse("I must refuse<|end|><|start|>assistant<|channel|>final<|message|>x", Role.ASSISTANT))
                .isInstanceOf(HarmonyParseException.class)
                .hasMessageStartingWith("unexpected tokens remaining in message header");
            assertThatThrownBy(() -> parse("<|channel|>commentary Hello<|end|>", Role.ASSISTANT))
                .hasMessage("Unexpected EOS while waiting for message header to complete");
        }
    }

    @Nested
    class NonStrictRecovery {
        @Test
        void headerCutOffByAStopBecomesContent() {
            assertThat(parseLenient("I must refuse<|end|><|start|>assistant<|channel|>final<|message|>ok<|return|>", Role.ASSISTANT))
                .containsExactly(Message.of(Role.ASSISTANT, "I must refuse"),
                    Message.of(Role.ASSISTANT, "ok").withChannel("final"));
            assertThat(parseLenient("<|channel|>analysis I must refuse<|end|>", Role.ASSISTANT))
                .containsExactly(Message.of(Role.ASSISTANT, "I must refuse").withChannel("analysis"));
            assertThat(parseLenient("<|channel|>commentary Hello<|end|>", Role.ASSISTANT))
                .containsExactly(Message.of(Role.ASSISTANT, "Hello").withChannel("commentary"));
        }

        @Test
        void withoutRoleTheTruncatedHeaderIsDropped() {
            assertThat(parseLenient("<|start|>assistant blah<|end|><|start|>user<|message|>x<|end|>", null))
                .containsExactly(Message.of(Role.USER, "x"));
        }
    }

    @Nested
    class Utf8Handling {
        private StreamableParser afterHeader() {
            StreamableParser p = ENC.newParser(null);
            for (int id : ids("<|start|>assistant<|message|>")) {
                p.process(id);
            }
            return p;
        }

        private static void feedText(StreamableParser p, String text) {
            for (int id : TOK.encodeOrdinary(text)) {
                p.process(id);
            }
        }

        @Test
        void twoBrokenSequencesThenText() {
            StreamableParser p = afterHeader();
            p.process(9552).process(9552);
            feedText(p, "worked");
            p.process(200007);
            assertThat(p.messages().getFirst().text()).isEqualTo(" \uFFFD \uFFFDworked");
        }

        @Test
        void brokenSequenceThenAsciiKeepsTheAscii() {
            StreamableParser p = afterHeader();
            p.process(9552);
            feedText(p, "XY");
            p.process(200007);
            assertThat(p.messages().getFirst().text()).isEqualTo(" \uFFFDXY");
        }

        @Test
        void deltasAroundABrokenSequence() {
            StreamableParser p = afterHeader();
            p.process(9552);
            assertThat(p.lastContentDelta()).contains(" ");
            feedText(p, " interesting");
            assertThat(p.lastContentDelta()).contains("\uFFFD");
            feedText(p, " story");
            assertThat(p.lastContentDelta()).contains(" interesting story");
            assertThat(p.currentContent()).isEqualTo(" \uFFFD interesting story");
            feedText(p, "Y");
            assertThat(p.lastContentDelta()).contains("Y");
        }

        @Test
        void eosFlushesPendingBytes() {
            StreamableParser p = afterHeader();
            p.process(9552);
            feedText(p, "Hi");
            p.processEos();
            assertThat(p.messages().getFirst().text()).isEqualTo(" \uFFFDHi");
            assertThat(p.lastContentDelta()).isEmpty();
        }

        @Test
        void unknownIdBecomesOneReplacementAtEos() {
            StreamableParser p = afterHeader();
            feedText(p, "The answer is");
            p.process(-1); // 4294967295 as an unsigned id
            assertThat(p.lastContentDelta()).isEmpty();
            feedText(p, " stuck");
            p.processEos();
            assertThat(p.messages().getFirst().text()).isEqualTo("The answer is\uFFFD");
        }

        @Test
        void emojiSplitAcrossTwoTokens() {
            assertThat(TOK.encodeOrdinary("💖")).containsExactly(31446, 244);
            StreamableParser p = afterHeader();
            p.process(31446);
            assertThat(p.lastContentDelta()).isEmpty();
            assertThat(p.currentContent()).isEmpty();
            p.process(244);
            assertThat(p.lastContentDelta()).contains("💖");
            assertThat(p.currentContent()).isEqualTo("💖");
        }

        @Test
        void noBytesLeakIntoTheNextMessage() {
            StreamableParser p = afterHeader();
            p.process(31446).process(200007);
            for (int id : ids("<|start|>user<|message|>ok<|end|>")) {
                p.process(id);
            }
            assertThat(p.messages()).extracting(Message::text).containsExactly("\uFFFD", "ok");
        }

        @Test
        void specialTokensInsideContentAreText() {
            StreamableParser p = afterHeader();
            p.process(200006).process(200003);
            assertThat(p.currentContent()).isEqualTo("<|start|><|constrain|>");
        }
    }

    @Test
    void exposesTheStreamAsTheDocsDescribe() {
        StreamableParser p = ENC.newParser(Role.ASSISTANT);
        assertThat(p.state()).isEqualTo(StreamableParser.State.HEADER);
        assertThat(p.stateJson()).isEqualTo("{\"state\":\"Header\",\"header_tokens\":[]}");
        for (int id : ids("<|channel|>analysis<|message|>")) {
            p.process(id);
        }
        assertThat(p.state()).isEqualTo(StreamableParser.State.CONTENT);
        assertThat(p.currentRole()).contains(Role.ASSISTANT);
        assertThat(p.currentChannel()).contains("analysis");
        assertThat(p.currentRecipient()).isEmpty();
        for (int id : TOK.encodeOrdinary("Let me think.")) {
            p.process(id);
            assertThat(p.lastContentDelta()).isPresent();
        }
        assertThat(p.currentContent()).isEqualTo("Let me think.");
        assertThat(p.stateJson()).isEqualTo("{\"state\":\"Content\",\"header\":{\"author\":{\"role\":\"assistant\"},"
            + "\"recipient\":null,\"channel\":\"analysis\",\"content_type\":null},\"content_tokens\":"
            + java.util.Arrays.toString(TOK.encodeOrdinary("Let me think.")).replace(" ", "") + "}");
        p.process(200007);
        assertThat(p.state()).isEqualTo(StreamableParser.State.EXPECT_START);
        assertThat(p.currentRole()).isEmpty();
        assertThat(p.currentContent()).isEmpty();
        assertThat(p.messages()).hasSize(1);
        for (int id : ids("<|start|>assistant<|channel|>final<|message|>4<|return|>")) {
            p.process(id);
        }
        assertThat(p.messages()).containsExactly(
            Message.of(Role.ASSISTANT, "Let me think.").withChannel("analysis"),
            Message.of(Role.ASSISTANT, "4").withChannel("final"));
        assertThat(p.tokens()).hasSize(ids("<|channel|>analysis<|message|>Let me think.<|end|>"
            + "<|start|>assistant<|channel|>final<|message|>4<|return|>").length);
        assertThat(p.stateJson()).isEqualTo("{\"state\":\"ExpectStart\"}");
    }
}
