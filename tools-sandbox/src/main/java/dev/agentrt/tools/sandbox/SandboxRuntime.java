package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * The executor's sandbox: probes once at startup, records the tier, holds the slot pool and
 * launcher, sweeps what a previous run left behind, and runs specs. Code runs only through a
 * launcher whose tier is at least the configured minimum; otherwise every run answers
 * {@link Execution.Unavailable} (fail closed).
 */
public final class SandboxRuntime implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SandboxRuntime.class.getName());

    /** The answer to one run request. */
    public sealed interface Execution {
        record Ran(LaunchResult result) implements Execution {
        }

        /** All slots are in use: retriable. */
        record Busy(int slots) implements Execution {
        }

        record Unavailable(Tier tier, String reason) implements Execution {
        }

        /** The sandbox itself failed for this call (not the guest); the slot was retired. */
        record Failed(Tier tier, String reason) implements Execution {
        }
    }

    private final SandboxConfig config;
    private final ProbeFacts facts;
    private final Tier tier;
    private final Launcher launcher; // null when below the minimum tier
    private final SlotPool pool;
    private final ScheduledExecutorService scheduler;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final java.util.concurrent.atomic.AtomicLong launches = new java.util.concurrent.atomic.AtomicLong();

    private SandboxRuntime(SandboxConfig config, ProbeFacts facts, Tier tier, Launcher launcher, SlotPool pool,
                           ScheduledExecutorService scheduler, FileChannel lockChannel, FileLock lock) {
        this.config = config;
        this.facts = facts;
        this.tier = tier;
        this.launcher = launcher;
        this.pool = pool;
        this.scheduler = scheduler;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Starts with the real probe. */
    public static SandboxRuntime start(SandboxConfig config) {
        return start(config, (cfg, helper) -> SandboxProbe.probe(cfg, helper));
    }

    /** Starts with the given probe (tests force its answers). */
    public static SandboxRuntime start(SandboxConfig config, BiFunction<SandboxConfig, NativeHelper, ProbeFacts> probe) {
        prepareBaseDir(config.baseDir());
        FileChannel channel = null;
        FileLock lock;
        try {
            channel = FileChannel.open(config.baseDir().resolve("instance.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by another runtime in this JVM
            }
            if (lock == null) {
                channel.close();
                throw new SandboxException("sandbox instance '" + config.instance() + "' is in use by another executor");
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SandboxException("cannot lock " + config.baseDir() + ": " + e.getMessage(), e);
        }
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2,
                Thread.ofPlatform().daemon().name("agentrt-sandbox-clock-", 0).factory());
        scheduler.setRemoveOnCancelPolicy(true);
        KubernetesPodLauncher kubernetes = null;
        try {
            ProbeFacts facts;
            Tier tier;
            Launcher launcher = null;
            if (config.kubernetes() != null) {
                // Tier B by configuration only: the host is not probed and never used as a fallback.
                KubernetesPodLauncher pods = new KubernetesPodLauncher(config.kubernetes(), config.instance());
                kubernetes = pods;
                facts = checkKubernetes(pods);
                tier = TierSelector.select(facts);
                if (tier.atLeast(config.minimumTier()) && tier == Tier.B) {
                    launcher = pods;
                } else {
                    pods.close();
                }
            } else {
                NativeHelper helper = NativeHelper.extract(config.baseDir().resolve("native"));
                facts = probe.apply(config, helper);
                tier = TierSelector.select(facts);
                if (tier.atLeast(config.minimumTier()) && tier.runsGuests()) {
                    launcher = switch (tier) {
                        case A -> new BubblewrapLauncher(config.bwrap(), helper,
                                CgroupLayout.detect(config.instance()).orElseThrow(
                                        () -> new SandboxException("cgroup layout vanished after the probe")),
                                scheduler);
                        case C -> new LandlockLauncher(helper, scheduler);
                        default -> throw new SandboxException("tier " + tier + " has no local launcher");
                    };
                }
            }
            List<Slot> slots = new ArrayList<>();
            for (int i = 0; i < config.slots(); i++) {
                slots.add(new Slot(i, config.uidBase() + i, config.baseDir().resolve("slot-" + i)));
            }
            SlotPool pool = new SlotPool(slots);
            SandboxRuntime runtime = new SandboxRuntime(config, facts, tier, launcher, pool, scheduler, channel, lock);
            runtime.sweepStaleSlots(slots);
            LOG.info(() -> "sandbox '" + config.instance() + "' tier " + tier + " (" + tier.description() + "); "
                    + facts.detail() + (runtime.launcher == null
                    ? "; code execution DISABLED (minimum tier " + config.minimumTier() + ")" : ""));
            return runtime;
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            if (kubernetes != null) {
                kubernetes.close();
            }
            closeQuietly(channel);
            throw e;
        }
    }

    private static ProbeFacts checkKubernetes(KubernetesPodLauncher pods) {
        try {
            return ProbeFacts.kubernetes(true, pods.check());
        } catch (SandboxException e) {
            pods.close();
            return ProbeFacts.kubernetes(false, "tier B is configured (" + pods.settings().describe()
                    + ") but unusable: " + e.getMessage());
        }
    }

    private static void prepareBaseDir(Path baseDir) {
        try {
            if (!Files.exists(baseDir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(baseDir);
            }
            if (!Files.isDirectory(baseDir, LinkOption.NOFOLLOW_LINKS)) {
                throw new SandboxException("sandbox base dir is not a directory (or is a symlink): " + baseDir);
            }
            if (SandboxProbe.isRoot()) {
                Files.setAttribute(baseDir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(baseDir, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
            }
            // Slot uids may traverse to their own directory, never list or create here.
            Files.setPosixFilePermissions(baseDir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new SandboxException("cannot prepare sandbox base dir " + baseDir + ": " + e.getMessage(), e);
        }
    }

    /** Kills whatever a previous (crashed) executor left in our slots, then wipes their directories. */
    private void sweepStaleSlots(List<Slot> slots) {
        if (launcher instanceof BubblewrapLauncher bubblewrap) {
            bubblewrap.sweepUnknownSlots(slots.stream().map(Slot::cgroupName).collect(java.util.stream.Collectors.toSet()));
        } else if (launcher instanceof KubernetesPodLauncher pods) {
            pods.sweepUnknownSlots(slots.stream().map(RunnerPod::slotLabel).collect(java.util.stream.Collectors.toSet()));
        }
        for (Slot slot : slots) {
            try {
                if (launcher != null) {
                    launcher.sweepStale(slot);
                }
                SlotWorkspace.wipe(slot);
                if (!ProcScanner.processesOf(slot.uid()).isEmpty()) {
                    throw new SandboxException("uid " + slot.uid() + " still owns processes");
                }
            } catch (SandboxException e) {
                pool.retire(slot, "startup sweep failed: " + e.getMessage());
                removeFromPool(slot);
            }
        }
    }

    private void removeFromPool(Slot bad) {
        List<Slot> kept = new ArrayList<>();
        Optional<Slot> next;
        while ((next = pool.tryAcquire()).isPresent()) {
            if (!next.get().equals(bad)) {
                kept.add(next.get());
            }
        }
        kept.forEach(pool::release);
    }

    public Execution run(SandboxSpec spec) {
        if (launcher == null) {
            return new Execution.Unavailable(tier, "sandbox tier " + tier + " is below the required minimum "
                    + config.minimumTier() + " (" + facts.detail() + ")");
        }
        Optional<Slot> acquired = pool.tryAcquire();
        if (acquired.isEmpty()) {
            return new Execution.Busy(pool.capacity());
        }
        Slot slot = acquired.get();
        LaunchResult result;
        launches.incrementAndGet();
        try {
            result = launcher.run(spec, slot);
            // Tier B's workspace lives and dies with its runner pod: no files to harvest here.
            if (spec.harvest() != null && result.sweepProblem() == null && launcher.tier() != Tier.B) {
                WorkspaceHarvester.Harvest harvest = WorkspaceHarvester.harvest(slot.workDir(), spec.harvest());
                result = withFiles(result, harvest.files());
            }
        } catch (RuntimeException e) {
            retireOrWipe(slot, "sandbox failure: " + e.getMessage());
            return new Execution.Failed(tier, e.getMessage());
        }
        if (result.sweepProblem() != null) {
            pool.retire(slot, result.sweepProblem());
        } else {
            retireOrWipe(slot, null);
        }
        return new Execution.Ran(result);
    }

    private void retireOrWipe(Slot slot, String problem) {
        if (problem != null) {
            pool.retire(slot, problem);
            return;
        }
        try {
            SlotWorkspace.wipe(slot);
            pool.release(slot);
        } catch (SandboxException e) {
            pool.retire(slot, e.getMessage());
        }
    }

    private static LaunchResult withFiles(LaunchResult r, List<HarvestedFile> files) {
        return new LaunchResult(r.exitCode(), r.signal(), r.killReason(), r.oomKilled(), r.cpuLimitHit(), r.output(),
                r.outputCapHit(), r.wallMs(), r.cpuMs(), r.peakMemoryBytes(), r.sweepMs(), r.killToExitMs(), r.setupError(), files,
                r.tier(), r.sweepProblem());
    }

    /** How many guest launches this runtime has started (audit and tests: no sandbox for a bad call). */
    public long launches() {
        return launches.get();
    }

    public Tier tier() {
        return tier;
    }

    public ProbeFacts facts() {
        return facts;
    }

    public boolean canRunCode() {
        return launcher != null;
    }

    public SlotPool pool() {
        return pool;
    }

    public SandboxConfig config() {
        return config;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        if (launcher != null) {
            launcher.close();
        }
        try {
            lock.release();
        } catch (IOException e) {
            // the channel close below releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
