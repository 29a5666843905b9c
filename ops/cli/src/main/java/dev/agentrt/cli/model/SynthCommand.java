package dev.agentrt.cli.model;

import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.synth.CheckpointSynth;
import dev.agentrt.model.synth.ProgressBar;
import dev.agentrt.model.synth.SynthPreset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code agentrt model synth}: write a synthetic checkpoint of exact gpt-oss shapes. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a synthetic checkpoint: tiny-1k/tiny-full are the deterministic test models of the spec, "
                + "20b/120b have the real shapes with random weights (13.8 GB / 65 GB).")
public final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--preset", required = true, paramLabel = "PRESET", description = "tiny-1k, tiny-full, 20b or 120b.")
    String preset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created).")
    Path out;

    @Option(names = "--layout", defaultValue = "original", paramLabel = "LAYOUT",
            description = "original (config.json + model.safetensors) or hf (HF names, sharded, index).")
    String layout;

    @Override
    public Integer call() throws Exception {
        SynthPreset p;
        CheckpointLayout l;
        try {
            p = SynthPreset.parse(preset);
            l = switch (layout) {
                case "original" -> CheckpointLayout.ORIGINAL;
                case "hf" -> CheckpointLayout.HF;
                default -> throw new IllegalArgumentException("unknown layout '" + layout + "', expected original or hf");
            };
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        CheckpointSynth synth = new CheckpointSynth(p);
        synth.write(out, l, new ProgressBar(spec.commandLine().getErr(), p.label(), synth.dataBytes()));
        spec.commandLine().getOut().println("wrote " + p.label() + " (" + l.label() + " layout) to " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
