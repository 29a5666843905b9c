package dev.agentrt.demomodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentrt.harmony.HarmonyEncoding;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Writes the demo model's data (seeded, deterministic):
 * <ul>
 *   <li>{@code train.jsonl}, {@code test.jsonl}: groups of samples that share a context. A group line
 *       {@code {"group":g,"prefix":[ids]}} holds the system + developer tokens; each sample line
 *       {@code {"id","group","kind","seqs":[{"tokens":[ids after the prefix],"loss_from":k}]}} holds its turns; the
 *       loss covers {@code tokens[loss_from..]} (the assistant's completion, stop token included);</li>
 *   <li>{@code cases-heldout.jsonl}: eval cases ({@code agentrt eval} format) from the held-out split;</li>
 *   <li>{@code vocab-extra.json}: token ids the model must know beyond those in the data (every 1–3 digit number,
 *       what o200k splits numbers into).</li>
 * </ul>
 * The held-out split (test and cases) is drawn first from its own seed; no training sample repeats a held-out
 * question ({@link Sample#holdoutKey()}: the same numbers and units, or the same wording and city).
 *
 * <p>Usage: {@code TranscriptGenerator --out DIR [--seed 1] [--train-groups 2500] [--group-size 12]
 * [--test-groups 60] [--cases 200]}
 */
public final class TranscriptGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TranscriptRenderer renderer;

    public TranscriptGenerator(HarmonyEncoding encoding) {
        this.renderer = new TranscriptRenderer(encoding);
    }

    /** Command-line settings. */
    public record Settings(Path out, long seed, int trainGroups, int groupSize, int testGroups, int cases) {
        static Settings parse(String[] args) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("usage: --out DIR [--seed N] [--train-groups N] "
                        + "[--group-size N] [--test-groups N] [--cases N]");
                }
                m.put(args[i].substring(2), args[i + 1]);
            }
            if (!m.containsKey("out")) throw new IllegalArgumentException("--out DIR is required");
            return new Settings(Path.of(m.get("out")), Long.parseLong(m.getOrDefault("seed", "1")),
                Integer.parseInt(m.getOrDefault("train-groups", "2500")),
                Integer.parseInt(m.getOrDefault("group-size", "12")),
                Integer.parseInt(m.getOrDefault("test-groups", "60")),
                Integer.parseInt(m.getOrDefault("cases", "200")));
        }
    }

    public static void main(String[] args) throws IOException {
        Settings s = Settings.parse(args);
        long t0 = System.nanoTime();
        var summary = new TranscriptGenerator(HarmonyEncoding.o200kHarmony()).write(s);
        System.out.printf(Locale.ROOT, "%s in %.1f s%n", summary, (System.nanoTime() - t0) / 1e9);
    }

    /** The held-out eval cases for {@code seed}, as the generator writes them. */
    public List<ObjectNode> heldoutCases(long seed, int cases) {
        var scenarios = new Scenarios(new SplittableRandom(seed * 1_000_003L + 2));
        var out = new ArrayList<ObjectNode>(cases);
        for (int i = 0; i < cases; i++) {
            Sample s = withId(scenarios.sample(scenarios.context()), "heldout-%04d".formatted(i));
            out.add(caseJson(renderer.render(s)));
        }
        return out;
    }

    /** Writes the files of the class comment; returns a one-line summary. */
    public String write(Settings s) throws IOException {
        Files.createDirectories(s.out());
        Set<String> heldout = new HashSet<>();
        int cases = 0;
        try (BufferedWriter w = Files.newBufferedWriter(s.out().resolve("cases-heldout.jsonl"), StandardCharsets.UTF_8)) {
            var scenarios = new Scenarios(new SplittableRandom(s.seed() * 1_000_003L + 2));
            for (int i = 0; i < s.cases(); i++) {
                Sample sample = withId(scenarios.sample(scenarios.context()), "heldout-%04d".formatted(i));
                heldout.add(sample.holdoutKey());
                w.write(JSON.writeValueAsString(caseJson(renderer.render(sample))));
                w.write('\n');
                cases++;
            }
        }
        int[] test = writeSplit(s.out().resolve("test.jsonl"), new SplittableRandom(s.seed() * 1_000_003L + 1),
            s.testGroups(), 4, "test", null, heldout);
        int[] train = writeSplit(s.out().resolve("train.jsonl"), new SplittableRandom(s.seed() * 1_000_003L),
            s.trainGroups(), s.groupSize(), "train", heldout, null);
        writeVocabExtra(s.out().resolve("vocab-extra.json"));
        return "%d train samples (%d sequences, %d tokens), %d test samples, %d held-out cases in %s".formatted(
            train[0], train[1], train[2], test[0], cases, s.out());
    }

    /** Writes one split; returns {samples, sequences, tokens}. */
    private int[] writeSplit(Path file, SplittableRandom rng, int groups, int groupSize, String prefix,
                             Set<String> exclude, Set<String> collect) throws IOException {
        var scenarios = new Scenarios(rng);
        int samples = 0, sequences = 0;
        long tokens = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int g = 0; g < groups; g++) {
                Scenarios.Context ctx = scenarios.context();
                int[] groupPrefix = null;
                for (int k = 0; k < groupSize; k++) {
                    Sample sample = scenarios.sample(ctx);
                    while (exclude != null && exclude.contains(sample.holdoutKey())) sample = scenarios.sample(ctx);
                    if (collect != null) collect.add(sample.holdoutKey());
                    sample = withId(sample, "%s-%05d-%02d".formatted(prefix, g, k));
                    TranscriptRenderer.Rendered r = renderer.render(sample);
                    int[] p = Arrays.copyOf(r.turns().getFirst().prompt(), r.prefixLength());
                    if (groupPrefix == null) {
                        groupPrefix = p;
                        ObjectNode head = JSON.createObjectNode();
                        head.put("group", g);
                        ArrayNode ids = head.putArray("prefix");
                        for (int id : p) ids.add(id);
                        w.write(JSON.writeValueAsString(head));
                        w.write('\n');
                    }
                    ObjectNode line = JSON.createObjectNode();
                    line.put("id", sample.id());
                    line.put("group", g);
                    line.put("kind", sample.kind().name().toLowerCase(Locale.ROOT));
                    ArrayNode seqs = line.putArray("seqs");
                    for (TranscriptRenderer.Turn t : r.turns()) {
                        int[] all = t.tokens();
                        if (!Arrays.equals(groupPrefix, Arrays.copyOf(all, groupPrefix.length))) {
                            throw new IllegalStateException(sample.id() + ": the prompt does not start with the group's prefix");
                        }
                        ObjectNode seq = seqs.addObject();
                        ArrayNode ids = seq.putArray("tokens");
                        for (int i = groupPrefix.length; i < all.length; i++) ids.add(all[i]);
                        seq.put("loss_from", t.prompt().length - groupPrefix.length);
                        sequences++;
                        tokens += all.length;
                    }
                    w.write(JSON.writeValueAsString(line));
                    w.write('\n');
                    samples++;
                }
            }
        }
        return new int[] {samples, sequences, (int) Math.min(Integer.MAX_VALUE, tokens)};
    }

    /** The eval case for a rendered held-out sample (the format {@code agentrt eval} reads). */
    ObjectNode caseJson(TranscriptRenderer.Rendered r) {
        Sample s = r.sample();
        ObjectNode c = JSON.createObjectNode();
        c.put("id", s.id());
        c.put("question", s.question());
        ArrayNode tools = c.putArray("tools");
        s.tools().forEach(tools::add);
        c.put("effort", s.effort().name().toLowerCase(Locale.ROOT));
        if (s.callsTool()) {
            c.put("expect_tool", s.recipient());
            c.set("expect_args", TranscriptRenderer.parse(s.arguments()));
        } else {
            c.putNull("expect_tool");
            c.putNull("expect_args");
        }
        c.put("expect_final_regex", finalRegex(r));
        return c;
    }

    /** For calculations and conversions: the tool's result as a whole number in the answer; else the sample's. */
    static String finalRegex(TranscriptRenderer.Rendered r) {
        Sample s = r.sample();
        return switch (s.kind()) {
            case CALCULATOR, UNITS -> Scenarios.numberRegex(
                Scenarios.plain(TranscriptRenderer.parse(r.toolOutput()).path("result")));
            case TIME, DIRECT -> s.finalRegex();
        };
    }

    private static Sample withId(Sample s, String id) {
        return new Sample(id, s.kind(), s.question(), s.tools(), s.effort(), s.at(), s.recipient(), s.arguments(),
            s.analysis(), s.answer(), s.afterTool(), s.finalRegex(), s.holdoutKey());
    }

    /** Every 1–3 digit string is one o200k token: the model must be able to write any of them. */
    private void writeVocabExtra(Path file) throws IOException {
        var ids = new TreeSet<Integer>();
        var tokenizer = renderer.encoding().tokenizer();
        for (int len = 1; len <= 3; len++) {
            int n = (int) Math.pow(10, len);
            for (int v = 0; v < n; v++) {
                int[] t = tokenizer.encodeOrdinary(String.format(Locale.ROOT, "%0" + len + "d", v));
                if (t.length != 1) throw new IllegalStateException("not one token: " + v);
                ids.add(t[0]);
            }
        }
        try {
            Files.writeString(file, JSON.writeValueAsString(Map.of("number_tokens", ids)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
