package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The C helper on its own: each layer it applies, and its refusals. */
class NativeHelperTest {

    static final int UID = 62460;
    static NativeHelper helper;
    @org.junit.jupiter.api.io.TempDir
    static Path dir;

    @BeforeAll
    static void extract() throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        helper = NativeHelper.extract(dir.resolve("native"));
    }

    record Result(int exit, String output) {
    }

    static Result helper(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(helper.helper().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().clear();
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void probeReportsLandlockAndSeccomp() throws Exception {
        Result r = helper("probe");
        assertThat(r.exit()).isZero();
        assertThat(r.output()).containsPattern("landlock_abi=\\d+\\nseccomp=[01]\\n");
    }

    @Test
    void refusesToRunGuestsAsRoot() throws Exception {
        Result r = helper("run", "--uid", "0", "--gid", "0", "--", "/usr/bin/true");
        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.output()).contains("refusing to run a guest as root");
    }

    @Test
    void refusesCgroupPathsOutsideTheCgroupFilesystem() throws Exception {
        Result r = helper("run", "--cgroup-procs", "/tmp/cgroup.procs", "--", "/usr/bin/true");
        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.output()).contains("outside /sys/fs/cgroup");
        r = helper("run", "--cgroup-procs", "/sys/fs/cgroup/../../tmp/x", "--", "/usr/bin/true");
        assertThat(r.exit()).isEqualTo(125);
    }

    @Test
    void unknownOptionsAndMissingCommandAreErrors() throws Exception {
        assertThat(helper("run", "--bogus", "x", "--", "/usr/bin/true").exit()).isEqualTo(125);
        assertThat(helper("run", "--uid", "62460").exit()).isEqualTo(125);
        assertThat(helper("nonsense").exit()).isEqualTo(2);
    }

    @Test
    void dropsToTheSlotUidWithNoCapabilitiesAndNoNewPrivs() throws Exception {
        Result r = helper("run", "--uid", Integer.toString(UID), "--gid", Integer.toString(UID), "--",
                "/usr/bin/python3", "-I", "-c",
                "import os\nst = open('/proc/self/status').read()\n"
                        + "print(os.getuid(), os.getgid(), os.getgroups(), [l for l in st.splitlines() if l.startswith(('CapEff', 'CapBnd', 'NoNewPrivs'))])");
        assertThat(r.exit()).isZero();
        assertThat(r.output()).startsWith(UID + " " + UID + " [] ")
                .contains("CapEff:\\t0000000000000000").contains("CapBnd:\\t0000000000000000")
                .contains("NoNewPrivs:\\t1");
    }

    @Test
    void seccompFilterDeniesInetSocketsAndNamespaces() throws Exception {
        Result r = helper("run", "--uid", Integer.toString(UID), "--gid", Integer.toString(UID),
                "--seccomp-file", helper.seccompFilter().toString(), "--", "/usr/bin/python3", "-I", "-c", """
                        import ctypes, errno, socket
                        for fam in (socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK, socket.AF_PACKET):
                            try: socket.socket(fam, socket.SOCK_DGRAM if fam != socket.AF_PACKET else socket.SOCK_RAW); print("open", fam)
                            except OSError as e: print("denied", fam, errno.errorcode[e.errno])
                        socket.socket(socket.AF_UNIX).close(); print("unix ok")
                        libc = ctypes.CDLL(None, use_errno=True)
                        print("unshare", libc.unshare(0x10000000), errno.errorcode[ctypes.get_errno()])
                        """);
        assertThat(r.exit()).isZero();
        assertThat(r.output()).doesNotContain("open ").contains("unix ok").contains("unshare -1 EPERM")
                .containsPattern("denied 2 EAFNOSUPPORT").containsPattern("denied 10 EAFNOSUPPORT");
    }

    @Test
    void landlockConfinesFilesystemAccessAndRefusesAnAbiTooOld() throws Exception {
        Result r = helper("run", "--uid", Integer.toString(UID), "--gid", Integer.toString(UID),
                "--landlock-rx", "/usr", "--landlock-min-abi", "1", "--", "/usr/bin/python3", "-I", "-c",
                "try:\n    open('/etc/hostname').read(); print('read')\nexcept OSError as e:\n    print('denied', e.errno)");
        assertThat(r.exit()).isZero();
        assertThat(r.output()).isEqualTo("denied 13\n");
        Result tooOld = helper("run", "--landlock-rx", "/usr", "--landlock-min-abi", "99", "--", "/usr/bin/true");
        assertThat(tooOld.exit()).isEqualTo(125);
        assertThat(tooOld.output()).contains("landlock ABI too old");
    }

    @Test
    void stdinFileFeedsTheGuestThroughSymlinksAsKubernetesSecretVolumesLayThemOut() throws Exception {
        // A Secret volume: <mount>/stdin -> ..data/stdin, ..data -> ..<timestamp>/
        Path mount = Files.createDirectories(dir.resolve("secret-volume"));
        Path version = Files.createDirectories(mount.resolve("..2026_11_28_04_00_00.000000001"));
        Files.writeString(version.resolve("stdin"), "import sys\nprint('program from the secret', sys.argv[1:])\n");
        Files.createSymbolicLink(mount.resolve("..data"), Path.of(version.getFileName().toString()));
        Files.createSymbolicLink(mount.resolve("stdin"), Path.of("..data/stdin"));
        for (Path p : List.of(dir.resolve("secret-volume"), version)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(version.resolve("stdin"), java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        Result r = helper("run", "--uid", Integer.toString(UID), "--gid", Integer.toString(UID),
                "--stdin-file", mount.resolve("stdin").toString(), "--", "/usr/bin/python3", "-I", "-u", "-", "x");
        assertThat(r.exit()).isZero();
        assertThat(r.output()).isEqualTo("program from the secret ['x']\n");
    }

    @Test
    void stdinFileMustBeARegularFileTheGuestUidCanRead() throws Exception {
        Result directory = helper("run", "--stdin-file", dir.toString(), "--", "/usr/bin/true");
        assertThat(directory.exit()).isEqualTo(125);
        assertThat(directory.output()).contains("stdin-file is not a regular file");
        Path secret = dir.resolve("root-only");
        Files.writeString(secret, "print('must not run')");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Result unreadable = helper("run", "--uid", Integer.toString(UID), "--gid", Integer.toString(UID),
                "--stdin-file", secret.toString(), "--", "/usr/bin/python3", "-I", "-");
        assertThat(unreadable.exit()).isEqualTo(125);
        assertThat(unreadable.output()).contains("stdin-file open").contains("Permission denied");
    }

    @Test
    void initKeepsTheGuestOffPid1SoKernelSignalsStillKill() throws Exception {
        // As pid 1 of a fresh pid namespace (a container's main process) the guest would survive its own
        // SIGXCPU: the kernel drops signals without a handler for a namespace's init.
        String selfXcpu = "import os, signal\nos.kill(os.getpid(), signal.SIGXCPU)\nprint('survived', os.getpid())";
        Result asPid1 = unshared("run", "--", "/usr/bin/python3", "-I", "-c", selfXcpu);
        assertThat(asPid1.output()).isEqualTo("survived 1\n");
        Result withInit = unshared("run", "--init", "--", "/usr/bin/python3", "-I", "-c", selfXcpu);
        assertThat(withInit.exit()).as("128 + SIGXCPU").isEqualTo(152);
        assertThat(withInit.output()).doesNotContain("survived");
        // RLIMIT_CPU's soft limit now ends it (SIGXCPU), not only the hard limit's SIGKILL a second later.
        Result cpu = unshared("run", "--init", "--rlimit", "cpu=1:3", "--", "/usr/bin/python3", "-I", "-c", "while True: pass");
        assertThat(cpu.exit()).isEqualTo(152);
        // Exit codes pass through; orphans are reaped; setup errors of the child keep exit 125.
        assertThat(unshared("run", "--init", "--", "/usr/bin/sh", "-c", "(sleep 0.2 &) ; exit 7").exit()).isEqualTo(7);
        Result missing = unshared("run", "--init", "--", "/nonexistent/guest");
        assertThat(missing.exit()).isEqualTo(125);
        assertThat(missing.output()).contains("execve /nonexistent/guest");
    }

    /** The helper as pid 1 of a new pid namespace, the way a container runs its command. */
    static Result unshared(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/unshare", "--pid", "--fork", "--kill-child",
                helper.helper().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().clear();
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void rlimitsAreApplied() throws Exception {
        Result r = helper("run", "--rlimit", "nofile=32:32", "--rlimit", "fsize=4096:4096", "--uid",
                Integer.toString(UID), "--gid", Integer.toString(UID), "--", "/usr/bin/python3", "-I", "-c",
                "import resource\nprint(resource.getrlimit(resource.RLIMIT_NOFILE), resource.getrlimit(resource.RLIMIT_FSIZE))");
        assertThat(r.output()).isEqualTo("(32, 32) (4096, 4096)\n");
        assertThat(helper("run", "--rlimit", "stack=1:1", "--", "/usr/bin/true").output()).contains("unknown rlimit");
    }
}
