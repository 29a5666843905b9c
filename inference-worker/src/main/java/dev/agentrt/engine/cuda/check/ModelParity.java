package dev.agentrt.engine.cuda.check;

import dev.agentrt.engine.Engine;
import dev.agentrt.engine.SamplingEngine;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.SamplingParams;
import dev.agentrt.kv.KvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A GPU engine against the CPU engine on the same checkpoint: logits of every prompt position (prefill in chunks),
 * greedy continuations token for token with the logits of every step, a batched decode of sequences of different
 * lengths, and device-side greedy sampling. Logit errors are relative to the row's largest magnitude.
 */
public final class ModelParity {
    private final Engine cpu;
    private final Engine gpu;
    private final double tolerance;
    private final int vocab;

    /** @param tolerance the largest relative logit error allowed (the target: 1e-3) */
    public ModelParity(Engine cpu, Engine gpu, double tolerance) {
        this.cpu = cpu;
        this.gpu = gpu;
        this.tolerance = tolerance;
        this.vocab = cpu.config().vocabSize();
    }

    /** A random prompt of {@code n} ids below the vocabulary size (fixed seed). */
    public static int[] prompt(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextInt(vocab);
        }
        return p;
    }

    static double rowError(float[] got, float[] want, int n) {
        double err = 0;
        double ref = 0;
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(got[i])) {
                return Double.POSITIVE_INFINITY;
            }
            err = Math.max(err, Math.abs((double) got[i] - want[i]));
            ref = Math.max(ref, Math.abs(want[i]));
        }
        return ref > 0 ? err / ref : err;
    }

    private static int argmax(float[] l, int n) {
        return Sampler.argmax(l, n);
    }

    /** All comparisons for a prompt of {@code promptLength} positions and {@code steps} greedy steps. */
    public List<KernelChecks.Check> run(String label, int promptLength, int steps, int batch) {
        List<KernelChecks.Check> out = new ArrayList<>();
        int[] prompt = prompt(promptLength, vocab, 7);
        out.add(prefill(label, prompt));
        out.add(greedy(label, prompt, steps));
        out.add(batched(label, batch, Math.max(1, steps / 2)));
        if (gpu instanceof SamplingEngine s) {
            out.add(deviceGreedy(label, s, prompt, steps));
        }
        return out;
    }

    /** Logits of every prompt position. */
    public KernelChecks.Check prefill(String label, int[] prompt) {
        float[][] want = new float[prompt.length][vocab];
        float[][] got = new float[prompt.length][vocab];
        cpu.prefillAll(cpu.newCache(prompt.length), prompt, want);
        gpu.prefillAll(gpu.newCache(prompt.length), prompt, got);
        double err = 0;
        int argmaxDiffs = 0;
        for (int i = 0; i < prompt.length; i++) {
            err = Math.max(err, rowError(got[i], want[i], vocab));
            argmaxDiffs += argmax(got[i], vocab) != argmax(want[i], vocab) ? 1 : 0;
        }
        return new KernelChecks.Check(label + ": prefill logits, " + prompt.length + " positions", err, tolerance,
                argmaxDiffs == 0 ? "" : "(" + argmaxDiffs + " positions with another argmax)");
    }

    /** Greedy continuation from the prompt: the same tokens, and the logits of every step. */
    public KernelChecks.Check greedy(String label, int[] prompt, int steps) {
        int[] a = new int[steps];
        int[] b = new int[steps];
        double err = 0;
        KvCache ca = cpu.newCache(prompt.length + steps);
        KvCache cb = gpu.newCache(prompt.length + steps);
        float[] la = new float[vocab];
        float[] lb = new float[vocab];
        cpu.prefill(ca, prompt, la);
        gpu.prefill(cb, prompt, lb);
        for (int s = 0; s < steps; s++) {
            err = Math.max(err, rowError(lb, la, vocab));
            a[s] = argmax(la, vocab);
            b[s] = argmax(lb, vocab);
            if (s + 1 < steps) {
                cpu.decode(new KvCache[] {ca}, new int[] {a[s]}, new float[][] {la});
                gpu.decode(new KvCache[] {cb}, new int[] {a[s]}, new float[][] {lb}); // feed the CPU's token: compare like for like
            }
        }
        boolean same = Arrays.equals(a, b);
        return new KernelChecks.Check(label + ": greedy " + steps + " steps (logits and tokens)", same ? err
                : Double.POSITIVE_INFINITY, tolerance, same ? "" : "(CPU " + Arrays.toString(a) + ", GPU " + Arrays.toString(b) + ")");
    }

    /** {@code batch} sequences of different prompt lengths decoded together for {@code steps} steps. */
    public KernelChecks.Check batched(String label, int batch, int steps) {
        KvCache[] ca = new KvCache[batch];
        KvCache[] cb = new KvCache[batch];
        float[][] la = new float[batch][vocab];
        float[][] lb = new float[batch][vocab];
        int[] tokens = new int[batch];
        for (int i = 0; i < batch; i++) {
            int[] p = prompt(3 + 5 * i, vocab, 100 + i);
            ca[i] = cpu.newCache(p.length + steps + 1);
            cb[i] = gpu.newCache(p.length + steps + 1);
            cpu.prefill(ca[i], p, la[i]);
            gpu.prefill(cb[i], p, lb[i]);
            tokens[i] = argmax(la[i], vocab);
        }
        double err = 0;
        for (int s = 0; s < steps; s++) {
            cpu.decode(ca, tokens, la);
            gpu.decode(cb, tokens, lb);
            for (int i = 0; i < batch; i++) {
                err = Math.max(err, rowError(lb[i], la[i], vocab));
                tokens[i] = argmax(la[i], vocab);
            }
        }
        return new KernelChecks.Check(String.format(Locale.ROOT, "%s: batched decode, %d sequences x %d steps", label, batch,
                steps), err, tolerance, "");
    }

    /** Greedy picks made on the device (only ids come back) against the CPU's greedy tokens. */
    public KernelChecks.Check deviceGreedy(String label, SamplingEngine device, int[] prompt, int steps) {
        int[] want = new int[steps];
        KvCache ca = cpu.newCache(prompt.length + steps);
        float[] la = new float[vocab];
        cpu.prefill(ca, prompt, la);
        for (int s = 0; s < steps; s++) {
            want[s] = argmax(la, vocab);
            if (s + 1 < steps) {
                cpu.decode(new KvCache[] {ca}, new int[] {want[s]}, new float[][] {la});
            }
        }
        Sampler sampler = new Sampler(SamplingParams.greedy(), vocab);
        KvCache cb = device.newCache(prompt.length + steps);
        int[] got = new int[steps];
        got[0] = device.prefillAndSample(cb, prompt, sampler);
        int[] next = new int[1];
        for (int s = 1; s < steps; s++) {
            device.decodeAndSample(new KvCache[] {cb}, new int[] {got[s - 1]}, new Sampler[] {sampler}, next);
            got[s] = next[0];
        }
        boolean same = Arrays.equals(want, got);
        return new KernelChecks.Check(label + ": greedy picked on the device, " + steps + " steps", same ? 0
                : Double.POSITIVE_INFINITY, 0, same ? "" : "(CPU " + Arrays.toString(want) + ", device " + Arrays.toString(got) + ")");
    }
}
