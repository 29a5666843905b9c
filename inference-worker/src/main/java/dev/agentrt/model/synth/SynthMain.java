package dev.agentrt.model.synth;

import dev.agentrt.model.CheckpointLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** {@code SynthMain PRESET OUT_DIR [original|hf]}: writes a synthetic checkpoint with a progress bar on stderr. */
public final class SynthMain {
    private SynthMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: SynthMain tiny-1k|tiny-full|20b|120b OUT_DIR [original|hf]");
            System.exit(2);
        }
        SynthPreset preset = SynthPreset.parse(args[0]);
        CheckpointLayout layout = args.length == 3
                ? CheckpointLayout.valueOf(args[2].toUpperCase(Locale.ROOT)) : CheckpointLayout.ORIGINAL;
        CheckpointSynth synth = new CheckpointSynth(preset);
        synth.write(Path.of(args[1]), layout, new ProgressBar(new java.io.PrintWriter(System.err, true), preset.label(), synth.dataBytes()));
    }
}
