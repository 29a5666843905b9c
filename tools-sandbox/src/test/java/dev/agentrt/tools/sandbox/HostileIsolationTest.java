package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** sandbox.md §3.7 cases 12-17: secrets, filesystem, network, escape and leftover processes. */
class HostileIsolationTest {

    static SandboxFixture sandbox;
    static final SandboxLimits LIMITS = SandboxLimits.defaults().withWallMs(5000);
    static final String CANARY = "CANARY-" + UUID.randomUUID();
    static Path secretFile;

    @BeforeAll
    static void start() throws IOException {
        sandbox = new SandboxFixture(2, RoutesConfig.defaults());
        // Stands in for the executor's config and credential files (root-only, like real ones).
        secretFile = Files.createTempFile("agentrt-executor-credentials", ".properties",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secretFile, "kafka.password=" + CANARY + "\n");
    }

    @AfterAll
    static void stop() throws IOException {
        sandbox.close();
        Files.deleteIfExists(secretFile);
    }

    /** Python that tries every path and prints "path: OK <content>" or "path: <ErrorClass>". */
    private static String probePaths(String... paths) {
        StringBuilder code = new StringBuilder("import os\nfor p in [");
        for (String p : paths) {
            code.append('"').append(p).append("\",");
        }
        code.append("""
                ]:
                    try:
                        if os.path.isdir(p):
                            print(p + ": OK", os.listdir(p))
                        else:
                            with open(p, "rb") as f:
                                print(p + ": OK", f.read(4096))
                    except Exception as e:
                        print(p + ":", type(e).__name__)
                """);
        return code.toString();
    }

    @Test
    void case12_secretsAndHostFilesAreNotReachable() {
        String home = System.getProperty("user.home");
        String[] paths = {"/etc/shadow", "/etc/passwd", "/proc/1/environ", "/proc/self/root/etc/shadow",
            "../../../../etc/shadow", "/workspace/../../../root", secretFile.toString(), home + "/.ssh",
            home + "/.m2/settings.xml", "/sys/fs/cgroup", "/sys", "/root", "/home", "/var/run/docker.sock"};
        SandboxFixture.Run run = sandbox.run(probePaths(paths), LIMITS);
        assertThat(run.result().status()).isEqualTo(ToolStatus.OK);
        for (String path : paths) {
            assertThat(run.result().output()).as(path).containsPattern(
                    "(?m)^" + java.util.regex.Pattern.quote(path) + ": (FileNotFoundError|PermissionError)$");
        }
        assertThat(run.result().output()).doesNotContain(CANARY);
    }

    @Test
    void case13_canaryNeverAppearsInToolOutput() {
        String envCanary = System.getenv("AGENTRT_TEST_CANARY");
        assertThat(envCanary).as("surefire sets AGENTRT_TEST_CANARY in the executor's environment").isNotBlank();
        SandboxFixture.Run run = sandbox.run("""
                import os
                print(dict(os.environ))
                for pid in os.listdir("/proc"):
                    if pid.isdigit():
                        for name in ("environ", "cmdline"):
                            try: print(pid, name, open(f"/proc/{pid}/{name}", "rb").read())
                            except Exception as e: print(pid, name, type(e).__name__)
                for root, dirs, files in os.walk("/", topdown=True):
                    dirs[:] = [d for d in dirs if root != "/" or d not in ("proc", "usr")]
                    for f in files:
                        try: print(os.path.join(root, f), open(os.path.join(root, f), "rb").read(2048))
                        except Exception as e: print(f, type(e).__name__)
                """, LIMITS);
        assertThat(run.result().status()).isEqualTo(ToolStatus.OK);
        String everything = new String(run.launch().output(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(everything).doesNotContain(envCanary).doesNotContain(CANARY);
        assertThat(everything).doesNotContain("JAVA_HOME").doesNotContain("MAVEN");
    }

    @Test
    void case14_systemPathsAreReadOnly() {
        SandboxFixture.Run run = sandbox.run("""
                import os
                for p in ["/x", "/usr/x", "/etc/x", "/usr/bin/python3", "/proc/sys/kernel/hostname", "/run/agentrt/x"]:
                    try:
                        with open(p, "ab") as f: f.write(b"x")
                        print(p, "WRITTEN")
                    except OSError as e:
                        print(p, type(e).__name__, e.errno)
                """, LIMITS);
        assertThat(run.result().status()).isEqualTo(ToolStatus.OK);
        assertThat(run.result().output()).doesNotContain("WRITTEN");
        assertThat(run.result().output().lines()).hasSize(6)
                .allMatch(line -> line.matches(".* (PermissionError|OSError|FileNotFoundError) (13|30|1|2)"));
        assertThat(Path.of("/x")).doesNotExist();
        assertThat(Path.of("/usr/x")).doesNotExist();
    }

    @Test
    void case15_networkIsOff() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket v4 = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             ServerSocket v6 = new ServerSocket(0, 50, InetAddress.getByName("::1"))) {
            Thread acceptors = Thread.ofVirtual().start(() -> acceptAll(v4, v6, accepted));
            String code = """
                    import socket
                    def attempt(name, fn):
                        try:
                            fn(); print(name, "CONNECTED")
                        except Exception as e:
                            print(name, "failed", type(e).__name__)
                    def tcp(family, addr):
                        s = socket.socket(family, socket.SOCK_STREAM); s.settimeout(1); s.connect(addr)
                    def udp():
                        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b"x", ("127.0.0.1", %d))
                    attempt("tcp4", lambda: tcp(socket.AF_INET, ("127.0.0.1", %d)))
                    attempt("tcp6", lambda: tcp(socket.AF_INET6, ("::1", %d)))
                    attempt("udp", udp)
                    attempt("dns", lambda: socket.getaddrinfo("example.com", 80))
                    attempt("raw", lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
                    attempt("packet", lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW))
                    attempt("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW))
                    """.formatted(v4.getLocalPort(), v4.getLocalPort(), v6.getLocalPort());
            SandboxFixture.Run run = sandbox.run(code, LIMITS);
            assertThat(run.result().status()).isEqualTo(ToolStatus.OK);
            assertThat(run.result().output()).doesNotContain("CONNECTED");
            assertThat(run.result().output().lines()).hasSize(7).allMatch(l -> l.contains(" failed "));
            acceptors.interrupt();
        }
        assertThat(accepted).as("connections accepted by the test's loopback listeners").hasValue(0);
    }

    private static void acceptAll(ServerSocket v4, ServerSocket v6, AtomicInteger accepted) {
        try {
            v4.setSoTimeout(50);
            v6.setSoTimeout(50);
            while (!Thread.currentThread().isInterrupted()) {
                for (ServerSocket server : new ServerSocket[] {v4, v6}) {
                    try (Socket s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // poll the other one
                    }
                }
            }
        } catch (IOException e) {
            // closed at the end of the test
        }
    }

    @Test
    void case16_escapeSyscallsAreDenied() throws Exception {
        Process hostSentinel = new ProcessBuilder("/usr/bin/sleep", "60").start();
        try {
            SandboxFixture.Run run = sandbox.run("""
                    import ctypes, os, subprocess
                    libc = ctypes.CDLL(None, use_errno=True)
                    def sys(name, nr, *args):
                        r = libc.syscall(nr, *args)
                        print(name, "OK" if r >= 0 else "denied", ctypes.get_errno())
                    sys("unshare", 272, 0x10000000)
                    sys("unshare-net", 272, 0x40000000)
                    sys("mount", 165, b"none", b"/tmp", b"tmpfs", 0, None)
                    sys("ptrace", 101, 16, 1, 0, 0)
                    sys("chroot", 161, b"/tmp")
                    sys("bpf", 321, 0, 0, 0)
                    sys("io_uring_setup", 425, 8, 0)
                    sys("keyctl", 250, 0, 0, 0)
                    sys("perf_event_open", 298, 0, 0, -1, -1, 0)
                    sys("setns", 308, 0, 0)
                    r = libc.kill(-1, 9)
                    print("kill-1 done", r)
                    su = subprocess.run(["/usr/bin/su", "-c", "id"], capture_output=True, stdin=subprocess.DEVNULL)
                    print("su", "OK" if su.returncode == 0 else "denied", su.returncode)
                    """, LIMITS);
            assertThat(run.result().status()).isIn(ToolStatus.OK, ToolStatus.ERROR);
            String out = run.result().output();
            for (String call : new String[] {"unshare", "unshare-net", "mount", "ptrace", "chroot", "bpf",
                "io_uring_setup", "keyctl", "perf_event_open", "setns", "su"}) {
                assertThat(out).as(call).containsPattern("(?m)^" + call + " denied ");
            }
            assertThat(hostSentinel.isAlive()).as("a host process survives the guest's kill(-1, 9)").isTrue();
        } finally {
            hostSentinel.destroyForcibly().waitFor();
        }
    }

    @Test
    void case17_daemonsAndBackgroundJobsDoNotOutliveTheCall() {
        SandboxFixture.Run run = sandbox.run("""
                import os, subprocess, time
                if os.fork() == 0:
                    os.setsid()
                    if os.fork() == 0:
                        os.closerange(0, 3)
                        time.sleep(300)
                    os._exit(0)
                subprocess.Popen(["/bin/sh", "-c", "nohup /usr/bin/sleep 300 >/dev/null 2>&1 &"])
                time.sleep(0.3)
                print("parent done")
                """, LIMITS);
        assertThat(run.result().status()).isEqualTo(ToolStatus.OK);
        assertThat(run.result().output()).isEqualTo("parent done\n");
        assertThat(run.launch().wallMs()).isLessThan(3000);
        // SandboxFixture.run has asserted: cgroup empty and removed, no process of any slot uid.
    }
}
