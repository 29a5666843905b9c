package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tier C's boundary: no cgroup, so a call is "every process of the slot uid". Killing is
 * {@code kill(-1, SIGKILL)} performed as that uid by the helper, which reaches exactly those
 * processes however they daemonised.
 */
final class UidContainment implements Containment {

    private final NativeHelper helper;
    private final int uid;

    UidContainment(NativeHelper helper, int uid) {
        this.helper = helper;
        this.uid = uid;
    }

    @Override
    public List<String> joinOptions() {
        return List.of();
    }

    @Override
    public void killAll() {
        killUid(helper, uid);
    }

    static void killUid(NativeHelper helper, int uid) {
        try {
            Process process = new ProcessBuilder(helper.helper().toString(), "kill-uid", Integer.toString(uid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new SandboxException("kill-uid " + uid + " did not finish");
            }
        } catch (IOException e) {
            throw new SandboxException("cannot run kill-uid: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while sweeping uid " + uid);
        }
    }

    @Override
    public boolean awaitEmpty(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ProcScanner.processesOf(uid).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            killAll();
        }
        return true;
    }

    @Override
    public long cpuNanos() {
        return -1;
    }

    @Override
    public long peakMemoryBytes() {
        return -1;
    }

    @Override
    public boolean oomKilled() {
        return false;
    }

    @Override
    public void close() {
    }

    @Override
    public boolean removed() {
        return true;
    }
}
