package dev.agentrt.demomodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoModelTest {

    @Test
    void unpacksOnceVerifiedIntoAFolderNamedByTheWeightsHash(@TempDir Path root) throws Exception {
        Path dir = DemoModel.unpackInto(root);
        assertThat(dir.getFileName().toString()).isEqualTo(DemoModel.folderName())
            .startsWith("agentrt-demo-" + DemoModel.manifest().get("model.safetensors").substring(0, 16));
        for (var e : DemoModel.manifest().entrySet()) {
            byte[] bytes = Files.readAllBytes(dir.resolve(e.getKey()));
            assertThat(HexFormat.of().formatHex(DemoModel.sha256().digest(bytes))).isEqualTo(e.getValue());
        }
        long modified = Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis();
        assertThat(DemoModel.unpackInto(root)).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis()).isEqualTo(modified);
        try (var s = Files.list(root)) {
            assertThat(s.toList()).containsExactly(dir);
        }
    }

    @Test
    void concurrentUnpackersAgreeAndLeaveNoStagingBehind(@TempDir Path root) throws Exception {
        try (var pool = Executors.newFixedThreadPool(3)) {
            var futures = new ArrayList<Future<Path>>();
            for (int i = 0; i < 3; i++) futures.add(pool.submit((Callable<Path>) () -> DemoModel.unpackInto(root)));
            Path first = futures.get(0).get();
            for (var f : futures) assertThat(f.get()).isEqualTo(first);
        }
        try (var s = Files.list(root)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly(DemoModel.folderName());
        }
    }
}
