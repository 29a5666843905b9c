package dev.agentrt.model.synth;

import dev.agentrt.model.GptOssConfig;
import java.util.Arrays;
import java.util.Locale;

/** The checkpoint shapes {@code agentrt model synth} can write. */
public enum SynthPreset {
    /** Spec §12.1, vocab 1024. */
    TINY_1K("tiny-1k", true, tiny(1024)),
    /** Spec §12.1 with the real vocabulary, so Harmony token ids can be fed. */
    TINY_FULL("tiny-full", true, tiny(201088)),
    /** Real widths (hidden, heads, experts' shapes) with 4 layers, 8 experts and a 32k vocabulary: about 1 GB. */
    MID("mid", false, GptOssConfig.of(4, 8, 4, 32768, 2880, 2880, 7.0f, 64, 64, 8, 128, 4096, 150000f, 32f, 1f, 32f)),
    GPT_OSS_20B("20b", false, real(24, 32)),
    GPT_OSS_120B("120b", false, real(36, 128));

    private final String label;
    private final boolean deterministic;
    private final GptOssConfig config;

    SynthPreset(String label, boolean deterministic, GptOssConfig config) {
        this.label = label;
        this.deterministic = deterministic;
        this.config = config;
    }

    private static GptOssConfig tiny(int vocab) {
        return GptOssConfig.of(2, 4, 2, vocab, 64, 64, 7.0f, 16, 4, 2, 4, 4096, 150000f, 32f, 1f, 32f);
    }

    private static GptOssConfig real(int layers, int experts) {
        return GptOssConfig.of(layers, experts, 4, 201088, 2880, 2880, 7.0f, 64, 64, 8, 128, 4096, 150000f, 32f, 1f, 32f);
    }

    public String label() {
        return label;
    }

    /** True for the tiny presets, whose bytes follow spec §12.2 exactly (and have known SHA-256 digests). */
    public boolean deterministic() {
        return deterministic;
    }

    public GptOssConfig config() {
        return config;
    }

    public static SynthPreset parse(String label) {
        String l = label.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.label.equals(l)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown preset '" + label + "', expected one of "
                        + Arrays.stream(values()).map(SynthPreset::label).toList()));
    }
}
