package dev.agentrt.cli.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.ExpertWeights;
import dev.agentrt.model.ModelStats;
import dev.agentrt.model.ModelWeights;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agentrt model info DIR}: config, layout, parameter counts, bytes per decoded token. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a checkpoint's config, layout, parameter counts and bytes read per decoded token.")
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Checkpoint directory (original/ or HF layout).")
    Path dir;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            ModelWeights w = ckpt.weights();
            ModelStats stats = ModelStats.of(w);
            String experts = w.layers().getFirst().mlp1() instanceof ExpertWeights.Mxfp4Experts ? "mxfp4" : "bf16";
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("directory", ckpt.directory().toString()).put("layout", ckpt.layout().label())
                    .put("experts", experts).put("files", ckpt.files().size()).put("tensors", ckpt.tensors().size())
                    .put("file_bytes", ckpt.totalBytes());
            o.set("config", ckpt.config().toOriginalJson());
            o.put("total_params", stats.totalParams()).put("expert_weight_params", stats.expertWeightParams())
                    .put("active_params_per_token", stats.activeParams())
                    .put("weight_bytes_per_token", stats.weightBytesPerToken())
                    .put("kv_bytes_per_token_at_1024_fp32", stats.kvBytesPerToken(1024, 4));
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(mapper.writeValueAsString(o));
            } else {
                out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            }
            out.flush();
        }
        return 0;
    }
}
