package dev.agentrt.engine.cpu.bench;

import dev.agentrt.engine.cpu.Bf16Matmul;
import dev.agentrt.engine.cpu.ExpertKernel;
import dev.agentrt.engine.cpu.Mxfp4Matmul;
import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.model.Bf16Matrix;
import dev.agentrt.model.ExpertWeights.Mxfp4Experts;
import dev.agentrt.model.Mxfp4;
import dev.agentrt.model.ResidentMemory;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The two decode kernels alone, as batch-1 decode runs them on gpt-oss-20b shapes: per layer the attention's BF16
 * projections (qkv 5120×2880, out 2880×4096) and four random experts' MXFP4 mlp1 (5760×2880) and mlp2
 * (2880×2880), in resident 2 MB-page memory like {@code Checkpoint.residentWeights()}. Prints the rate each kernel
 * streams its weights at (GB/s) per round and the median, next to the machine's streaming-read bandwidth — where
 * {@link CpuDecodeBench} gives the whole decode, this says which kernel holds it back.
 *
 * <p>Usage: {@code KernelBench [--layers 4] [--rounds 12] [--threads N] [--scale 1]}; {@code --scale K} divides
 * every dimension by K (for tests).
 */
public final class KernelBench {
    private static final int EXPERTS = 32;
    private static final int ACTIVE_EXPERTS = 4;
    private static final int WARMUP_ROUNDS = 4;

    /** All settings of one run. */
    public record Options(int layers, int rounds, int threads, int scale) {
    }

    private KernelBench() {
    }

    public static void main(String[] args) {
        run(parse(args), new PrintWriter(System.out, true));
    }

    static Options parse(String[] args) {
        int layers = 4;
        int rounds = 12;
        int threads = Runtime.getRuntime().availableProcessors();
        int scale = 1;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            int value = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--layers" -> layers = value;
                case "--rounds" -> rounds = value;
                case "--threads" -> threads = value;
                case "--scale" -> scale = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (layers < 1 || rounds <= WARMUP_ROUNDS || threads < 1 || scale < 1) {
            throw new IllegalArgumentException("need --layers >= 1, --rounds > " + WARMUP_ROUNDS
                    + ", --threads >= 1, --scale >= 1");
        }
        return new Options(layers, rounds, threads, scale);
    }

    public static void run(Options o, PrintWriter out) {
        int hidden = 2880 / o.scale() / Mxfp4.GROUP * Mxfp4.GROUP;
        int qkv = 5120 / o.scale();
        int attn = 4096 / o.scale();
        SplittableRandom rnd = new SplittableRandom(11);
        try (Parallel pool = new Parallel(o.threads()); Arena arena = Arena.ofShared()) {
            Bf16Matrix[] qkvW = new Bf16Matrix[o.layers()];
            Bf16Matrix[] outW = new Bf16Matrix[o.layers()];
            ExpertKernel[] mlp1 = new ExpertKernel[o.layers()];
            ExpertKernel[] mlp2 = new ExpertKernel[o.layers()];
            long bf16Bytes = 0;
            long expertBytes = 0;
            for (int l = 0; l < o.layers(); l++) {
                qkvW[l] = new Bf16Matrix(qkv, hidden, bf16(arena, (long) qkv * hidden, rnd));
                outW[l] = new Bf16Matrix(hidden, attn, bf16(arena, (long) hidden * attn, rnd));
                Mxfp4Experts e1 = experts(arena, 2 * hidden, hidden, rnd);
                Mxfp4Experts e2 = experts(arena, hidden, hidden, rnd);
                mlp1[l] = new Mxfp4Matmul(pool, e1);
                mlp2[l] = new Mxfp4Matmul(pool, e2);
                bf16Bytes += qkvW[l].data().byteSize() + outW[l].data().byteSize();
                expertBytes += ACTIVE_EXPERTS * (e1.bytesPerExpert() + e2.bytesPerExpert());
            }
            out.printf("kernels on gpt-oss-20b shapes / %d: %d layers, BF16 %.0f MB and MXFP4 %.0f MB read per round"
                    + " (4 of 32 experts), threads %d, memory: %s%n", o.scale(), o.layers(), bf16Bytes / 1e6,
                    expertBytes / 1e6, pool.threads(), ResidentMemory.hugePagesAdvised() ? "2 MB pages advised" : "plain");
            out.printf("streaming-read bandwidth: %.2f GB/s%n",
                    BandwidthProbe.measure(pool, o.scale() == 1 ? 1L << 30 : 64L << 20, 5) / 1e9);
            Bf16Matmul matmul = new Bf16Matmul(pool);
            float[] x = new float[Math.max(attn, 2 * hidden)];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble(-1, 1);
            }
            float[] y = new float[Math.max(qkv, 2 * hidden)];
            float[] bias = new float[EXPERTS * 2 * hidden];
            int measured = o.rounds() - WARMUP_ROUNDS;
            double[] bf16Rates = new double[measured];
            double[] expertRates = new double[measured];
            for (int round = 0; round < o.rounds(); round++) {
                long bf16Nanos = 0;
                long expertNanos = 0;
                for (int l = 0; l < o.layers(); l++) {
                    long t0 = System.nanoTime();
                    matmul.matmul(qkvW[l], null, x, 0, hidden, y, 0, qkv, 1);
                    matmul.matmul(outW[l], null, x, 0, attn, y, 0, hidden, 1);
                    long t1 = System.nanoTime();
                    for (int k = 0; k < ACTIVE_EXPERTS; k++) {
                        int e = rnd.nextInt(EXPERTS);
                        mlp1[l].matmul(e, bias, 0, x, hidden, y, 2 * hidden, 1);
                        mlp2[l].matmul(e, bias, 0, x, hidden, y, hidden, 1);
                    }
                    bf16Nanos += t1 - t0;
                    expertNanos += System.nanoTime() - t1;
                }
                if (round >= WARMUP_ROUNDS) {
                    int m = round - WARMUP_ROUNDS;
                    bf16Rates[m] = bf16Bytes / (double) bf16Nanos;
                    expertRates[m] = expertBytes / (double) expertNanos;
                    out.printf("round %2d: BF16 matvec %6.2f GB/s, MXFP4 experts %6.2f GB/s%n", m + 1, bf16Rates[m],
                            expertRates[m]);
                }
            }
            out.printf("median: BF16 matvec %.2f GB/s, MXFP4 experts %.2f GB/s%n", median(bf16Rates),
                    median(expertRates));
            if (Float.isNaN(y[0])) {
                out.println("(NaN in the outputs)"); // keeps the results alive; cannot happen with finite inputs
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** BF16 values in ±[1, 2): exponents like trained weights', no NaN or infinity. */
    private static MemorySegment bf16(Arena arena, long elements, SplittableRandom rnd) {
        MemorySegment s = ResidentMemory.allocate(elements * 2, arena);
        for (long i = 0; i < elements; i++) {
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i, (short) (0x3f80 | (rnd.nextInt() & 0x807f)));
        }
        return s;
    }

    private static Mxfp4Experts experts(Arena arena, int rows, int cols, SplittableRandom rnd) {
        long groups = (long) EXPERTS * rows * (cols / Mxfp4.GROUP);
        MemorySegment blocks = ResidentMemory.allocate(groups * Mxfp4.GROUP_BYTES, arena);
        for (long i = 0; i < blocks.byteSize(); i += 8) {
            blocks.set(ValueLayout.JAVA_LONG_UNALIGNED, i, rnd.nextLong());
        }
        MemorySegment scales = ResidentMemory.allocate(groups, arena);
        for (long i = 0; i < groups; i++) {
            scales.set(ValueLayout.JAVA_BYTE, i, (byte) (120 + rnd.nextInt(8)));
        }
        return new Mxfp4Experts(EXPERTS, rows, cols, blocks, scales);
    }
}
