package dev.agentrt.demomodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.harmony.HarmonyEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TranscriptGeneratorTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameSeedSameFilesAndNoHeldOutQuestionWithNumbersUnitsOrCitiesAppearsInTraining(@TempDir Path tmp) throws Exception {
        var generator = new TranscriptGenerator(HarmonyEncoding.o200kHarmony());
        var settings = new TranscriptGenerator.Settings(tmp.resolve("a"), 5, 40, 6, 10, 40);
        generator.write(settings);
        generator.write(new TranscriptGenerator.Settings(tmp.resolve("b"), 5, 40, 6, 10, 40));
        for (String f : List.of("train.jsonl", "test.jsonl", "cases-heldout.jsonl", "vocab-extra.json")) {
            assertThat(Files.readAllBytes(tmp.resolve("a").resolve(f))).as(f)
                .isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(f)));
        }
        // Questions with numbers, units or cities are held out as questions; fixed phrases (no tool, or the time in
        // UTC) are held out in their context (date, effort, tools), so the phrase itself may also be trained on.
        Set<String> heldout = new HashSet<>();
        Set<String> fixedPhrases = new HashSet<>();
        for (String line : Files.readAllLines(tmp.resolve("a/cases-heldout.jsonl"))) {
            JsonNode c = JSON.readTree(line);
            assertThat(c.fieldNames()).toIterable().containsExactly("id", "question", "tools", "effort", "expect_tool",
                "expect_args", "expect_final_regex");
            boolean fixed = c.get("expect_tool").isNull()
                || "UTC".equals(c.get("expect_args").path("timezone").asText(null));
            (fixed ? fixedPhrases : heldout).add(c.get("question").asText());
        }
        assertThat(heldout).isNotEmpty();
        // Questions are only in the tokens: decode the user message of every training sample.
        var tokenizer = HarmonyEncoding.o200kHarmony().tokenizer();
        int samples = 0;
        int trainedFixedPhrases = 0;
        for (String line : Files.readAllLines(tmp.resolve("a/train.jsonl"))) {
            JsonNode j = JSON.readTree(line);
            if (j.has("prefix")) continue;
            samples++;
            JsonNode tokens = j.get("seqs").get(0).get("tokens");
            int[] ids = new int[tokens.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = tokens.get(i).asInt();
            String text = tokenizer.decodeUtf8(ids);
            String question = text.substring("<|start|>user<|message|>".length(), text.indexOf("<|end|>"));
            assertThat(heldout).as("training question %s", question).doesNotContain(question);
            if (fixedPhrases.contains(question)) trainedFixedPhrases++;
        }
        assertThat(samples).isEqualTo(240);
        assertThat(trainedFixedPhrases).as("fixed phrases of the held-out cases also seen in training").isPositive();
    }
}
