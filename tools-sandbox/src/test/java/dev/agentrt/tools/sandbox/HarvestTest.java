package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.tools.RoutesConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** sandbox.md §3.7 case 19: the harvester refuses links and special files and stays within its caps. */
class HarvestTest {

    static SandboxFixture sandbox;
    static final HarvestLimits HARVEST = HarvestLimits.defaults();

    @BeforeAll
    static void start() {
        sandbox = new SandboxFixture(1, RoutesConfig.defaults());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static SandboxFixture.Run harvest(String code) {
        return sandbox.run(new SandboxSpec(List.of("/usr/bin/python3", "-I", "-"),
                code.getBytes(StandardCharsets.UTF_8), SandboxLimits.defaults(), List.of(), Map.of(), HARVEST));
    }

    @Test
    void case19_linksAndSpecialFilesAreRefused() {
        SandboxFixture.Run run = harvest("""
                import os
                open("result.txt", "w").write("the answer")
                os.symlink("/etc/shadow", "shadow-link")
                os.symlink("/", "root-link")
                os.makedirs("sub"); os.symlink("/etc", "sub/etc")
                try:
                    os.link("/usr/bin/python3", "hardlink")
                except OSError as e:
                    print("hardlink refused by the kernel:", e.errno)
                open("own", "w").write("x"); os.link("own", "own-hardlink")
                os.mkfifo("fifo")
                try:
                    with open("sparse", "wb") as f:
                        f.truncate(2**40)
                except OSError as e:
                    print("sparse file refused by the kernel:", e.errno)
                """);
        // RLIMIT_FSIZE already stops a 1 TiB sparse file inside (EFBIG, an empty file remains);
        // the host-side test below plants one the guest could not.
        assertThat(run.result().output()).contains("sparse file refused by the kernel: 27");
        List<HarvestedFile> files = run.launch().files().stream().filter(f -> !f.path().equals("sparse")).toList();
        assertThat(files).extracting(HarvestedFile::path).containsExactly("result.txt");
        assertThat(new String(files.getFirst().content(), StandardCharsets.UTF_8)).isEqualTo("the answer");
    }

    @Test
    void case19_deepTreesManyFilesAndOddNamesStayWithinTheCaps() {
        long start = System.nanoTime();
        SandboxFixture.Run run = harvest("""
                import os
                fd = os.open(".", os.O_RDONLY)
                for i in range(1000):
                    os.mkdir("d", dir_fd=fd)
                    nfd = os.open("d", os.O_RDONLY, dir_fd=fd)
                    os.close(fd); fd = nfd
                open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w").write("deep")
                os.makedirs("many")
                for i in range(20000):
                    open(f"many/{i}", "w").close()
                open("new\\nline", "w").write("x")
                open("..dots", "w").write("x")
                open("ok.txt", "w").write("fine")
                """);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        List<HarvestedFile> files = run.launch().files();
        assertThat(files.size()).isLessThanOrEqualTo(HARVEST.maxFiles());
        assertThat(files).extracting(HarvestedFile::path).noneMatch(p -> p.contains("\n")).noneMatch(p -> p.endsWith("deep.txt"));
        assertThat(files.stream().mapToLong(f -> f.content().length).sum()).isLessThanOrEqualTo(HARVEST.maxTotalBytes());
        assertThat(run.launch().wallMs()).isLessThan(SandboxLimits.defaults().wallMs());
        assertThat(elapsed).as("guest + harvest + wipe").isLessThan(15_000);
    }

    @Test
    void case19_aSparseTerabyteFileIsSkippedWithoutReadingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        try (var file = java.nio.channels.FileChannel.open(dir.resolve("sparse"),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[] {1}), 1L << 40);
        }
        java.nio.file.Files.writeString(dir.resolve("small"), "s");
        long start = System.nanoTime();
        WorkspaceHarvester.Harvest harvest = WorkspaceHarvester.harvest(dir, HARVEST);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(HARVEST.maxMillis());
        assertThat(harvest.files()).extracting(HarvestedFile::path).containsExactly("small");
        assertThat(harvest.refused()).anyMatch(r -> r.startsWith("sparse: larger than"));
    }

    @Test
    void wipingTheWorkspaceNeverFollowsTheGuestsSymlinksToHostPaths() throws java.io.IOException {
        java.nio.file.Path victim = java.nio.file.Files.createTempDirectory("agentrt-victim");
        java.nio.file.Files.writeString(victim.resolve("keep.txt"), "host data");
        try {
            SandboxFixture.Run run = harvest("""
                    import os
                    os.symlink("%1$s", "dir-link")
                    os.symlink("%1$s/keep.txt", "file-link")
                    os.makedirs("a/b"); os.symlink("%1$s", "a/b/deeper")
                    print("planted")
                    """.formatted(victim));
            assertThat(run.result().output()).isEqualTo("planted\n");
            assertThat(victim.resolve("keep.txt")).hasContent("host data");
            assertThat(sandbox.runtime.config().baseDir().resolve("slot-0")).doesNotExist();
        } finally {
            java.nio.file.Files.deleteIfExists(victim.resolve("keep.txt"));
            java.nio.file.Files.deleteIfExists(victim);
        }
    }

    @Test
    void harvestReadsRegularFilesWithinTheSizeCaps() {
        SandboxFixture.Run run = harvest("""
                open("a.txt", "w").write("alpha")
                open("big.bin", "wb").write(b"x" * (2 * 2**20))
                """);
        assertThat(run.launch().files()).extracting(HarvestedFile::path).containsExactly("a.txt");
    }
}
