package dev.agentrt.engine.cpu.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The kernel benchmark's plumbing on shapes divided by 16 (its figures mean something only at full size). */
class KernelBenchTest {
    @Test
    void printsEachRoundAndTheMedians() {
        StringWriter text = new StringWriter();
        KernelBench.run(KernelBench.parse(new String[] {"--layers", "1", "--rounds", "6", "--threads", "2",
                "--scale", "16"}), new PrintWriter(text, true));
        assertThat(text.toString())
                .containsPattern("kernels on gpt-oss-20b shapes / 16: 1 layers, BF16 [0-9]+ MB and MXFP4 [0-9]+ MB")
                .containsPattern("streaming-read bandwidth: [0-9.]+ GB/s")
                .containsPattern("round  2: BF16 matvec +[0-9.]+ GB/s, MXFP4 experts +[0-9.]+ GB/s")
                .containsPattern("median: BF16 matvec [0-9.]+ GB/s, MXFP4 experts [0-9.]+ GB/s")
                .doesNotContain("NaN");
    }

    @Test
    void rejectsBadOptions() {
        assertThatThrownBy(() -> KernelBench.parse(new String[] {"--rounds", "3"}))
                .hasMessageContaining("--rounds > 4");
        assertThatThrownBy(() -> KernelBench.parse(new String[] {"--frobnicate", "1"}))
                .hasMessageContaining("unknown option --frobnicate");
    }
}
