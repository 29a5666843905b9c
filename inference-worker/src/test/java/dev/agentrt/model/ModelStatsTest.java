package dev.agentrt.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.model.synth.SynthPreset;
import org.junit.jupiter.api.Test;

/** Spec §10–§11 arithmetic for the real shapes. */
class ModelStatsTest {
    @Test
    void gptOss20b() {
        ModelStats s = new ModelStats(SynthPreset.GPT_OSS_20B.config(), ModelStats.MXFP4_BYTES_PER_WEIGHT);
        assertThat(s.paramsPerLayer()).isEqualTo(823_186_976L);
        assertThat(s.totalParams()).isEqualTo(20_914_757_184L);
        assertThat(s.expertWeightParams()).isEqualTo(19_110_297_600L);
        assertThat(s.activeParams()).isEqualTo(3_608_307_264L);
        assertThat(s.weightBytesPerToken()).isEqualTo(3_708_089_088L);
        assertThat(s.kvBytesPerToken(1024, 2)).isEqualTo(12L * 2048 * 1024 + 12L * 2048 * 128);
    }

    @Test
    void gptOss120b() {
        ModelStats s = new ModelStats(SynthPreset.GPT_OSS_120B.config(), ModelStats.MXFP4_BYTES_PER_WEIGHT);
        assertThat(s.totalParams()).isEqualTo(116_829_156_672L);
        assertThat(s.activeParams()).isEqualTo(5_132_849_472L);
        assertThat(s.weightBytesPerToken()).isEqualTo(5_002_907_904L);
    }

    @Test
    void synth20bDataMatchesOfficialTotalSize() {
        assertThat(new dev.agentrt.model.synth.CheckpointSynth(SynthPreset.GPT_OSS_20B).dataBytes())
                .isEqualTo(13_761_264_768L);
    }
}
