package dev.agentrt.tools.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Executor-wide sandbox settings.
 *
 * @param instance     names this executor's cgroups, slot directories and lock; two executors on
 *                     one host need distinct instances and distinct uid ranges
 * @param uidBase      slot n runs as uid {@code uidBase + n}
 * @param slots        concurrency limit
 * @param baseDir      root-owned directory on tmpfs holding the helper and the slot directories
 * @param bwrap        bubblewrap binary
 * @param minimumTier  below this tier, code-running tools answer SANDBOX_UNAVAILABLE
 * @param kubernetes   null: probe this host for tier A, C or D. Set: tier B, runner pods on Kubernetes
 *                     ({@link KubernetesPodLauncher}); the local probe is then not run, and if the
 *                     Kubernetes check fails the executor is at tier D (never a local fallback)
 */
public record SandboxConfig(String instance, int uidBase, int slots, Path baseDir, Path bwrap, Tier minimumTier,
                            KubernetesSettings kubernetes) {

    public SandboxConfig {
        if (instance == null || !instance.matches("[a-z0-9][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("instance must match [a-z0-9][a-z0-9-]{0,31}: " + instance);
        }
        if (uidBase < 1000 || uidBase + slots > 65533) {
            throw new IllegalArgumentException("slot uids must lie in [1000, 65533): base " + uidBase);
        }
        if (slots < 1 || slots > 256) {
            throw new IllegalArgumentException("slots must be in [1, 256]: " + slots);
        }
        if (!baseDir.isAbsolute()) {
            throw new IllegalArgumentException("baseDir must be absolute: " + baseDir);
        }
        if (minimumTier == null) {
            throw new IllegalArgumentException("minimumTier must not be null");
        }
    }

    public SandboxConfig(String instance, int uidBase, int slots, Path baseDir, Path bwrap, Tier minimumTier) {
        this(instance, uidBase, slots, baseDir, bwrap, minimumTier, null);
    }

    /** Defaults: 2 slots per CPU, uids from 61000, base dir on /dev/shm (tmpfs), minimum tier C. */
    public static SandboxConfig defaults(String instance) {
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        int slots = Math.min(16, Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));
        return new SandboxConfig(instance, 61000, slots, parent.resolve("agentrt-sandbox-" + instance),
                Path.of("/usr/bin/bwrap"), Tier.C);
    }

    public SandboxConfig withUidBase(int value) {
        return new SandboxConfig(instance, value, slots, baseDir, bwrap, minimumTier, kubernetes);
    }

    public SandboxConfig withSlots(int value) {
        return new SandboxConfig(instance, uidBase, value, baseDir, bwrap, minimumTier, kubernetes);
    }

    public SandboxConfig withMinimumTier(Tier value) {
        return new SandboxConfig(instance, uidBase, slots, baseDir, bwrap, value, kubernetes);
    }

    /** Tier B: runner pods through this Kubernetes API (null: back to the local probe). */
    public SandboxConfig withKubernetes(KubernetesSettings value) {
        return new SandboxConfig(instance, uidBase, slots, baseDir, bwrap, minimumTier, value);
    }

    /** The uid the probe uses for its trial sandbox: one past the last slot, never a slot's own. */
    public int probeUid() {
        return uidBase + slots;
    }
}
