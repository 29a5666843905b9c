package dev.agentrt.cli.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentrt.engine.Engine;
import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.model.Checkpoint;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agentrt model logits}: full-vocabulary logits of the last prompt position. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Run the prompt and print the full-vocabulary logits of its last position.")
public final class LogitsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @Option(names = "--json", description = "Print {\"logits\":[...]} with every vocabulary entry.")
    boolean json;

    @Option(names = "--top", defaultValue = "10", description = "Without --json: how many best tokens to list.")
    int top;

    @Override
    public Integer call() throws Exception {
        int[] prompt = engine.requireTokens(spec.commandLine());
        try (Checkpoint ckpt = Checkpoint.open(engine.model); Parallel pool = new Parallel(engine.threadCount());
             Engine model = engine.open(ckpt, pool, prompt.length, spec.commandLine().getErr())) {
            float[] logits = new float[ckpt.config().vocabSize()];
            model.prefill(model.newCache(prompt.length), prompt, logits);
            var out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = mapper.createObjectNode();
                ArrayNode arr = o.putArray("logits");
                for (float v : logits) {
                    arr.add(v);
                }
                out.println(mapper.writeValueAsString(o));
            } else {
                IntStream.range(0, logits.length).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i))
                        .limit(Math.max(0, top))
                        .forEach(i -> out.printf("%8d  %+.6f%n", i, logits[i]));
            }
            out.flush();
        }
        return 0;
    }
}
