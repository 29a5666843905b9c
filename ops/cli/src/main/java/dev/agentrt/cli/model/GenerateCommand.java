package dev.agentrt.cli.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentrt.engine.Engine;
import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.generate.Generator;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.SamplingParams;
import dev.agentrt.generate.StopTokens;
import dev.agentrt.model.Checkpoint;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code agentrt model generate}: continue a prompt of token ids; prints the generated ids only. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt of token ids. Stops after -n tokens or on <|return|>, <|call|>, <|endoftext|>.")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "16", description = "Tokens to generate (default 16).")
    int maxTokens;

    @Option(names = "--greedy", description = "Argmax decoding (same as --temperature 0).")
    boolean greedy;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default 1).")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Keep only the k most likely tokens (0 = off).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling mass (1 = off).")
    float topP;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed for sampling.")
    long seed;

    @Option(names = "--ignore-stop", description = "Do not stop on the Harmony stop tokens.")
    boolean ignoreStop;

    @Option(names = "--json", description = "Print {\"tokens\":[...]} at the end instead of streaming ids.")
    boolean json;

    @Option(names = "--prompt", paramLabel = "TEXT",
            description = "Instead of --tokens: a user message rendered with Harmony (system message with today's date); "
                    + "the assistant's messages are parsed and printed as they stream.")
    String prompt;

    @Option(names = "--effort", defaultValue = "medium", description = "Reasoning effort for --prompt: low, medium, high.")
    String effort;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1) {
            throw new ParameterException(spec.commandLine(), "-n must be >= 1, got " + maxTokens);
        }
        SamplingParams params;
        try {
            params = new SamplingParams(greedy ? 0f : temperature, topK, topP, seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        var out = spec.commandLine().getOut();
        if (prompt != null) {
            if (engine.tokens != null) {
                throw new ParameterException(spec.commandLine(), "use either --prompt or --tokens, not both");
            }
            return new PromptGeneration(out, spec.commandLine().getErr(), prompt, effort, json).run(engine, maxTokens, params, ignoreStop);
        }
        int[] tokens = engine.requireTokens(spec.commandLine());
        try (Checkpoint ckpt = Checkpoint.open(engine.model); Parallel pool = new Parallel(engine.threadCount());
             Engine model = engine.open(ckpt, pool, tokens.length + maxTokens, spec.commandLine().getErr())) {
            Generator generator = new Generator(model, ignoreStop ? StopTokens.NONE : StopTokens.HARMONY);
            Sampler sampler = new Sampler(params, ckpt.config().vocabSize());
            Generator.Result result = generator.generate(tokens, maxTokens, sampler, token -> {
                if (!json) {
                    out.println(token);
                    out.flush();
                }
            });
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = mapper.createObjectNode();
                ArrayNode arr = o.putArray("tokens");
                for (int t : result.tokens()) {
                    arr.add(t);
                }
                out.println(mapper.writeValueAsString(o));
                out.flush();
            }
        }
        return 0;
    }
}
