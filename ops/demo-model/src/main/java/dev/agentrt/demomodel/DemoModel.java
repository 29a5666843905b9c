package dev.agentrt.demomodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The bundled demo model: a small checkpoint of the exact gpt-oss architecture (original layout, MXFP4 experts,
 * the full o200k_harmony vocabulary), trained to answer with the builtin tools (calculator, unit converter, current
 * time). It ships compressed as a class-path resource ({@code demo-model.zip}, with {@code demo-model.sha256}
 * listing each file's SHA-256) and is unpacked on first use into the cache folder
 * ({@code $AGENTRT_CACHE}, else {@code ~/.agentrt/models}) as {@code agentrt-demo-<hash>}, where the hash is that of
 * its weights file: a retrained model gets a new folder.
 *
 * <p>Unpacking writes a staging folder next to the target, checks every file's SHA-256 against the manifest, then
 * moves the folder into place atomically; a concurrent unpacker that finishes first wins and the loser's copy is
 * deleted. A folder that exists is complete (it only appears by that move).
 */
public final class DemoModel {

    static final String ZIP = "demo-model.zip";
    static final String MANIFEST = "demo-model.sha256";
    static final String WEIGHTS = "model.safetensors";

    /** Shown by front ends that use the demo model by default. */
    public static final String NOTICE = "model: agentrt demo model, a small gpt-oss-architecture model trained only to "
        + "use the builtin calculator, unit converter and clock (it knows little else). Pass --model DIR for a real "
        + "checkpoint (e.g. openai/gpt-oss-20b).";

    private DemoModel() {}

    /** The cache root: {@code $AGENTRT_CACHE}, else {@code ~/.agentrt/models} (as the CLI's default model). */
    public static Path cacheRoot() {
        String override = System.getenv("AGENTRT_CACHE");
        return override != null ? Path.of(override) : Path.of(System.getProperty("user.home"), ".agentrt", "models");
    }

    /** File name → SHA-256 (hex) of every file of the bundled checkpoint. */
    public static Map<String, String> manifest() {
        try (InputStream in = resource(MANIFEST)) {
            var out = new LinkedHashMap<String, String>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                String[] parts = line.trim().split("\\s+", 2);
                out.put(parts[1], parts[0]);
            }
            if (!out.containsKey(WEIGHTS) || !out.containsKey("config.json")) {
                throw new IllegalStateException(MANIFEST + " lists no " + WEIGHTS + " or config.json");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder name in the cache: {@code agentrt-demo-} and the first 16 hex digits of the weights' SHA-256. */
    public static String folderName() {
        return "agentrt-demo-" + manifest().get(WEIGHTS).substring(0, 16);
    }

    /** The unpacked checkpoint directory in {@link #cacheRoot()}, unpacking it first if needed. */
    public static Path path() throws IOException {
        return unpackInto(cacheRoot());
    }

    /** The unpacked checkpoint directory under {@code root}, unpacking it first if needed. */
    public static Path unpackInto(Path root) throws IOException {
        Path dir = root.resolve(folderName());
        if (Files.isDirectory(dir)) return dir;
        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, ".agentrt-demo-staging-");
        try {
            unpack(staging);
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another process moved its verified copy in first (rename(2) reports ENOTEMPTY or EEXIST).
                if (!Files.isDirectory(dir)) throw e;
            }
            if (!Files.isDirectory(dir)) throw new IOException("unpacking the demo model did not produce " + dir);
            return dir;
        } finally {
            deleteTree(staging);
        }
    }

    /** Unzips the bundle into {@code dir} and checks every file against the manifest. */
    static void unpack(Path dir) throws IOException {
        Map<String, String> expected = manifest();
        var seen = new LinkedHashMap<String, String>();
        try (ZipInputStream zip = new ZipInputStream(resource(ZIP))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName();
                if (e.isDirectory() || name.contains("/") || name.contains("\\") || !expected.containsKey(name)) {
                    throw new IOException(ZIP + " holds an unexpected entry '" + name + "'");
                }
                MessageDigest sha = sha256();
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(dir.resolve(name)), sha)) {
                    zip.transferTo(out);
                }
                seen.put(name, HexFormat.of().formatHex(sha.digest()));
            }
        }
        for (var entry : expected.entrySet()) {
            String actual = seen.get(entry.getKey());
            if (!entry.getValue().equals(actual)) {
                throw new IOException("the bundled demo model is corrupt: " + entry.getKey() + " has SHA-256 "
                    + actual + ", expected " + entry.getValue());
            }
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = DemoModel.class.getResourceAsStream(name);
        if (in == null) throw new IOException("resource " + name + " is missing from the class path");
        return in;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
