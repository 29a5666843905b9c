package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Measures the figures of shared/docs/sandbox.md §3.8 on this machine through the real runtime:
 * kill latency after the wall deadline, the CPU budget and the output cap; OOM kill time; sweep
 * time; spawn overhead against a plain {@code python3 -c pass}.
 */
public final class SandboxBench {

    /** One measured figure. */
    public record Figure(String name, String target, long[] samplesMs) {
        public long percentile(double p) {
            long[] sorted = samplesMs.clone();
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        public String line() {
            return String.format(Locale.ROOT, "%-50s n=%-3d median=%5d ms  p95=%5d ms  max=%5d ms   target %s",
                    name, samplesMs.length, percentile(50), percentile(95), percentile(100), target);
        }
    }

    private static final String PYTHON = "/usr/bin/python3";

    private final SandboxRuntime runtime;
    private final int runs;

    public SandboxBench(SandboxRuntime runtime, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1");
        }
        this.runtime = runtime;
        this.runs = runs;
    }

    public List<Figure> run() {
        if (!runtime.canRunCode()) {
            throw new SandboxException("the sandbox cannot run code on this host (tier " + runtime.tier() + ")");
        }
        SandboxLimits base = SandboxLimits.defaults();
        List<Figure> figures = new ArrayList<>();
        List<LaunchResult> all = new ArrayList<>();

        long[] plain = new long[runs * 2];
        long[] sandboxed = new long[runs * 2];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = plainPythonMs();
            long start = System.nanoTime();
            LaunchResult r = expect(run(List.of(PYTHON, "-I", "-c", "pass"), "", base), null);
            sandboxed[i] = (System.nanoTime() - start) / 1_000_000;
            all.add(r);
        }
        long[] overhead = new long[plain.length];
        Arrays.sort(plain);
        long plainMedian = plain[plain.length / 2];
        for (int i = 0; i < sandboxed.length; i++) {
            overhead[i] = sandboxed[i] - plainMedian;
        }
        figures.add(new Figure("plain python3 -I -c pass (reference)", "-", plain));
        figures.add(new Figure("spawn overhead per call (incl. setup+sweep)", "<= 25 ms median, <= 50 ms p95",
                overhead));

        List<LaunchResult> wall = repeat(() -> expect(run(List.of(PYTHON, "-I", "-c", "import time; time.sleep(1000)"),
                "", base.withWallMs(1000)), KillReason.WALL_CLOCK));
        figures.add(figure("kill latency after wall deadline (kill->exit)", "<= 250 ms p99", wall,
                LaunchResult::killToExitMs));
        figures.add(figure("wall kill: exit beyond the deadline (timer incl.)", "<= 250 ms p99", wall,
                r -> r.wallMs() - 1000));
        all.addAll(wall);

        List<LaunchResult> bomb = repeat(() -> expect(run(List.of(PYTHON, "-I", "-c",
                "import os, time\nwhile True:\n    try: os.fork()\n    except OSError: time.sleep(0.01)"),
                "", base.withWallMs(1000)), KillReason.WALL_CLOCK));
        figures.add(figure("wall kill of a 64-process fork bomb", "<= 250 ms p99", bomb,
                r -> r.killToExitMs() + r.sweepMs()));
        all.addAll(bomb);

        List<LaunchResult> cpu = repeat(() -> expect(run(List.of(PYTHON, "-I", "-c", "while True: pass"), "",
                base.withCpuMs(1000)), KillReason.CPU_BUDGET));
        figures.add(figure("kill latency after CPU budget", "(part of budget + 200 ms)", cpu,
                LaunchResult::killToExitMs));
        figures.add(figure("CPU budget kill: CPU used beyond the budget", "(poll every 10 ms)", cpu,
                r -> r.cpuMs() - 1000));
        figures.add(figure("CPU budget kill: wall beyond the budget", "<= budget + 200 ms uncontended", cpu,
                r -> r.wallMs() - 1000));
        all.addAll(cpu);

        List<LaunchResult> output = repeat(() -> expect(run(List.of(PYTHON, "-I", "-c",
                "import sys\nwhile True: sys.stdout.write('x' * 65536)"), "", base), KillReason.OUTPUT_CAP));
        figures.add(figure("kill latency after output cap", "<= 100 ms", output, LaunchResult::killToExitMs));
        all.addAll(output);

        List<Long> afterLastStep = new ArrayList<>();
        List<LaunchResult> oom = repeat(() -> {
            long startedAtMs = System.currentTimeMillis();
            LaunchResult r = run(List.of(PYTHON, "-I", "-c", "import time\nchunks = []\nwhile True:\n"
                    + "    chunks.append(bytearray(64 * 2**20))\n    print(int(time.time() * 1000), flush=True)"), "", base);
            if (!r.oomKilled()) {
                throw new SandboxException("gradual allocation was not OOM-killed: exit " + r.exitCode());
            }
            // The guest prints the host clock after each completed 64 MiB step; the limit is crossed
            // during the next one. Exit time = start + wall (same clock, a few ms of slack).
            String[] lines = new String(r.output(), StandardCharsets.UTF_8).trim().split("\n");
            long lastStepMs = Long.parseLong(lines[lines.length - 1].trim());
            afterLastStep.add(startedAtMs + r.wallMs() - lastStepMs);
            return r;
        });
        figures.add(figure("OOM kill (total run time)", "-", oom, LaunchResult::wallMs));
        figures.add(new Figure("OOM kill after the last completed 64 MiB step", "< 1 s from crossing the limit",
                afterLastStep.stream().mapToLong(Long::longValue).toArray()));
        all.addAll(oom);

        figures.add(figure("sweep after every call", "< 200 ms", all, LaunchResult::sweepMs));
        return figures;
    }

    private List<LaunchResult> repeat(java.util.function.Supplier<LaunchResult> call) {
        List<LaunchResult> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            results.add(call.get());
        }
        return results;
    }

    private static Figure figure(String name, String target, List<LaunchResult> results, ToLongFunction<LaunchResult> f) {
        return new Figure(name, target, results.stream().mapToLong(f).toArray());
    }

    private LaunchResult run(List<String> argv, String stdin, SandboxLimits limits) {
        SandboxRuntime.Execution execution = runtime.run(SandboxSpec.of(argv, stdin.getBytes(StandardCharsets.UTF_8),
                limits));
        if (execution instanceof SandboxRuntime.Execution.Ran ran) {
            if (ran.result().sweepProblem() != null) {
                throw new SandboxException("slot not clean after a bench call: " + ran.result().sweepProblem());
            }
            return ran.result();
        }
        throw new SandboxException("bench call did not run: " + execution);
    }

    private static LaunchResult expect(LaunchResult r, KillReason reason) {
        if (r.killReason() != reason || r.setupError() != null) {
            throw new SandboxException("bench call ended unexpectedly: kill " + r.killReason() + ", exit " + r.exitCode()
                    + (r.setupError() != null ? ", " + r.setupError() : ""));
        }
        return r;
    }

    private static long plainPythonMs() {
        long start = System.nanoTime();
        try {
            ProcessBuilder builder = new ProcessBuilder(PYTHON, "-I", "-c", "pass");
            builder.environment().clear();
            Process p = builder.redirectErrorStream(true).start();
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new SandboxException("plain python3 failed");
            }
        } catch (IOException e) {
            throw new SandboxException("cannot run plain python3: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted");
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
