package dev.agentrt.model;

import dev.agentrt.model.synth.CheckpointSynth;
import dev.agentrt.model.synth.SynthPreset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Writes tiny synthetic checkpoints for tests. */
public final class TinyCheckpoints {
    private TinyCheckpoints() {
    }

    public static Path write(SynthPreset preset, CheckpointLayout layout, Path dir) {
        try {
            new CheckpointSynth(preset).write(dir, layout, bytes -> { });
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
