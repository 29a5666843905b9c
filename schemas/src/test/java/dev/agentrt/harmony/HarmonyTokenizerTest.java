package dev.agentrt.harmony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.harmony.tokenizer.HarmonyDecodeException;
import dev.agentrt.harmony.tokenizer.HarmonyTokenizer;
import dev.agentrt.harmony.tokenizer.SpecialTokens;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HarmonyTokenizerTest {
    private static final HarmonyTokenizer TOK = HarmonyTokenizer.instance();

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "hello world|24912 2375",
        "assistant|173781",
        "user|1428",
        "system|17360",
        "developer|77944",
        "analysis|35644",
        "final|17196",
        "commentary|12606 815",
        "' to'|316",
        "=|28",
        "json|4108",
        "' json'|5701",
        "' code'|3490",
        "' '|220",
        "functions|44580",
        "'Hello, world! Tokenizers are fun.'|13225 11 2375 0 17951 24223 553 2827 13",
    })
    void encodesReferenceIds(String text, String ids) {
        int[] expected = java.util.Arrays.stream(ids.split(" ")).mapToInt(Integer::parseInt).toArray();
        assertThat(TOK.encodeOrdinary(text)).containsExactly(expected);
        assertThat(TOK.decodeUtf8(expected)).isEqualTo(text);
    }

    @Test
    void specialTextIsOrdinaryInEncodeOrdinary() {
        assertThat(TOK.encodeOrdinary("<|start|>")).containsExactly(27, 91, 5236, 91, 29);
    }

    @Test
    void encodesSpecialTokensWhenAllowed() {
        String text = "<|start|>user<|message|>What is 2+2?<|end|><|start|>assistant<|channel|>final<|message|>4<|return|>";
        assertThat(TOK.encodeWithSpecialTokens(text)).containsExactly(
            200006, 1428, 200008, 4827, 382, 220, 17, 10, 17, 30, 200007, 200006, 173781, 200005, 17196, 200008, 19, 200002);
        assertThat(TOK.decodeUtf8(TOK.encodeWithSpecialTokens(text))).isEqualTo(text);
    }

    @Test
    void textThatOnlyLooksSpecialStaysOrdinary() {
        String text = "a <|bogus|> b <|<|end|>|> c <|reserved_200014|>";
        int[] ids = TOK.encodeWithSpecialTokens(text);
        assertThat(ids).contains(200007, 200014).doesNotContain(200006);
        assertThat(TOK.decodeUtf8(ids)).isEqualTo(text);
    }

    @Test
    void specialTableMatchesSpec() {
        assertThat(SpecialTokens.text(199998)).isEqualTo("<|startoftext|>");
        assertThat(SpecialTokens.text(199999)).isEqualTo("<|endoftext|>");
        assertThat(SpecialTokens.text(200000)).isEqualTo("<|reserved_200000|>");
        assertThat(SpecialTokens.text(200004)).isEqualTo("<|reserved_200004|>");
        assertThat(SpecialTokens.text(200018)).isEqualTo("<|reserved_200018|>");
        assertThat(SpecialTokens.idOf("<|constrain|>")).isEqualTo(200003);
        assertThat(SpecialTokens.idOf("<|call|>")).isEqualTo(200012);
        assertThat(SpecialTokens.idOf("<|endofprompt|>")).isEqualTo(-1);
        assertThat(HarmonyTokenizer.VOCABULARY_SIZE).isEqualTo(201_089);
    }

    @Test
    void decodesSpecialAndReservedIds() {
        assertThat(TOK.decodeUtf8(new int[] {200014})).isEqualTo("<|reserved_200014|>");
        assertThat(TOK.decodeUtf8(new int[] {201088})).isEqualTo("<|reserved_201088|>");
        assertThat(TOK.decodeUtf8(new int[] {200006, 200012, 199999})).isEqualTo("<|start|><|call|><|endoftext|>");
    }

    @Test
    void unknownIdsFailToDecode() {
        assertThatThrownBy(() -> TOK.decodeUtf8(new int[] {99999999}))
            .isInstanceOf(HarmonyDecodeException.class).hasMessage("Invalid token for decoding: 99999999");
        assertThatThrownBy(() -> TOK.decodeBytes(new int[] {201089}))
            .hasMessage("Invalid token for decoding: 201089");
        assertThatThrownBy(() -> TOK.decodeBytes(new int[] {-1}))
            .hasMessage("Invalid token for decoding: 4294967295");
    }

    @Test
    void token9552IsSpaceAndAnIncompleteSequence() {
        assertThat(TOK.tokenBytes(9552)).containsExactly(0x20, 0xF0, 0x9F);
    }

    @Test
    void strictDecodeRejectsInvalidUtf8ButLossyReplaces() {
        int[] ids = {132990, 9552};
        assertThatThrownBy(() -> TOK.decodeUtf8(ids)).isInstanceOf(HarmonyDecodeException.class);
        assertThat(TOK.decodeLossy(ids)).contains("Chicken").endsWith(" \uFFFD");
    }

    @Test
    void unicodeWhitespaceIsSplitLikeTheReference() {
        // With UNICODE_CHARACTER_CLASS, NBSP and U+3000 are \s; round trip must be exact either way.
        for (String s : new String[] {"a\u00A0\u00A0b", "x\u3000\u3000y", "日本語のテキスト 🎉 émoji", "  \n\n  tail  "}) {
            assertThat(TOK.decodeUtf8(TOK.encodeOrdinary(s))).isEqualTo(s);
        }
    }

    @Test
    void sharedInstanceIsSafeUnderConcurrentUse() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog. 2 + 2 = 4! 🦊";
        int[] expected = TOK.encodeOrdinary(text);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            var futures = IntStream.range(0, 16)
                .mapToObj(i -> pool.submit((Callable<int[]>) () -> HarmonyTokenizer.instance().encodeOrdinary(text)))
                .toList();
            for (Future<int[]> f : futures) {
                assertThat(f.get()).containsExactly(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
