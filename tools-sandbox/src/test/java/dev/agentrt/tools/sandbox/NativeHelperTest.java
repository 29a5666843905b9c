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
    void rlimitsAreApplied() throws Exception {
        Result r = helper("run", "--rlimit", "nofile=32:32", "--rlimit", "fsize=4096:4096", "--uid",
                Integer.toString(UID), "--gid", Integer.toString(UID), "--", "/usr/bin/python3", "-I", "-c",
                "import resource\nprint(resource.getrlimit(resource.RLIMIT_NOFILE), resource.getrlimit(resource.RLIMIT_FSIZE))");
        assertThat(r.output()).isEqualTo("(32, 32) (4096, 4096)\n");
        assertThat(helper("run", "--rlimit", "stack=1:1", "--", "/usr/bin/true").output()).contains("unknown rlimit");
    }
}
