package dev.agentrt.engine.cuda.check;

import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.engine.cuda.CudaEngine;
import dev.agentrt.engine.cuda.CudaGpu;
import dev.agentrt.engine.cuda.CudaProbe;
import dev.agentrt.engine.cuda.CudaUnavailableException;
import dev.agentrt.engine.cuda.EmulatedGpu;
import dev.agentrt.engine.cuda.Gpu;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.synth.SynthPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-shot GPU check ({@code ops/gpu/check}), run on the device machine from the packed folder, without Maven or
 * JUnit:
 * <ol>
 *   <li>every kernel against its CPU twin ({@link KernelChecks}, the same comparisons as the unit tests);</li>
 *   <li>full-model parity with the CPU engine ({@link ModelParity}) on tiny-full and on the mid-size synthetic
 *       checkpoint: logits within 1e-3 relative (float32 KV cache), the same greedy tokens; BF16 KV for information;</li>
 *   <li>the benchmark on a synthetic gpt-oss-20b written on the device ({@link GpuBench}).</li>
 * </ol>
 * The report goes to {@code OUT/gpu-check-report.md} as it is written. Exit 0 when every check passed, 1 when one
 * failed, 2 when there is no usable GPU. {@code --dry-run} runs the kernel checks and tiny-1k parity on the kernel
 * emulator instead ({@code --emulator LIB}), for trying the check where there is no GPU.
 *
 * <pre>DeviceCheck [--out DIR] [--work DIR] [--dry-run --emulator LIB] [--skip-bench] [--skip-mid] [--decode-steps N]</pre>
 */
public final class DeviceCheck {
    private DeviceCheck() {
    }

    public static void main(String[] argv) throws Exception {
        Path out = Path.of(System.getenv().getOrDefault("OUT", "ops/gpu/out"));
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "agentrt-gpu-check");
        Path emulator = null;
        boolean dryRun = false;
        boolean skipBench = false;
        boolean skipMid = false;
        int decodeSteps = 128;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--out" -> out = Path.of(argv[++i]);
                case "--work" -> work = Path.of(argv[++i]);
                case "--emulator" -> emulator = Path.of(argv[++i]);
                case "--dry-run" -> dryRun = true;
                case "--skip-bench" -> skipBench = true;
                case "--skip-mid" -> skipMid = true;
                case "--decode-steps" -> decodeSteps = Integer.parseInt(argv[++i]);
                default -> {
                    System.err.println("usage: DeviceCheck [--out DIR] [--work DIR] [--dry-run --emulator LIB] "
                            + "[--skip-bench] [--skip-mid] [--decode-steps N]");
                    System.exit(2);
                }
            }
        }
        System.exit(run(out, work, emulator, dryRun, skipBench, skipMid, decodeSteps));
    }

    static int run(Path out, Path work, Path emulator, boolean dryRun, boolean skipBench, boolean skipMid, int decodeSteps)
            throws Exception {
        Files.createDirectories(out);
        Files.createDirectories(work);
        Report report = new Report(out.resolve("gpu-check-report.md"), System.out);
        report.line("# agentrt GPU check");
        report.line("");
        report.line("started %s; Java %s (%s), %d CPU cores, max heap %.1f GiB", Instant.now(), Runtime.version(),
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30));
        long start = System.nanoTime();
        Gpu gpu;
        if (dryRun) {
            if (emulator == null) {
                emulator = EmulatedGpu.library().orElse(null);
            }
            if (emulator == null || !Files.isRegularFile(emulator)) {
                report.line("dry run: no kernel emulator (pass --emulator PATH to libagentrt_cuda_emu.so)");
                return 2;
            }
            gpu = EmulatedGpu.open(emulator);
            report.line("DRY RUN on the kernel emulator (CPU): correctness only, no GPU, no benchmark");
        } else {
            CudaProbe.Result probe = CudaProbe.probe();
            if (!probe.available()) {
                report.line("no usable GPU: %s", probe.reason());
                return 2;
            }
            try {
                gpu = CudaGpu.open(0);
            } catch (CudaUnavailableException e) {
                report.line("no usable GPU: %s", e.getMessage());
                return 2;
            }
        }
        report.line("device: %s", gpu.name());
        try (gpu) {
            report.section("1. Kernels against their CPU twins");
            long t0 = System.nanoTime();
            try (KernelChecks k = new KernelChecks(gpu, 20240607L)) {
                for (KernelChecks.Check c : k.all()) {
                    report.check(c);
                }
            } catch (RuntimeException e) {
                report.failure("kernel checks stopped: " + e);
            }
            report.line("    (%.1f s)", (System.nanoTime() - t0) / 1e9);

            report.section("2. Full model against the CPU engine");
            List<Object[]> models = new ArrayList<>();
            if (dryRun) {
                models.add(new Object[] {SynthPreset.TINY_1K, 45, 10, 3});
            } else {
                models.add(new Object[] {SynthPreset.TINY_FULL, 300, 16, 4});
                if (!skipMid) {
                    models.add(new Object[] {SynthPreset.MID, 200, 8, 4});
                }
            }
            for (Object[] m : models) {
                parity(gpu, report, work, (SynthPreset) m[0], (int) m[1], (int) m[2], (int) m[3], dryRun);
            }

            if (!skipBench) {
                GpuBench.Plan plan = dryRun
                        ? new GpuBench.Plan(SynthPreset.TINY_1K, 40, 8, new int[] {2, 4}, 4, 8, 64L << 20)
                        : new GpuBench.Plan(SynthPreset.GPT_OSS_20B, 1024, decodeSteps, new int[] {16, 64}, 32, 128, 2L << 30);
                report.section("3. Benchmark: synthetic " + (dryRun ? "tiny-1k on the emulator (the code path only: "
                        + "the numbers mean nothing)" : "gpt-oss-20b (random weights, exact shapes)"));
                try {
                    new GpuBench(gpu, report).run(work.resolve(plan.preset().label()), plan);
                } catch (RuntimeException e) {
                    report.failure("benchmark stopped: " + e);
                }
            }
        } catch (RuntimeException | Error e) {
            report.failure("the check stopped: " + e);
        }
        report.section("Summary");
        report.line("%d checks passed, %d failed; %.0f s in all", report.passed(), report.failed(),
                (System.nanoTime() - start) / 1e9);
        return report.failed() == 0 ? 0 : 1;
    }

    private static void parity(Gpu gpu, Report report, Path work, SynthPreset preset, int prompt, int steps, int batch,
                               boolean dryRun) {
        long t0 = System.nanoTime();
        try {
            Path dir = work.resolve(preset.label());
            GpuBench.synth(preset, dir, report);
            try (Checkpoint ck = Checkpoint.open(dir); CpuEngine cpu = new CpuEngine(ck.weights())) {
                CudaEngine.Options exact = CudaEngine.Options.defaults().withMaxBatch(batch).withMaxContext(512)
                        .withPrefillChunk(dryRun ? 16 : 128).withKvBf16(false);
                try (CudaEngine engine = new CudaEngine(gpu, ck.weights(), exact)) {
                    for (KernelChecks.Check c : new ModelParity(cpu, engine, 1e-3).run(preset.label() + ", float32 KV",
                            prompt, steps, batch)) {
                        report.check(c);
                    }
                }
                try (CudaEngine engine = new CudaEngine(gpu, ck.weights(), exact.withKvBf16(true))) {
                    ModelParity p = new ModelParity(cpu, engine, 2e-2);
                    report.info(p.prefill(preset.label() + ", BF16 KV", ModelParity.prompt(prompt, ck.config().vocabSize(), 7)));
                }
            }
        } catch (RuntimeException | java.io.IOException e) {
            report.failure(preset.label() + " parity stopped: " + e);
        }
        report.line("    (%s: %.1f s)", preset.label(), (System.nanoTime() - t0) / 1e9);
    }
}
