package dev.agentrt.cli.demo;

import dev.agentrt.demomodel.DemoModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model {@code demo}, {@code eval} and {@code up} use when none is given: the bundled demo model (a small
 * gpt-oss-architecture checkpoint trained to use the builtin tools; ops/demo-model), unpacked on first use into the
 * cache folder ({@code $AGENTRT_CACHE}, else {@code ~/.agentrt/models}).
 */
public final class DefaultModel {

    private DefaultModel() {}

    /**
     * The model to run when no {@code --model} is given, ready on disk; first says on {@code log} what it is (and
     * that it unpacks, the first time). The one place that chooses it.
     */
    public static Path resolve(PrintWriter log) throws IOException {
        log.println(DemoModel.NOTICE);
        Path unpacked = DemoModel.cacheRoot().resolve(DemoModel.folderName());
        if (!Files.isDirectory(unpacked)) {
            log.println("unpacking the demo model into " + unpacked + " (first use) ...");
        }
        log.flush();
        return DemoModel.path();
    }
}
