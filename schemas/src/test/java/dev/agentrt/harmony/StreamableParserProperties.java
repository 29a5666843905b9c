package dev.agentrt.harmony;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.harmony.tokenizer.HarmonyTokenizer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Arbitrary token streams: the parser fails only with {@link HarmonyParseException}, never anything else. */
class StreamableParserProperties {
    private static final HarmonyEncoding ENC = HarmonyEncoding.o200kHarmony();
    private static final HarmonyTokenizer TOK = ENC.tokenizer();

    @Property(tries = 1000)
    void randomTokenStreamsOnlyEverThrowTheParseException(@ForAll("streams") int[] tokens,
                                                          @ForAll("roles") Role role,
                                                          @ForAll boolean strict,
                                                          @ForAll boolean eos) {
        StreamableParser parser = ENC.newParser(role, strict);
        try {
            for (int token : tokens) {
                parser.process(token);
                // Accessors must be usable at any point of any stream.
                parser.currentContent();
                parser.currentRole();
                parser.currentChannel();
                parser.lastContentDelta();
            }
            parser.stateJson();
            if (eos) {
                parser.processEos();
            }
        } catch (HarmonyParseException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        for (Message m : parser.messages()) {
            assertThat(m.content()).hasSize(1);
        }
    }

    @Provide
    Arbitrary<Role> roles() {
        return Arbitraries.of(Role.values()).injectNull(0.5);
    }

    @Provide
    Arbitrary<int[]> streams() {
        List<Integer> words = new ArrayList<>();
        for (String w : new String[] {"assistant", "user", "tool", "analysis", "final", " to=functions.f", " json", " code",
            "functions.f", " ", "💖", "hello"}) {
            for (int id : TOK.encodeOrdinary(w)) {
                words.add(id);
            }
        }
        Arbitrary<Integer> token = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, Arbitraries.of(200002, 200003, 200005, 200006, 200007, 200008, 200012)),
            net.jqwik.api.Tuple.of(5, Arbitraries.of(words)),
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 201_088)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(9552, 31446, 244, 132990)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(-1, 201_089, 99_999_999, Integer.MAX_VALUE)));
        return token.list().ofMaxSize(60).map(l -> l.stream().mapToInt(Integer::intValue).toArray());
    }
}
