package dev.agentrt.harmony.bench;

import dev.agentrt.harmony.Conversation;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.RenderConversationConfig;
import dev.agentrt.harmony.Role;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Single-threaded throughput of the Harmony codec on a synthetic corpus: tokenize (text with special tokens →
 * ids), render (conversation → ids) and parse (ids → messages). Each phase is warmed up, then timed; MB/s
 * counts the UTF-8 bytes of the rendered text, tokens/s the ids produced or consumed.
 */
public final class HarmonyThroughput {
    /** One measured phase. */
    public record Phase(String name, long bytes, long tokens, long nanos) {
        public double megabytesPerSecond() {
            return bytes / 1e6 / (nanos / 1e9);
        }

        public double tokensPerSecond() {
            return tokens / (nanos / 1e9);
        }
    }

    private final HarmonyEncoding encoding;
    private final List<Conversation> corpus;
    private final List<String> texts = new ArrayList<>();
    private final List<int[]> ids = new ArrayList<>();
    private final long corpusBytes;
    private final long corpusTokens;

    public HarmonyThroughput(HarmonyEncoding encoding, List<Conversation> corpus) {
        this.encoding = encoding;
        this.corpus = List.copyOf(corpus);
        long bytes = 0;
        long tokens = 0;
        for (Conversation c : corpus) {
            int[] rendered = encoding.renderConversation(c, RenderConversationConfig.KEEP_ANALYSIS);
            String text = encoding.tokenizer().decodeUtf8(rendered);
            ids.add(rendered);
            texts.add(text);
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
            tokens += rendered.length;
        }
        this.corpusBytes = bytes;
        this.corpusTokens = tokens;
    }

    /** The default corpus: 200 generated conversations. */
    public static HarmonyThroughput withSyntheticCorpus() {
        return new HarmonyThroughput(HarmonyEncoding.o200kHarmony(), SyntheticConversations.generate(42, 200));
    }

    public long corpusBytes() {
        return corpusBytes;
    }

    public long corpusTokens() {
        return corpusTokens;
    }

    public int conversations() {
        return corpus.size();
    }

    public List<Phase> run(Duration warmUp, Duration measure) {
        return List.of(
            phase("tokenize", warmUp, measure, i -> encoding.tokenizer().encodeWithSpecialTokens(texts.get(i)).length),
            phase("render", warmUp, measure,
                i -> encoding.renderConversation(corpus.get(i), RenderConversationConfig.KEEP_ANALYSIS).length),
            phase("parse", warmUp, measure, i -> {
                encoding.parseMessagesFromCompletionTokens(ids.get(i), (Role) null);
                return ids.get(i).length;
            }));
    }

    private Phase phase(String name, Duration warmUp, Duration measure, ToIntFunction<Integer> work) {
        loop(warmUp, work);
        long[] totals = loop(measure, work);
        return new Phase(name, totals[0], totals[1], totals[2]);
    }

    /**
     * Runs whole passes over the corpus until the duration is spent; returns {bytes, tokens, nanos}. The
     * token count is what the work reports, which also keeps the JIT from discarding the results.
     */
    private long[] loop(Duration duration, ToIntFunction<Integer> work) {
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        long bytes = 0;
        long tokens = 0;
        do {
            for (int i = 0; i < corpus.size(); i++) {
                tokens += work.applyAsInt(i);
            }
            bytes += corpusBytes;
        } while (System.nanoTime() < deadline);
        return new long[] {bytes, tokens, System.nanoTime() - start};
    }
}
