package dev.agentrt.harmony.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.harmony.Conversation;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.RenderConversationConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarmonyThroughputTest {

    @Test
    void corpusIsDeterministicAndRoundTrips() {
        List<Conversation> a = SyntheticConversations.generate(7, 20);
        assertThat(SyntheticConversations.generate(7, 20)).isEqualTo(a);
        HarmonyEncoding enc = HarmonyEncoding.o200kHarmony();
        for (Conversation c : a) {
            int[] ids = enc.renderConversation(c, RenderConversationConfig.KEEP_ANALYSIS);
            // Everything but system/developer content (rendered as text) reads back as it went in.
            var parsed = enc.parseMessagesFromCompletionTokens(ids, null);
            assertThat(parsed).hasSameSizeAs(c.messages());
            assertThat(parsed.subList(2, parsed.size())).isEqualTo(c.messages().subList(2, c.messages().size()));
        }
    }

    @Test
    void measuresAllThreePhases() {
        HarmonyThroughput bench = new HarmonyThroughput(HarmonyEncoding.o200kHarmony(), SyntheticConversations.generate(1, 5));
        var phases = bench.run(Duration.ofMillis(20), Duration.ofMillis(50));
        assertThat(phases).extracting(HarmonyThroughput.Phase::name).containsExactly("tokenize", "render", "parse");
        for (var p : phases) {
            assertThat(p.bytes()).isGreaterThanOrEqualTo(bench.corpusBytes());
            assertThat(p.tokens()).isPositive();
            assertThat(p.megabytesPerSecond()).isPositive();
        }
    }
}
