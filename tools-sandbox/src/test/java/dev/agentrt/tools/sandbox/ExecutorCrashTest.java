package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * sandbox.md §3.7 case 18: SIGKILL the executor JVM during a call; the guest dies with it, and a
 * restarted executor sweeps the stale slot cgroup before serving.
 */
class ExecutorCrashTest {

    static final String INSTANCE = "test-crash";
    static final int UID_BASE = 62100;

    @Test
    void case18_guestDiesWithTheExecutorAndRestartSweeps() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CrashingExecutorMain.class.getName(),
                INSTANCE, Integer.toString(UID_BASE)).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("STARTED")) {
                // skip log lines
            }
            assertThat(line).isEqualTo("STARTED");
            awaitGuestProcesses(2, 10_000);
            Path staleCgroup = CgroupLayout.detect(INSTANCE).orElseThrow().slotDirs("slot-0").get("memory");
            assertThat(staleCgroup).exists();

            long killedAt = System.nanoTime();
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            List<Long> left = ProcScanner.awaitNoneOf(UID_BASE, 2000);
            long diedMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(left).as("guest processes after the executor died").isEmpty();
            assertThat(diedMs).isLessThan(2000);
            assertThat(staleCgroup).as("the dead executor could not clean up its cgroup").exists();

            SandboxConfig config = SandboxConfig.defaults(INSTANCE).withUidBase(UID_BASE).withSlots(1)
                    .withMinimumTier(Tier.A);
            try (SandboxRuntime restarted = SandboxRuntime.start(config)) {
                assertThat(staleCgroup).as("startup sweep removed the stale cgroup").doesNotExist();
                assertThat(restarted.pool().retired()).isEmpty();
                assertThat(Files.exists(config.baseDir().resolve("slot-0"))).isFalse();
                SandboxRuntime.Execution again = restarted.run(SandboxSpec.of(
                        List.of("/usr/bin/python3", "-I", "-c", "print('served')"), new byte[0], SandboxLimits.defaults()));
                assertThat(again).isInstanceOf(SandboxRuntime.Execution.Ran.class);
                assertThat(new String(((SandboxRuntime.Execution.Ran) again).result().output())).isEqualTo("served\n");
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void startupSweepsCgroupsOfSlotsTheConfigurationNoLongerHas(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        CgroupLayout layout = CgroupLayout.detect(INSTANCE).orElseThrow();
        layout.prepare();
        CallCgroup stale = CallCgroup.create(layout, "slot-7", SandboxLimits.defaults());
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        NativeHelper helper = NativeHelper.extract(dir.resolve("native"));
        List<String> cmd = new java.util.ArrayList<>(List.of(helper.helper().toString(), "run"));
        cmd.addAll(stale.joinOptions());
        cmd.addAll(List.of("--uid", Integer.toString(UID_BASE + 7), "--gid", Integer.toString(UID_BASE + 7), "--",
                "/usr/bin/sleep", "300"));
        Process orphan = new ProcessBuilder(cmd).start();
        while (ProcScanner.processesOf(UID_BASE + 7).isEmpty()) {
            Thread.sleep(10);
        }
        Path staleDir = layout.slotDirs("slot-7").get("memory");
        SandboxConfig config = SandboxConfig.defaults(INSTANCE).withUidBase(UID_BASE).withSlots(1)
                .withMinimumTier(Tier.A);
        try (SandboxRuntime runtime = SandboxRuntime.start(config)) {
            assertThat(staleDir).doesNotExist();
            assertThat(orphan.waitFor(2, TimeUnit.SECONDS)).isTrue();
            assertThat(ProcScanner.awaitNoneOf(UID_BASE + 7, 1000)).isEmpty();
        } finally {
            orphan.destroyForcibly();
        }
    }

    private static void awaitGuestProcesses(int count, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (ProcScanner.processesOf(UID_BASE).size() < count) {
            assertThat(System.nanoTime()).as("guest started in the child executor").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
