package dev.agentrt.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.model.Bf16;
import dev.agentrt.model.Bf16Matrix;
import dev.agentrt.model.ExpertWeights;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.Mxfp4;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Vector kernels against straightforward scalar arithmetic, and the small blocks against spec numbers. */
class KernelTest {
    @Test
    void bf16MatmulMatchesScalar() {
        SplittableRandom rnd = new SplittableRandom(3);
        int rows = 37;
        int cols = 2 * 16 * 5 + 7; // vector part plus a scalar tail
        try (Arena arena = Arena.ofShared(); Parallel pool = new Parallel(2)) {
            MemorySegment seg = arena.allocate((long) rows * cols * 2);
            for (long i = 0; i < (long) rows * cols; i++) {
                seg.set(Bf16.LE, 2 * i, Bf16.fromFloat((float) rnd.nextDouble(-1, 1)));
            }
            Bf16Matrix w = new Bf16Matrix(rows, cols, seg);
            for (int tokens : new int[] {1, 3, 4, 6}) {
                float[] x = new float[tokens * cols];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextDouble(-1, 1);
                }
                float[] bias = new float[rows];
                bias[5] = 0.25f;
                float[] y = new float[tokens * rows];
                new Bf16Matmul(pool).matmul(w, bias, x, 0, cols, y, 0, rows, tokens);
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < rows; r++) {
                        double s = bias[r];
                        for (int c = 0; c < cols; c++) {
                            s += (double) w.get(r, c) * x[t * cols + c];
                        }
                        assertThat((double) y[t * rows + r]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void bf16MatmulGivesEachTokenTheSameBitsAloneOrInABlockOfFour() {
        // Batched decode must equal decoding one by one: the four-token path (column tiles of 512, accumulators
        // parked between them, rows in tiles of 16) and the lone-row path share arithmetic. The shapes: whole groups
        // of four vectors, a partial group and a scalar tail, within one column tile and across three; 37 rows, so
        // that a single-thread pool hands all rows to one call.
        SplittableRandom rnd = new SplittableRandom(5);
        int rows = 37;
        int tokens = 6;
        for (int cols : new int[] {16 * 4 * 3 + 16 * 2 + 5, 2 * 512 + 16 * 4 * 3 + 16 * 2 + 5}) {
            for (int threads : new int[] {1, 2}) {
                try (Arena arena = Arena.ofShared(); Parallel pool = new Parallel(threads)) {
                    MemorySegment seg = arena.allocate((long) rows * cols * 2);
                    for (long i = 0; i < (long) rows * cols; i++) {
                        seg.set(Bf16.LE, 2 * i, Bf16.fromFloat((float) rnd.nextDouble(-1, 1)));
                    }
                    Bf16Matrix w = new Bf16Matrix(rows, cols, seg);
                    float[] x = new float[tokens * cols];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) rnd.nextDouble(-1, 1);
                    }
                    float[] bias = new float[rows];
                    bias[3] = 0.5f;
                    float[] together = new float[tokens * rows];
                    new Bf16Matmul(pool).matmul(w, bias, x, 0, cols, together, 0, rows, tokens);
                    for (int t = 0; t < tokens; t++) {
                        float[] alone = new float[rows];
                        new Bf16Matmul(pool).matmul(w, bias, x, t * cols, cols, alone, 0, rows, 1);
                        for (int r = 0; r < rows; r++) {
                            assertThat(together[t * rows + r])
                                    .as("cols %d threads %d token %d row %d", cols, threads, t, r)
                                    .isEqualTo(alone[r]);
                            double exact = bias[r];
                            for (int c = 0; c < cols; c++) {
                                exact += (double) w.get(r, c) * x[t * cols + c];
                            }
                            assertThat((double) alone[r]).isCloseTo(exact, org.assertj.core.data.Offset.offset(2e-4));
                        }
                    }
                }
            }
        }
    }

    @Test
    void sharedInputMatmulEqualsOneMatmulPerMatrix() {
        // q, k, v in one pool run: chunks cross from one matrix into the next, and each output must be exactly what
        // its own matmul gives.
        SplittableRandom rnd = new SplittableRandom(11);
        int cols = 2 * 16 * 5 + 7;
        int[] rows = {37, 5, 9};
        int xStride = cols + 3;
        try (Arena arena = Arena.ofShared()) {
            Bf16Matrix[] ws = new Bf16Matrix[rows.length];
            float[][] biases = new float[rows.length][];
            for (int m = 0; m < rows.length; m++) {
                MemorySegment seg = arena.allocate((long) rows[m] * cols * 2);
                for (long i = 0; i < (long) rows[m] * cols; i++) {
                    seg.set(Bf16.LE, 2 * i, Bf16.fromFloat((float) rnd.nextDouble(-1, 1)));
                }
                ws[m] = new Bf16Matrix(rows[m], cols, seg);
                if (m != 1) { // one matrix without a bias
                    biases[m] = new float[rows[m]];
                    for (int r = 0; r < rows[m]; r++) {
                        biases[m][r] = (float) rnd.nextDouble(-1, 1);
                    }
                }
            }
            for (int threads : new int[] {1, 2, 3}) {
                try (Parallel pool = new Parallel(threads)) {
                    Bf16Matmul matmul = new Bf16Matmul(pool);
                    for (int tokens : new int[] {1, 3, 4, 6}) {
                        float[] x = new float[2 + tokens * xStride];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) rnd.nextDouble(-1, 1);
                        }
                        float[][] fused = new float[rows.length][];
                        for (int m = 0; m < rows.length; m++) {
                            fused[m] = new float[tokens * rows[m]];
                        }
                        matmul.matmulShared(ws, biases, x, 2, xStride, fused, tokens);
                        for (int m = 0; m < rows.length; m++) {
                            float[] alone = new float[tokens * rows[m]];
                            matmul.matmul(ws[m], biases[m], x, 2, xStride, alone, 0, rows[m], tokens);
                            assertThat(fused[m]).as("threads %d tokens %d matrix %d", threads, tokens, m)
                                    .isEqualTo(alone);
                        }
                    }
                }
            }
            Bf16Matrix narrow = new Bf16Matrix(1, cols - 1, arena.allocate(2L * (cols - 1)));
            try (Parallel pool = new Parallel(1)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Bf16Matmul(pool).matmulShared(
                                new Bf16Matrix[] {ws[0], narrow}, new float[2][], new float[cols], 0, cols,
                                new float[][] {new float[rows[0]], new float[1]}, 1))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("equal columns");
            }
        }
    }


    @Test
    void mxfp4VectorAndScalarPathsMatchDequantizedWeights() {
        SplittableRandom rnd = new SplittableRandom(4);
        int experts = 2;
        int rows = 70; // tasks of 64 and 6 rows for one token, of 16 rows for batches
        int cols = 32 * 9;
        int groups = cols / 32;
        try (Arena arena = Arena.ofShared(); Parallel pool = new Parallel(2)) {
            MemorySegment blocks = arena.allocate((long) experts * rows * groups * 16);
            MemorySegment scales = arena.allocate((long) experts * rows * groups);
            for (long i = 0; i < blocks.byteSize(); i++) {
                blocks.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
            }
            for (long i = 0; i < scales.byteSize(); i++) {
                // mostly realistic exponents, and the extremes 0 (subnormal 2^-127) and 200 (2^73)
                int pick = rnd.nextInt(20);
                scales.set(ValueLayout.JAVA_BYTE, i, (byte) (pick == 0 ? 0 : pick == 1 ? 200 : 118 + rnd.nextInt(12)));
            }
            var w = new ExpertWeights.Mxfp4Experts(experts, rows, cols, blocks, scales);
            for (int tokens : new int[] {1, 2, 5}) { // lone token, and blocks of four plus the rest
                float[] x = new float[tokens * cols];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextDouble(-1, 1);
                }
                float[] bias = new float[experts * rows];
                java.util.Arrays.fill(bias, 0.5f);
                for (boolean vector : Mxfp4Matmul.VECTOR ? new boolean[] {true, false} : new boolean[] {false}) {
                    Mxfp4Matmul kernel = new Mxfp4Matmul(pool, w, vector);
                    float[] xp = new float[x.length];
                    for (int t = 0; t < tokens; t++) {
                        kernel.prepareInput(x, t * cols, xp, t * cols);
                    }
                    float[] y = new float[tokens * rows];
                    kernel.matmul(1, bias, rows, xp, cols, y, rows, tokens);
                    float[] row = new float[cols];
                    for (int r = 0; r < rows; r++) {
                        long rowIndex = rows + r; // expert 1
                        Mxfp4.dequantizeRow(blocks, rowIndex * groups * 16, scales, rowIndex * groups, cols, row, 0);
                        for (int t = 0; t < tokens; t++) {
                            double s = 0.5;
                            for (int c = 0; c < cols; c++) {
                                s += (double) row[c] * x[t * cols + c];
                            }
                            assertThat((double) y[t * rows + r]).as("vector=%s", vector)
                                    .isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(s))));
                        }
                    }
                }
            }
        }
    }

    @Test
    void mxfp4GivesEachTokenTheSameBitsAloneOrInABlockAndKeepsSubnormalScales() {
        // Blocks of four, then the rest (three in the four-token pass, two in the two-token pass, one alone): every
        // token gets the bits it gets alone.
        SplittableRandom rnd = new SplittableRandom(6);
        int rows = 19; // more than one 16-row task; a single-thread pool takes them all in one call
        int cols = 32 * 37;
        int groups = cols / 32;
        for (int threads : new int[] {1, 2}) {
            try (Arena arena = Arena.ofShared(); Parallel pool = new Parallel(threads)) {
                MemorySegment blocks = arena.allocate((long) rows * groups * 16);
                MemorySegment scales = arena.allocate((long) rows * groups);
                for (long i = 0; i < blocks.byteSize(); i++) {
                    blocks.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
                }
                // Row 0 has only scale byte 0 (2^-127, a subnormal): a large input keeps its products normal.
                for (long i = 0; i < scales.byteSize(); i++) {
                    scales.set(ValueLayout.JAVA_BYTE, i, (byte) (i < groups ? 0 : 118 + rnd.nextInt(12)));
                }
                var w = new ExpertWeights.Mxfp4Experts(1, rows, cols, blocks, scales);
                for (int tokens = 2; tokens <= 7; tokens++) {
                    float[] x = new float[tokens * cols];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) Math.scalb(rnd.nextDouble(-1, 1), 100);
                    }
                    Mxfp4Matmul kernel = new Mxfp4Matmul(pool, w);
                    float[] xp = new float[x.length];
                    for (int t = 0; t < tokens; t++) {
                        kernel.prepareInput(x, t * cols, xp, t * cols);
                    }
                    float[] bias = new float[rows];
                    float[] together = new float[tokens * rows];
                    kernel.matmul(0, bias, 0, xp, cols, together, rows, tokens);
                    float[] row = new float[cols];
                    Mxfp4.dequantizeRow(blocks, 0, scales, 0, cols, row, 0);
                    for (int t = 0; t < tokens; t++) {
                        float[] alone = new float[rows];
                        float[] one = java.util.Arrays.copyOfRange(xp, t * cols, (t + 1) * cols);
                        kernel.matmul(0, bias, 0, one, cols, alone, rows, 1);
                        for (int r = 0; r < rows; r++) {
                            assertThat(together[t * rows + r])
                                    .as("%d threads, %d tokens: token %d row %d", threads, tokens, t, r)
                                    .isEqualTo(alone[r]);
                        }
                        double want = 0;
                        double magnitude = 0; // float rounding scales with the terms, not with their (cancelling) sum
                        for (int c = 0; c < cols; c++) {
                            want += (double) row[c] * x[t * cols + c];
                            magnitude += Math.abs((double) row[c] * x[t * cols + c]);
                        }
                        assertThat(magnitude).isPositive(); // scale 2^-127 did not flush the row to zero
                        assertThat((double) alone[0]).as("subnormal scales, token %d", t)
                                .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5 * magnitude));
                    }
                }
            }
        }
    }

    @Test
    void attentionOfFourVectorHeadsEqualsTheAnyWidthPathBitForBit() {
        // gpt-oss heads (64 = 4 × 16 lanes) keep q and the output in registers; the arithmetic must stay the
        // any-width path's. Full layers and a ring that wraps; one key; a long run; KV head 2 of 8.
        SplittableRandom rnd = new SplittableRandom(21);
        int d = 64;
        int kvStride = 8 * d;
        int kvOff = 2 * d;
        int slots = 260;
        float[] keys = new float[slots * kvStride];
        float[] values = new float[slots * kvStride];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (float) rnd.nextDouble(-1, 1);
            values[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] q = new float[3 + d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) rnd.nextDouble(-2, 2);
        }
        int[][] cases = {{0, 0, 199}, {37, 50, 80}, {0, 5, 5}, {191, 300, 427}, {0, 0, 259}};
        for (int[] c : cases) {
            int ring = c[0];
            int first = c[1];
            int last = c[2];
            float[] fast = new float[d + 1];
            float[] any = new float[d + 1];
            float[] scores = new float[last - first + 1];
            AttentionKernel.attend(q, 3, keys, values, kvOff, kvStride, ring, first, last, 0.3f, 0.125f, scores, fast, 1, d);
            AttentionKernel.attendAnyWidth(q, 3, keys, values, kvOff, kvStride, ring == 0 ? first : first % ring,
                    ring == 0 ? Integer.MAX_VALUE : ring, first, last, 0.3f, 0.125f, scores, any, 1, d);
            assertThat(fast).as("ring %d, keys %d..%d", ring, first, last).isEqualTo(any);
            // and both are attention with a sink, to float accuracy
            double max = 0.3;
            double[] s = new double[last - first + 1];
            for (int j = first; j <= last; j++) {
                int slot = ring == 0 ? j : j % ring;
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += (double) q[3 + i] * keys[slot * kvStride + kvOff + i];
                }
                s[j - first] = dot * 0.125;
                max = Math.max(max, s[j - first]);
            }
            double sum = Math.exp(0.3 - max);
            for (int j = 0; j < s.length; j++) {
                s[j] = Math.exp(s[j] - max);
                sum += s[j];
            }
            for (int i = 0; i < d; i++) {
                double want = 0;
                for (int j = first; j <= last; j++) {
                    int slot = ring == 0 ? j : j % ring;
                    want += s[j - first] / sum * values[slot * kvStride + kvOff + i];
                }
                assertThat((double) fast[1 + i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }


    @Test
    void yarnTablesMatchSpec() {
        Rope rope = new Rope(GptOssConfig.of(24, 32, 4, 201088, 2880, 2880, 7f, 64, 64, 8, 128, 4096, 150000f, 32f, 1f, 32f));
        assertThat(rope.invFreq(0)).isEqualTo(1.0f);
        assertThat(rope.invFreq(1)).isCloseTo(6.890442967e-1f, org.assertj.core.data.Percentage.withPercentage(1e-4));
        assertThat(rope.invFreq(9)).isCloseTo(3.170569614e-2f, org.assertj.core.data.Percentage.withPercentage(1e-4));
        assertThat(rope.invFreq(12)).isCloseTo(6.794959307e-3f, org.assertj.core.data.Percentage.withPercentage(1e-4));
        assertThat(rope.invFreq(17)).isCloseTo(1.293186942e-4f, org.assertj.core.data.Percentage.withPercentage(1e-4));
        assertThat(rope.invFreq(31)).isCloseTo(3.023511397e-7f, org.assertj.core.data.Percentage.withPercentage(1e-4));
        assertThat(rope.concentration()).isCloseTo(1.3465736f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void routerPicksLowerIndexOnTiesAndRenormalises() {
        int[] chosen = new int[2];
        float[] weights = new float[2];
        Router.select(new float[] {0.5f, 2f, 2f, 1f}, 0, 4, 2, chosen, weights, 0);
        assertThat(chosen).containsExactly(1, 2);
        assertThat(weights).containsExactly(0.5f, 0.5f);
    }

    @Test
    void swigluClampsAndAddsOne() {
        float[] a = new float[2];
        SwiGlu.apply(new float[] {10f, -9f, 1f, 2f}, 0, 2, 7f, a, 0);
        double sig7 = 1 / (1 + Math.exp(-1.702 * 7));
        assertThat((double) a[0]).isCloseTo(7 * sig7 * (-7 + 1), org.assertj.core.data.Offset.offset(1e-5));
        double sig1 = 1 / (1 + Math.exp(-1.702));
        assertThat((double) a[1]).isCloseTo(sig1 * 3, org.assertj.core.data.Offset.offset(1e-6));
    }
}
