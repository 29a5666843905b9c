package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one guest process inside a {@link Containment} and owns everything around it: the empty
 * environment, stdin, the bounded readers, the JVM wall deadline, the CPU budget poll, the kill
 * from outside, the sweep and the verification. Shared by tier A and tier C.
 */
final class GuestExecution {

    private static final String HELPER_ERROR_PREFIX = "agentrt-sandbox-helper: ";
    private static final int HELPER_ERROR_EXIT = 125;
    private static final long CPU_POLL_MS = 10;
    private static final Duration SWEEP_TIMEOUT = Duration.ofSeconds(2);

    private final ScheduledExecutorService scheduler;

    GuestExecution(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    LaunchResult run(List<String> command, SandboxSpec spec, Slot slot, Containment containment, Tier tier) {
        SandboxLimits limits = spec.limits();
        BoundedOutput output = new BoundedOutput(limits.outputBytes());
        AtomicReference<KillReason> killReason = new AtomicReference<>();
        AtomicLong killedAt = new AtomicLong();
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear(); // bwrap's pid 1 would otherwise expose it (sandbox.md)
        builder.directory(slot.dir().toFile());
        Process process = spawn(builder);
        List<ScheduledFuture<?>> timers = new ArrayList<>();
        Thread stdinWriter = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), spec.stdin()));
        Thread stdoutReader = Thread.ofVirtual().start(
                () -> drain(process.getInputStream(), output, () -> kill(killReason, killedAt, KillReason.OUTPUT_CAP, containment)));
        Thread stderrReader = Thread.ofVirtual().start(
                () -> drain(process.getErrorStream(), output, () -> kill(killReason, killedAt, KillReason.OUTPUT_CAP, containment)));
        timers.add(scheduler.schedule(() -> kill(killReason, killedAt, KillReason.WALL_CLOCK, containment),
                limits.wallMs(), TimeUnit.MILLISECONDS));
        long cpuBudgetNanos = limits.cpuMs() * 1_000_000;
        timers.add(scheduler.scheduleAtFixedRate(() -> {
            long used = containment.cpuNanos();
            if (used >= cpuBudgetNanos) {
                kill(killReason, killedAt, KillReason.CPU_BUDGET, containment);
            }
        }, CPU_POLL_MS, CPU_POLL_MS, TimeUnit.MILLISECONDS));

        String sweepProblem = null;
        int exitCode;
        try {
            // The deadline above kills through the containment; this bound only guards a broken kill.
            if (!process.waitFor(limits.wallMs() + 5_000, TimeUnit.MILLISECONDS)) {
                sweepProblem = "guest survived the wall-clock kill";
                containment.killAll();
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
            exitCode = process.isAlive() ? -1 : process.exitValue();
        } catch (InterruptedException e) {
            kill(killReason, killedAt, KillReason.EXECUTOR_SHUTDOWN, containment);
            Thread.currentThread().interrupt();
            exitCode = -1;
        }
        long exitedAt = System.nanoTime();
        timers.forEach(t -> t.cancel(false));
        long cpuNanos = containment.cpuNanos();
        long peak = containment.peakMemoryBytes();
        boolean oom = containment.oomKilled();

        long sweepStart = System.nanoTime();
        containment.killAll();
        boolean empty = containment.awaitEmpty(SWEEP_TIMEOUT);
        joinQuietly(stdoutReader, process.getInputStream());
        joinQuietly(stderrReader, process.getErrorStream());
        joinQuietly(stdinWriter, null);
        List<Long> leftovers = ProcScanner.awaitNoneOf(slot.uid(), 1000);
        containment.close();
        long sweepMs = (System.nanoTime() - sweepStart) / 1_000_000;
        long wallMs = (System.nanoTime() - start) / 1_000_000 - sweepMs;
        if (sweepProblem == null) {
            if (!empty) {
                sweepProblem = "processes left in the call's boundary after the sweep";
            } else if (!leftovers.isEmpty()) {
                sweepProblem = "slot uid " + slot.uid() + " still owns processes "
                        + leftovers.stream().map(ProcScanner::describe).toList();
            } else if (!containment.removed()) {
                sweepProblem = "call cgroup could not be removed";
            }
        }

        byte[] bytes = output.bytes();
        String setupError = null;
        if (exitCode == HELPER_ERROR_EXIT) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.startsWith(HELPER_ERROR_PREFIX)) {
                setupError = text.lines().findFirst().orElse(text);
            }
        }
        int signal = exitCode > 128 && exitCode <= 128 + 64 ? exitCode - 128 : 0;
        // SIGXCPU comes from the RLIMIT_CPU backstop set past the budget. It can fire before the cgroup's exact
        // usage reaches the budget: the rlimit counts tick-sampled user+system time, which in a VM with stolen
        // cycles runs ahead of the scheduler's exact runtime. Either way the guest used up its CPU.
        boolean cpuHit = signal == 24 /* SIGXCPU */ || (cpuNanos >= 0 && cpuNanos >= cpuBudgetNanos);
        return new LaunchResult(exitCode, signal, killReason.get(), oom, cpuHit, bytes, output.overflowed(),
                wallMs, cpuNanos < 0 ? -1 : cpuNanos / 1_000_000, peak, sweepMs,
                killReason.get() == null ? -1 : Math.max(0, (exitedAt - killedAt.get()) / 1_000_000), setupError, List.of(), tier,
                sweepProblem);
    }

    /**
     * The helper asks for SIGKILL when its parent goes away (PR_SET_PDEATHSIG), and Linux means the
     * parent <em>thread</em>. So every guest is spawned from one long-lived platform thread, never
     * from a virtual thread's carrier or a pool thread that may retire while the guest runs.
     */
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("agentrt-sandbox-spawner").factory());

    private static Process spawn(ProcessBuilder builder) {
        try {
            return SPAWNER.submit(builder::start).get();
        } catch (ExecutionException e) {
            throw new SandboxException("cannot start the sandbox helper: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while starting the sandbox helper");
        }
    }

    private static void kill(AtomicReference<KillReason> reason, AtomicLong killedAt, KillReason why,
                             Containment containment) {
        if (reason.compareAndSet(null, why)) {
            killedAt.set(System.nanoTime());
            containment.killAll();
        }
    }

    private static void feed(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException e) {
            // The guest closed stdin or died: not an executor error.
        }
    }

    private static void drain(InputStream in, BoundedOutput output, Runnable onOverflow) {
        byte[] chunk = new byte[16 * 1024];
        boolean full = false;
        try (in) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                if (!full && !output.append(chunk, 0, n)) {
                    full = true;
                    onOverflow.run();
                }
            }
        } catch (IOException e) {
            // stream closed after the sweep
        }
    }

    private static void joinQuietly(Thread thread, InputStream stream) {
        try {
            if (!thread.join(Duration.ofSeconds(1)) && stream != null) {
                stream.close(); // the guest is dead; a pipe can only be held by a process we just killed
                thread.join(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
