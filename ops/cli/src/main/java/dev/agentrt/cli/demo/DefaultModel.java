package dev.agentrt.cli.demo;

import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.synth.CheckpointSynth;
import dev.agentrt.model.synth.SynthPreset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The model {@code demo} and {@code up} use when none is given: the deterministic {@code tiny-full}
 * checkpoint (exact gpt-oss architecture and vocabulary, untrained weights), written once to the cache folder.
 */
public final class DefaultModel {

    public static final String NOTICE = "model: tiny-full, a synthetic UNTRAINED checkpoint (exact gpt-oss shapes, "
        + "deterministic weights): it produces random tokens, so expect no sensible answer. Pass --model DIR "
        + "for a real checkpoint (e.g. openai/gpt-oss-20b).";

    private DefaultModel() {}

    public static Path cacheRoot() {
        String override = System.getenv("AGENTRT_CACHE");
        return override != null ? Path.of(override) : Path.of(System.getProperty("user.home"), ".agentrt", "models");
    }

    /**
     * The model {@code demo} and {@code eval} run when no {@code --model} is given, ready on disk; first says on
     * {@code log} what it is. The one place that chooses it.
     */
    public static Path resolve(PrintWriter log) throws IOException {
        log.println(NOTICE);
        log.flush();
        return tinyFull(log);
    }

    /** The cached tiny-full checkpoint, generated on first use (written aside, then moved into place). */
    public static Path tinyFull(PrintWriter log) throws IOException {
        Path dir = cacheRoot().resolve("tiny-full");
        if (Files.isRegularFile(dir.resolve("config.json"))) return dir;
        log.println("generating the tiny-full checkpoint in " + dir + " (first use) ...");
        log.flush();
        Files.createDirectories(dir.getParent());
        Path staging = Files.createTempDirectory(dir.getParent(), "tiny-full-");
        var synth = new CheckpointSynth(SynthPreset.parse("tiny-full"));
        synth.write(staging, CheckpointLayout.ORIGINAL, bytes -> { });
        try {
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
            // Another process finished first; its copy is identical (the generator is deterministic).
        }
        return dir;
    }
}
